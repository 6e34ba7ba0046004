import { createMemoryStore, defineAction } from '@firstline/core';
import type { RunRecord, RunStore } from '@firstline/core';
import { describe, expect, it } from 'vitest';
import { createLambdaHandler } from '../src/index.js';
import type { HttpApiEvent, LambdaHandlerOptions } from '../src/index.js';
import {
  ALERTMANAGER_TOKEN,
  alertmanagerBody,
  SIGNING_SECRET,
  slackEvent,
  slackHeaders,
  slackPress,
  urlEvent,
} from './httpSupport.js';
import { createShiftedClock, lambdaContext, recordingLogger } from './support.js';

// The HTTP routes in-process: function URL events (payload 2.0) and a REST API one (1.0), a memory
// store wrapped to record every write (so "refused changes nothing" is checked on the store itself),
// a stand-in probe and remediation (named test.*), secrets from the handler's env.
const MIN = 60_000;
const env = {
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  ALERTMANAGER_TOKEN,
};

/** A memory store that records the name of every method that writes. */
function recordingStore(): RunStore & { writes: string[] } {
  const store = createMemoryStore();
  const writes: string[] = [];
  const wrapped: RunStore & { writes: string[] } = Object.create(store) as RunStore & { writes: string[] };
  for (const name of [
    'save',
    'saveChanges',
    'delete',
    'acquire',
    'release',
    'claim',
    'lock',
    'unlock',
    'spend',
  ] as const) {
    const methods = store as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>;
    const method = methods[name];
    if (method)
      (wrapped as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        writes.push(name);
        return method.apply(store, args);
      };
  }
  wrapped.writes = writes;
  return wrapped;
}

function setup(extra: Partial<LambdaHandlerOptions> = {}) {
  const reboots: string[] = [];
  const health = defineAction<{ host: string }, { healthy: boolean }>({
    id: 'test.health',
    kind: 'probe',
    description: 'Never healthy.',
    input: { type: 'object', required: ['host'], properties: { host: { type: 'string' } } },
    run: () => Promise.resolve({ healthy: false }),
  });
  const reboot = defineAction<{ host: string }, { rebooted: string }>({
    id: 'test.reboot',
    kind: 'remediation',
    description: 'Reboots (counts) the host.',
    input: { type: 'object', required: ['host'], properties: { host: { type: 'string' } } },
    run: (input) => {
      reboots.push(input.host);
      return Promise.resolve({ rebooted: input.host });
    },
  });
  const playbook = (name: string) => ({
    firstline: 1,
    name,
    inputs: { instance: { type: 'string' } },
    checks: [
      {
        id: 'health',
        action: 'test.health',
        with: { host: '{{ inputs.instance }}' },
        expect: 'output.healthy',
      },
    ],
    remediate: [{ id: 'reboot', action: 'test.reboot', with: { host: '{{ inputs.instance }}' } }],
    recheck: { rounds: 1, after: '2m' },
  });
  const store = recordingStore();
  const logger = recordingLogger();
  const clock = createShiftedClock();
  const handler = createLambdaHandler({
    playbooks: { 'host-down': playbook('host-down'), 'disk-full': playbook('disk-full') },
    actions: [health, reboot],
    store,
    clock,
    logger,
    env,
    routes: [
      { playbook: 'host-down', labels: { alertname: 'HostDown' } },
      { playbook: 'disk-full', labels: { alertname: 'Disk*', severity: 'page' } },
    ],
    http: {
      slack: { signingSecret: { env: 'SLACK_SIGNING_SECRET' }, respond: false },
      alertmanager: { token: { env: 'ALERTMANAGER_TOKEN' } },
    },
    ...extra,
  });
  return { handler, store, logger, clock, reboots };
}

const body = (answer: { body: string }) => JSON.parse(answer.body) as Record<string, unknown>;

describe('HTTP requests (function URL)', () => {
  it('an unknown path is 404, another method 405, a body too large 413, each with a JSON code', async () => {
    const { handler } = setup({
      http: { alertmanager: { token: { env: 'ALERTMANAGER_TOKEN' } }, maxBodyBytes: 100 },
    });
    const missing = await handler(urlEvent('POST', '/nope'));
    expect(missing.statusCode).toBe(404);
    expect(body(missing)).toEqual({
      code: 'E_NOT_FOUND',
      message: 'no route /nope: this function answers POST /alertmanager',
    });
    // Slack's route is not configured here: 404 as well.
    expect((await handler(urlEvent('POST', '/slack/interactions'))).statusCode).toBe(404);
    const get = await handler(urlEvent('GET', '/alertmanager'));
    expect(get).toMatchObject({ statusCode: 405, headers: { allow: 'POST' } });
    expect(body(get).code).toBe('E_METHOD_NOT_ALLOWED');
    const large = await handler(urlEvent('POST', '/alertmanager', 'x'.repeat(101)));
    expect(large.statusCode).toBe(413);
    expect(body(large).code).toBe('E_PAYLOAD_TOO_LARGE');
    expect(large.headers['content-type']).toContain('application/json');
  });

  it('refuses bad http options and a route mixing labels with alarm criteria (E_HANDLER_CONFIG)', () => {
    const cases: Array<[Partial<LambdaHandlerOptions>, string]> = [
      [{ http: { maxBodyBytes: 0 } }, 'http.maxBodyBytes'],
      [
        { http: { slack: { signingSecret: { env: 'X' }, answerWithinMs: Number.NaN } } },
        'http.slack.answerWithinMs',
      ],
      [{ routes: [{ playbook: 'host-down', alarm: 'cpu-*', labels: { alertname: 'X' } }] }, 'not both'],
    ];
    for (const [extra, problem] of cases)
      expect(() => setup(extra)).toThrow(
        expect.objectContaining({
          code: 'E_HANDLER_CONFIG',
          message: expect.stringContaining(problem) as unknown,
        }) as Error,
      );
  });

  it('without http options every path is 404', async () => {
    const { handler } = setup({ http: undefined });
    const answer = await handler(urlEvent('POST', '/alertmanager', '{}'));
    expect(answer.statusCode).toBe(404);
    expect(body(answer).message).toContain('none is configured');
  });
});

describe('POST /alertmanager', () => {
  const auth = { authorization: `Bearer ${ALERTMANAGER_TOKEN}`, 'content-type': 'application/json' };

  it('401 without the bearer token or with another; nothing runs, nothing is stored', async () => {
    const { handler, store, reboots } = setup();
    const webhook = alertmanagerBody([{ labels: { alertname: 'HostDown', instance: 'web-1' } }]);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer fake-wrong-token-0000' },
      { authorization: 'Basic abc' },
    ]) {
      const answer = await handler(urlEvent('POST', '/alertmanager', webhook, headers));
      expect(answer.statusCode).toBe(401);
      expect(body(answer).code).toBe('E_UNAUTHORIZED');
      expect(answer.headers['www-authenticate']).toContain('Bearer');
    }
    expect(store.writes).toEqual([]);
    expect(reboots).toEqual([]);
  });

  it('routes each firing alert by its labels to a run named by its fingerprint; the same webhook again replays it', async () => {
    const { handler, reboots } = setup();
    const webhook = alertmanagerBody([
      { labels: { alertname: 'HostDown', instance: 'web-1' }, fingerprint: 'aaaa000000000001' },
      {
        labels: { alertname: 'DiskFull', severity: 'page', instance: 'db-1' },
        fingerprint: 'bbbb000000000002',
      },
      {
        labels: { alertname: 'DiskFull', severity: 'ticket', instance: 'db-2' },
        fingerprint: 'cccc000000000003',
      },
      {
        labels: { alertname: 'HostDown', instance: 'web-2' },
        status: 'resolved',
        fingerprint: 'dddd000000000004',
      },
    ]);
    const answer = await handler(urlEvent('POST', '/alertmanager', webhook, auth), lambdaContext(30_000));
    expect(answer.statusCode).toBe(200);
    const result = body(answer) as {
      runs: Array<Record<string, unknown>>;
      ignored: Array<Record<string, unknown>>;
    };
    expect(result.runs.map((r) => [r.playbook, r.outcome])).toEqual([
      ['host-down', 'suspended'],
      ['disk-full', 'suspended'],
    ]);
    expect(result.runs[0]!.runId).toBe('host-down-am-aaaa000000000001-2026-12-06T22_00_00Z');
    expect(result.ignored.map((i) => i.kind)).toEqual(['unrouted', 'state']);
    expect(reboots).toEqual(['web-1', 'db-1']);

    const again = await handler(urlEvent('POST', '/alertmanager', webhook, auth), lambdaContext(30_000));
    expect((body(again) as typeof result).runs.map((r) => r.replayed)).toEqual([true, true]);
    expect(reboots).toEqual(['web-1', 'db-1']);
  });

  it('400 for a body that is not JSON or not an Alertmanager webhook', async () => {
    const { handler } = setup();
    for (const text of ['{not json', '{"receiver":"x"}', '{"alerts":[{"status":"firing"}]}']) {
      const answer = await handler(urlEvent('POST', '/alertmanager', text, auth));
      expect(answer.statusCode, text).toBe(400);
      expect(body(answer).code).toBe('E_BAD_REQUEST');
    }
  });

  it('reads a REST API (payload 1.0) event with a base64 body, and a trailing slash', async () => {
    const { handler } = setup();
    const webhook = alertmanagerBody([{ labels: { alertname: 'HostDown', instance: 'web-9' } }]);
    const answer = await handler(
      {
        resource: '/{proxy+}',
        path: '/alertmanager/',
        httpMethod: 'POST',
        headers: { Authorization: `Bearer ${ALERTMANAGER_TOKEN}` },
        requestContext: { stage: 'prod' },
        body: Buffer.from(webhook).toString('base64'),
        isBase64Encoded: true,
      } as unknown as HttpApiEvent,
      lambdaContext(30_000),
    );
    expect(answer.statusCode).toBe(200);
  });
});

describe('POST /slack/interactions', () => {
  const approvalId = 'host-down-run/approve-reboot/1';

  it('refuses an unsigned, wrongly signed or stale request with 401 and its code, and changes nothing', async () => {
    const { handler, store, clock, logger } = setup();
    const press = slackPress(approvalId, 'firstline.approve');
    const cases: Array<[HttpApiEvent, string]> = [
      [urlEvent('POST', '/slack/interactions', press), 'E_SLACK_HEADERS'],
      [slackEvent(press, clock.now(), 'fake-other-signing-secret'), 'E_SLACK_SIGNATURE'],
      [slackEvent(press, clock.now() - 10 * MIN), 'E_SLACK_TIMESTAMP'],
      [slackEvent(press, clock.now() + 10 * MIN), 'E_SLACK_TIMESTAMP'],
      [
        urlEvent(
          'POST',
          '/slack/interactions',
          press.replace('approve', 'deny'),
          slackHeaders(press, clock.now()),
        ),
        'E_SLACK_SIGNATURE',
      ],
    ];
    for (const [event, code] of cases) {
      const answer = await handler(event);
      expect(answer.statusCode).toBe(401);
      expect(body(answer).code).toBe(code);
    }
    expect(store.writes).toEqual([]);
    expect(JSON.stringify(logger.lines)).not.toContain(SIGNING_SECRET);
  });

  it('a malformed payload is 400 E_SLACK_PAYLOAD; the console link button is a plain 200', async () => {
    const { handler, clock, store } = setup();
    const bad = 'payload=%7B%22type%22%3A%22view_submission%22%7D';
    const answer = await handler(slackEvent(bad, clock.now()));
    expect(answer.statusCode).toBe(400);
    expect(body(answer).code).toBe('E_SLACK_PAYLOAD');
    const link = await handler(slackEvent(slackPress(approvalId, 'firstline.open'), clock.now()));
    expect(link).toEqual({ statusCode: 200, headers: {}, body: '' });
    expect(store.writes).toEqual([]);
  });

  it('an unknown approval, or a Slack user not among its approvers, gets an ephemeral 200 and changes nothing', async () => {
    const { handler, clock, store } = setup();
    // A stored run, given a pending approval by hand (the approve step is core's; this is the route).
    await handler(
      urlEvent(
        'POST',
        '/alertmanager',
        alertmanagerBody([{ labels: { alertname: 'HostDown', instance: 'web-1' } }]),
        {
          authorization: `Bearer ${ALERTMANAGER_TOKEN}`,
        },
      ),
      lambdaContext(30_000),
    );
    const [runId] = await store.list();
    const record = (await store.load(runId!))!;
    const approval = {
      id: `${runId}/approve-reboot/1`,
      runId: runId!,
      playbook: 'host-down',
      step: 'approve-reboot',
      visit: 1,
      message: 'Reboot web-1?',
      requestedAt: clock.now(),
      expiresAt: clock.now() + 30 * MIN,
      approvers: { slack: ['U0APPROVER'] },
    };
    await store.save({ ...record, approval } satisfies RunRecord);
    store.writes.length = 0;
    const before = JSON.stringify(await store.load(runId!));

    const stranger = await handler(
      slackEvent(slackPress(approval.id, 'firstline.approve', 'U0STRANGER'), clock.now()),
    );
    expect(stranger.statusCode).toBe(200);
    expect(body(stranger)).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(body(stranger).text).toContain('not among the Slack approvers');

    const unknown = await handler(slackEvent(slackPress('no-such-run/x/1', 'firstline.deny'), clock.now()));
    expect(body(unknown)).toMatchObject({ response_type: 'ephemeral' });
    expect(body(unknown).text).toContain('not known');

    expect(store.writes).toEqual([]);
    expect(JSON.stringify(await store.load(runId!))).toBe(before);
  });
});

describe('HTTP route secrets and replies', () => {
  it('a signing secret that cannot be resolved is a 500 with its code, logged without a value', async () => {
    const { handler, clock, logger, store } = setup({
      env: {},
      http: { slack: { signingSecret: { env: 'SLACK_SIGNING_SECRET' } } },
    });
    const press = slackPress('run-x/ask/1', 'firstline.approve');
    const answer = await handler(slackEvent(press, clock.now()));
    expect(answer.statusCode).toBe(500);
    expect(body(answer).code).toBe('E_SECRET_UNRESOLVED');
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('/slack/interactions'))).toBe(
      true,
    );
    expect(store.writes).toEqual([]);
  });

  it("posts the refusal to the press's response_url (a recording fetch stands in for Slack)", async () => {
    const posted: Array<{ url: string; body: unknown }> = [];
    const recordingFetch: typeof fetch = (url, init) => {
      posted.push({ url: url as string, body: JSON.parse(init?.body as string) });
      return Promise.resolve(new Response('ok'));
    };
    const { handler, clock } = setup({
      http: { slack: { signingSecret: { env: 'SLACK_SIGNING_SECRET' }, fetch: recordingFetch } },
    });
    const answer = await handler(
      slackEvent(slackPress('no-such-run/ask/1', 'firstline.approve'), clock.now()),
    );
    expect(answer.statusCode).toBe(200);
    expect(posted).toEqual([
      {
        url: 'https://hooks.slack.com/actions/T0FAKE/1/fake',
        body: {
          response_type: 'ephemeral',
          replace_original: false,
          text: expect.stringContaining('not known') as unknown,
        },
      },
    ]);
  });
});

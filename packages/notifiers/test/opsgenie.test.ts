import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpsgenieClient, opsgenie } from '../src/index.js';
import type { Fetch } from '../src/index.js';
import { actionOf, leaksIn, recordingSleep, rejectionOf, run, testRetries } from './support/engine.js';
import { createTestContext } from '@firstline/core/testing';
import { OPSGENIE_KEY, startMockOpsgenie } from './support/mockOpsgenie.js';
import type { MockOpsgenie } from './support/mockOpsgenie.js';

let mock: MockOpsgenie;
beforeAll(async () => {
  mock = await startMockOpsgenie();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const env = { OPSGENIE_KEY };
/** The multi-region example's alert, then a note, then the close a later recovered run sends. */
const incident = {
  name: 'opsgenie-incident',
  secrets: { opsgenieKey: { env: 'OPSGENIE_KEY' } },
  steps: [
    {
      id: 'page',
      action: 'opsgenie.createAlert',
      with: {
        apiKey: '{{ secrets.opsgenieKey }}',
        message: 'eu-west-3: i-0abc1234 still failing after a reboot',
        alias: 'firstline-eu-west-3-i-0abc1234',
        priority: 'P2',
        tags: ['firstline', 'eu-west-3'],
        details: { url: 'https://app.example.com/health' },
        responders: [{ type: 'team', name: 'ops' }],
      },
    },
    {
      id: 'note',
      action: 'opsgenie.addNote',
      with: {
        apiKey: '{{ secrets.opsgenieKey }}',
        alias: '{{ steps.page.output.alias }}',
        note: 'reboot did not help',
      },
    },
  ],
};
const close = {
  name: 'opsgenie-recovered',
  secrets: { opsgenieKey: { env: 'OPSGENIE_KEY' } },
  steps: [
    {
      id: 'close',
      action: 'opsgenie.closeAlert',
      with: {
        apiKey: '{{ secrets.opsgenieKey }}',
        alias: 'firstline-eu-west-3-i-0abc1234',
        note: 'recovered',
      },
    },
  ],
};

describe('opsgenie actions through the engine (mock OpsGenie API)', () => {
  it('creates one alert per alias: a second run counts the same alert instead of paging twice; a later run closes it', async () => {
    const actions = opsgenie({ baseUrl: mock.url, retries: testRetries(recordingSleep()) });
    const first = await run(incident, actions, { env });
    const second = await run(incident, actions, { env });

    expect([first.outcome, second.outcome]).toEqual(['healthy', 'healthy']);
    expect(first.output.page).toEqual({
      alias: 'firstline-eu-west-3-i-0abc1234',
      requestId: expect.any(String) as unknown,
    });
    expect(mock.alerts).toHaveLength(1);
    expect(mock.alerts[0]).toMatchObject({
      status: 'open',
      count: 2,
      priority: 'P2',
      notes: ['reboot did not help', 'reboot did not help'],
    });

    const create = mock.requests[0]!;
    expect(create.method).toBe('POST');
    expect(create.path).toBe('/v2/alerts');
    expect(create.headers.authorization).toBe(`GenieKey ${OPSGENIE_KEY}`);
    expect(create.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(create.body).toEqual({
      message: 'eu-west-3: i-0abc1234 still failing after a reboot',
      alias: 'firstline-eu-west-3-i-0abc1234',
      priority: 'P2',
      tags: ['firstline', 'eu-west-3'],
      responders: [{ type: 'team', name: 'ops' }],
      details: { firstlineRun: first.runId, url: 'https://app.example.com/health' },
      source: 'firstline',
    });
    const note = mock.requests[1]!;
    expect(`${note.path}?${note.query.toString()}`).toBe(
      '/v2/alerts/firstline-eu-west-3-i-0abc1234/notes?identifierType=alias',
    );
    expect(note.body).toEqual({ note: 'reboot did not help', source: 'firstline' });

    const recovered = await run(close, actions, { env });
    expect(recovered.outcome).toBe('healthy');
    expect(mock.requests.at(-1)!.path).toBe('/v2/alerts/firstline-eu-west-3-i-0abc1234/close');
    expect(mock.alerts[0]!.status).toBe('closed');
    for (const result of [first, second, recovered])
      expect(leaksIn(JSON.stringify(result), OPSGENIE_KEY)).toEqual([]);
  });

  it('without an alias, the alert gets one from the run and step, so a retried step does not page twice', async () => {
    const sleep = recordingSleep();
    const actions = opsgenie({ apiKey: OPSGENIE_KEY, baseUrl: mock.url, retries: testRetries(sleep) });
    mock.fail({ match: '/v2/alerts', status: 503, body: { message: 'Service unavailable' } });
    // Each retry of the create sends the same alias.
    mock.fail({ match: '/v2/alerts', status: 500, body: { message: 'Internal error' } });
    const result = await run(
      {
        name: 'no-alias',
        steps: [{ id: 'page', action: 'opsgenie.createAlert', with: { message: 'disk full on db-1' } }],
      },
      actions,
    );
    expect(result.outcome).toBe('healthy');
    expect(result.output.page).toMatchObject({ alias: `firstline:${result.runId}:page:1` });
    expect(mock.requests.map((r) => (r.body as { alias: string }).alias)).toEqual(
      Array(3).fill(`firstline:${result.runId}:page:1`),
    );
    expect(mock.alerts).toHaveLength(1);
    expect(sleep.delays).toEqual([75, 150]);
  });

  it("an error names OpsGenie's message and requestId; the factory's key is nowhere in the run", async () => {
    const actions = opsgenie({
      apiKey: 'fake-genie-key-wrong',
      baseUrl: mock.url,
      retries: testRetries(recordingSleep()),
    });
    const result = await run(
      {
        name: 'bad-key',
        steps: [{ id: 'page', action: 'opsgenie.createAlert', with: { message: 'x', alias: 'a' } }],
      },
      actions,
    );
    expect(result.outcome).toBe('failed');
    expect(result.steps.page?.error).toMatch(
      /^opsgenie\.createAlert: OpsGenie HTTP 401 \(the API key is not valid\): Could not authenticate \(requestId [0-9a-f-]{36}\)$/,
    );
    expect(mock.requests).toHaveLength(1);
    expect(leaksIn(JSON.stringify(result), 'fake-genie-key-wrong')).toEqual([]);
  });

  it('in shadow mode plans the alert, the note and the close, and sends nothing', async () => {
    const actions = opsgenie({ baseUrl: mock.url });
    const closed = await run(close, actions, { env, mode: 'shadow' });
    // A planned step has no real output (core gives { plan, changes }): the note names the alias itself.
    const steps = incident.steps.map((step) =>
      step.id === 'note'
        ? { ...step, with: { ...step.with, alias: 'firstline-eu-west-3-i-0abc1234' } }
        : step,
    );
    const page = await run({ ...incident, steps }, actions, { env, mode: 'shadow' });
    expect([page.outcome, closed.outcome]).toEqual(['healthy', 'healthy']);
    expect(mock.requests).toEqual([]);
    const host = new URL(mock.url).host;
    expect([...page.trace, ...closed.trace].flatMap((e) => (e.type === 'plan' ? [e.summary] : []))).toEqual([
      `would create OpsGenie alert P2 (alias firstline-eu-west-3-i-0abc1234) on ${host}: eu-west-3: i-0abc1234 still failing after a reboot`,
      `would add a note to the OpsGenie alert with alias firstline-eu-west-3-i-0abc1234 on ${host}: reboot did not help`,
      `would close the OpsGenie alert with alias firstline-eu-west-3-i-0abc1234 on ${host}: recovered`,
    ]);
    expect(leaksIn(JSON.stringify([page, closed]), OPSGENIE_KEY)).toEqual([]);
  });
});

describe('OpsGenie client (mock OpsGenie API)', () => {
  it('422 names the field errors and is not retried; the key echoed by a server is scrubbed', async () => {
    const sleep = recordingSleep();
    const client = createOpsgenieClient({
      apiKey: OPSGENIE_KEY,
      baseUrl: mock.url,
      retries: testRetries(sleep),
    });
    const invalid = await rejectionOf(client.createAlert({ message: '' }));
    expect(invalid.message).toMatch(
      /^opsgenie\.createAlert: OpsGenie HTTP 422 \(the request was not accepted\): Request body is not processable\. Please check the errors\. \[message: Message can not be empty\.\] \(requestId .+\)$/,
    );
    expect(invalid.retry).toEqual({ retryable: false, kind: 'error' });

    mock.fail({
      match: '/v2/alerts',
      status: 403,
      body: { message: `key ${OPSGENIE_KEY} lacks the right`, requestId: 'r-1' },
    });
    const forbidden = await rejectionOf(client.createAlert({ message: 'x' }));
    expect(forbidden.message).toContain('OpsGenie HTTP 403');
    expect(leaksIn(forbidden.message, OPSGENIE_KEY)).toEqual([]);
    expect(sleep.delays).toEqual([]);
    expect(mock.requests).toHaveLength(2);
  });

  it('a 429 waits exactly its Retry-After; retries are bounded; a long Retry-After goes to the playbook', async () => {
    const sleep = recordingSleep();
    const client = createOpsgenieClient({
      apiKey: OPSGENIE_KEY,
      baseUrl: mock.url,
      retries: testRetries(sleep, { max: 2 }),
    });
    mock.fail({
      match: '/v2/alerts',
      status: 429,
      headers: { 'retry-after': '3' },
      body: { message: 'Too many requests' },
    });
    const accepted = await client.createAlert({ message: 'x', alias: 'once' });
    expect(accepted).toEqual({
      requestId: expect.any(String) as unknown,
      result: 'Request will be processed',
    });
    expect(sleep.delays).toEqual([3000]);
    expect(mock.requests).toHaveLength(2);

    mock.reset();
    sleep.delays.length = 0;
    mock.fail(
      ...Array.from({ length: 4 }, () => ({
        match: '/v2/alerts',
        status: 429,
        body: { message: 'Too many requests' },
      })),
    );
    const exhausted = await rejectionOf(client.createAlert({ message: 'x', alias: 'never' }));
    expect(exhausted.retry).toEqual({ retryable: true, kind: 'throttled' });
    expect(mock.requests).toHaveLength(3);
    expect(sleep.delays).toEqual([75, 150]);

    mock.reset();
    sleep.delays.length = 0;
    mock.fail({
      match: '/v2/alerts',
      status: 429,
      headers: { 'retry-after': '60' },
      body: { message: 'Too many requests' },
    });
    const later = await rejectionOf(client.createAlert({ message: 'x', alias: 'later' }));
    expect(later.retry).toEqual({ retryable: true, kind: 'throttled', afterMs: 60_000 });
    expect(mock.requests).toHaveLength(1);
    expect(sleep.delays).toEqual([]);
  });

  it('region eu uses api.eu.opsgenie.com, us api.opsgenie.com; a step region overrides the factory', async () => {
    const seen: string[] = [];
    // Records the real host each call is for, then delivers it to the mock.
    const redirect: Fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      seen.push(url);
      return fetch(url.replace(/^https:\/\/api(\.eu)?\.opsgenie\.com/, mock.url), init);
    };
    const actions = opsgenie({
      apiKey: OPSGENIE_KEY,
      region: 'eu',
      fetch: redirect,
      retries: testRetries(recordingSleep()),
    });
    const create = actionOf(actions, 'opsgenie.createAlert');
    await create.run({ message: 'eu alert', alias: 'eu-1' }, createTestContext());
    await create.run({ message: 'us alert', alias: 'us-1', region: 'us' }, createTestContext());
    await actionOf(actions, 'opsgenie.closeAlert').run({ alias: 'eu 1/x' }, createTestContext());
    expect(seen).toEqual([
      'https://api.eu.opsgenie.com/v2/alerts',
      'https://api.opsgenie.com/v2/alerts',
      'https://api.eu.opsgenie.com/v2/alerts/eu%201%2Fx/close?identifierType=alias',
    ]);
    expect(mock.alerts.map((a) => a.alias)).toEqual(['eu-1', 'us-1']);
  });

  it('with no API key anywhere, the step fails before any request and the plan says why', async () => {
    const create = actionOf(opsgenie({ baseUrl: mock.url }), 'opsgenie.createAlert');
    const error = await rejectionOf(create.run({ message: 'x' }, createTestContext()));
    expect(error.message).toBe(
      'opsgenie.createAlert: no OpsGenie API key: give opsgenie({ apiKey }) or the step an apiKey',
    );
    expect((await create.plan!({ message: 'x' }, createTestContext())).preflight).toMatchObject({
      ok: false,
    });
    expect(mock.requests).toEqual([]);
  });
});

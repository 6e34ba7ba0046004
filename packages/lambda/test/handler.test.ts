import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, defineAction } from '@firstline/core';
import type { AnyActionDefinition } from '@firstline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createLambdaHandler, RUN_PAST_DEADLINE } from '../src/index.js';
import type { HandlerResult, LambdaHandlerOptions, SQSBatchResponse } from '../src/index.js';
import {
  createShiftedClock,
  eventBridgeAlarm,
  fixture,
  lambdaContext,
  recordingLogger,
  recordingNotify,
  snsNotification,
  sqsRecord,
} from './support.js';

// The handler in-process on AWS's sample payloads, with a memory store and stand-in actions (mock EC2:
// a counting reboot and a health probe the test controls); the moto suite does the same against AWS.
const MIN = 60_000;
type Batch = HandlerResult & SQSBatchResponse;

function setup(extra: Partial<LambdaHandlerOptions> = {}, more: AnyActionDefinition[] = []) {
  const healthy = new Map<string, boolean>();
  const reboots: string[] = [];
  const health = defineAction<{ instanceId: string }, { healthy: boolean }>({
    id: 'test.health',
    kind: 'probe',
    description: 'Whether the instance is healthy (the test decides).',
    input: { type: 'object', required: ['instanceId'], properties: { instanceId: { type: 'string' } } },
    run: (input) => Promise.resolve({ healthy: healthy.get(input.instanceId) ?? false }),
  });
  const reboot = defineAction<{ instanceId: string }, { rebooted: string }>({
    id: 'test.reboot',
    kind: 'remediation',
    description: 'Reboots (counts) the instance.',
    input: { type: 'object', required: ['instanceId'], properties: { instanceId: { type: 'string' } } },
    run: (input) => {
      reboots.push(input.instanceId);
      return Promise.resolve({ rebooted: input.instanceId });
    },
  });
  const notify = recordingNotify();
  const logger = recordingLogger();
  const clock = createShiftedClock();
  const store = createMemoryStore();
  const wakes: Array<{ runId: string; at: number }> = [];
  const options: LambdaHandlerOptions = {
    playbooks: { 'first-line': firstLine() },
    actions: [health, reboot, notify.action, ...more],
    store,
    clock,
    logger,
    scheduleWake: (wake) => {
      wakes.push(wake);
      return Promise.resolve();
    },
    ...extra,
  };
  return { handler: createLambdaHandler(options), healthy, reboots, notify, logger, clock, store, wakes };
}

function firstLine(name = 'first-line') {
  return {
    firstline: 1,
    name,
    inputs: { instanceId: { type: 'string' }, region: { type: 'string', default: 'us-east-1' } },
    secrets: { token: { env: 'FIRSTLINE_TEST_TOKEN' } },
    lock: { key: '{{ inputs.instanceId }}' },
    checks: [
      {
        id: 'health',
        action: 'test.health',
        with: { instanceId: '{{ inputs.instanceId }}' },
        expect: 'output.healthy',
      },
    ],
    remediate: [{ id: 'reboot', action: 'test.reboot', with: { instanceId: '{{ inputs.instanceId }}' } }],
    recheck: { rounds: 1, after: '2m' },
    notify: {
      recovered: [
        {
          action: 'test.notify.record',
          with: { text: 'recovered {{ inputs.instanceId }}', auth: '{{ secrets.token }}' },
        },
      ],
      unrecovered: [{ action: 'test.notify.record', with: { text: 'unrecovered {{ inputs.instanceId }}' } }],
    },
  };
}

const env = { FIRSTLINE_TEST_TOKEN: 'fake-secret-token-123' };

describe('direct invocations', () => {
  it('runs the named playbook; invoking again with the same runId returns that run, not a second one', async () => {
    const { handler, reboots, healthy } = setup({ env });
    healthy.set('i-0aaa1111', true);
    const event = { playbook: 'first-line', input: { instanceId: 'i-0aaa1111' }, runId: 'direct-1' };
    const first = await handler(event, lambdaContext(5 * MIN));
    expect(first).toEqual({
      runs: [{ runId: 'direct-1', playbook: 'first-line', outcome: 'healthy' }],
      ignored: [],
    });
    const again = await handler(event, lambdaContext(5 * MIN));
    expect(again.runs).toEqual([
      { runId: 'direct-1', playbook: 'first-line', outcome: 'healthy', replayed: true },
    ]);
    expect(reboots).toEqual([]);
  });

  it('without a runId the run is named by the invocation id, so a retried async invocation replays it', async () => {
    const { handler } = setup({ env });
    const event = { playbook: 'first-line', input: { instanceId: 'i-0aaa1111' } };
    const result = await handler(event, lambdaContext(30_000, 'req-42'));
    expect(result.runs[0]).toMatchObject({ runId: 'first-line-invoke-req-42' });
    const retried = await handler(event, lambdaContext(30_000, 'req-42'));
    expect(retried.runs[0]).toMatchObject({ runId: 'first-line-invoke-req-42', replayed: true });
  });

  it('an unknown playbook or a bad input fails the invocation with a clear error, nothing runs', async () => {
    const { handler, reboots, logger } = setup({ env });
    await expect(handler({ playbook: 'nope', input: {} }, lambdaContext(MIN))).rejects.toMatchObject({
      code: 'E_EVENT_UNKNOWN',
      message: 'no playbook named "nope" in this handler (it has: first-line)',
    });
    await expect(
      handler({ playbook: 'first-line', input: { instanceId: 7 } }, lambdaContext(MIN)),
    ).rejects.toMatchObject({
      code: 'E_INPUT_INVALID',
    });
    expect(reboots).toEqual([]);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(2);
  });
});

describe('alarm events', () => {
  it('an EventBridge ALARM reboots, suspends on the 2-minute recheck, and a resume request finishes it', async () => {
    const { handler, reboots, healthy, clock, wakes, notify, store } = setup({ env });
    const result = await handler(eventBridgeAlarm('i-0bbb2222', 'ev-1'), lambdaContext(30_000));
    const at = wakes[0]?.at;
    expect(result).toEqual({
      runs: [
        {
          runId: 'first-line-eb-ev-1',
          playbook: 'first-line',
          outcome: 'suspended',
          suspended: { reason: 'wait', wakeAt: at },
          messageId: 'ev-1',
        },
      ],
      ignored: [],
    });
    expect(at! - clock.now()).toBeGreaterThan(MIN);
    expect(wakes).toEqual([{ runId: 'first-line-eb-ev-1', at }]);
    expect(reboots).toEqual(['i-0bbb2222']);
    expect((await store.load('first-line-eb-ev-1'))?.status).toBe('running');

    // Too early: nothing is due yet.
    const early = await handler(fixture('scheduled-event.json'), lambdaContext(30_000));
    expect(early.resumed).toEqual({ runs: [], busy: [], failed: [] });

    healthy.set('i-0bbb2222', true);
    clock.jump(3 * MIN);
    const resumed = await handler(fixture('scheduled-event.json'), lambdaContext(30_000));
    expect(resumed).toEqual({
      runs: [],
      ignored: [],
      resumed: {
        runs: [{ runId: 'first-line-eb-ev-1', playbook: 'first-line', outcome: 'recovered' }],
        busy: [],
        failed: [],
      },
    });
    expect(reboots).toHaveLength(1);
    expect(notify.received).toEqual([{ text: 'recovered i-0bbb2222', auth: 'fake-secret-token-123' }]);
    // The result is plain JSON and holds no secret value, though a notification used one.
    expect(JSON.parse(JSON.stringify(resumed))).toEqual(resumed);
    expect(JSON.stringify(resumed)).not.toContain('fake-secret-token-123');
  });

  it('OK and unrouted alarms are ignored with a logged reason; the invocation succeeds', async () => {
    const { handler, reboots, logger } = setup({
      env,
      playbooks: { 'first-line': firstLine(), other: firstLine('other') },
      routes: [{ playbook: 'first-line', alarm: 'StatusCheckFailed-*' }],
    });
    const ok = await handler(fixture('eventbridge-alarm-ok.json'), lambdaContext(MIN));
    expect(ok).toEqual({
      runs: [],
      ignored: [
        {
          kind: 'state',
          reason: 'alarm cpu-at-100-object4 went to OK: only ALARM starts a run',
          alarm: 'cpu-at-100-object4',
          messageId: '2dcc5b9c-0bd1-1a2c-a8a4-3b94c4ff5c4f',
        },
      ],
    });
    const unrouted = await handler(fixture('aws:eventbridge-alarm.json'), lambdaContext(MIN));
    expect(unrouted.ignored).toMatchObject([{ kind: 'unrouted', alarm: 'cpu-at-100-object4' }]);
    expect(reboots).toEqual([]);
    expect(logger.lines.map((l) => l.message)).toContain(unrouted.ignored[0]!.reason);
  });

  it('an SNS notification event (Records[].Sns) starts a run named by the SNS MessageId', async () => {
    const { handler, reboots } = setup({ env });
    const result = await handler(fixture('aws:sns-lambda-event.json'), lambdaContext(30_000));
    expect(result.runs).toMatchObject([
      { runId: 'first-line-sns-95df01b4-ee98-5cb9-9903-4c221d41eb5e', outcome: 'suspended' },
    ]);
    expect(reboots).toEqual(['i-0abc1234def567890']);
  });

  it('an alarm the playbook cannot take (a required input missing) fails the invocation, so Lambda retries it', async () => {
    const needsUrl = { ...firstLine(), inputs: { instanceId: { type: 'string' }, url: { type: 'string' } } };
    const { handler } = setup({ env, playbooks: { 'first-line': needsUrl } });
    await expect(handler(eventBridgeAlarm('i-0ccc3333', 'ev-2'), lambdaContext(MIN))).rejects.toMatchObject({
      code: 'E_INPUT_INVALID',
    });
  });

  it('an unknown event shape throws E_EVENT_UNKNOWN and logs it', async () => {
    const { handler, logger } = setup({ env });
    await expect(handler({ hello: 'world' }, lambdaContext(MIN))).rejects.toMatchObject({
      code: 'E_EVENT_UNKNOWN',
    });
    expect(logger.lines).toMatchObject([{ level: 'error', fields: { code: 'E_EVENT_UNKNOWN' } }]);
  });
});

describe('SQS batches', () => {
  it('reports only the malformed record as a batch item failure; OK alarms are not failures', async () => {
    const { handler, reboots } = setup({ env });
    const event = {
      Records: [
        sqsRecord('m-good', snsNotification('i-0ddd4444', 'sns-1')),
        sqsRecord('m-bad', '{"Type": "Notification", "Message": '),
        sqsRecord('m-ok', fixture('eventbridge-alarm-ok.json')),
      ],
    };
    const result = (await handler(event, lambdaContext(30_000))) as HandlerResult & SQSBatchResponse;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad' }]);
    expect(result.runs).toMatchObject([
      { runId: 'first-line-sns-sns-1', outcome: 'suspended', messageId: 'm-good' },
    ]);
    expect(result.ignored).toMatchObject([{ kind: 'state', messageId: 'm-ok' }]);
    expect(result.failed).toEqual([
      {
        messageId: 'm-bad',
        error: expect.stringMatching(/^SQS message m-bad: the body is not a JSON object/) as unknown,
      },
    ]);
    expect(reboots).toEqual(['i-0ddd4444']);
  });

  it('a redelivered batch (or SNS delivering one notification twice) replays its runs: no second reboot', async () => {
    const { handler, reboots } = setup({ env });
    const batch = { Records: [sqsRecord('m-1', snsNotification('i-0eee5555', 'sns-2'))] };
    await handler(batch, lambdaContext(30_000));
    const duplicate = { Records: [sqsRecord('m-1-duplicate', snsNotification('i-0eee5555', 'sns-2'))] };
    const again = (await handler(duplicate, lambdaContext(30_000))) as HandlerResult & SQSBatchResponse;
    expect(again.runs).toMatchObject([
      { runId: 'first-line-sns-sns-2', outcome: 'suspended', replayed: true },
    ]);
    expect(again.batchItemFailures).toEqual([]);
    expect(reboots).toEqual(['i-0eee5555']);
  });

  it('a failed scheduleWake fails the item (the run stays stored); the redelivery schedules it', async () => {
    let failNext = true;
    const wakes: string[] = [];
    const { handler, reboots, store } = setup({
      env,
      scheduleWake: ({ runId }) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('Scheduler: ThrottlingException'));
        }
        wakes.push(runId);
        return Promise.resolve();
      },
    });
    const batch = { Records: [sqsRecord('m-2', snsNotification('i-0fff6666', 'sns-3'))] };
    const first = (await handler(batch, lambdaContext(30_000))) as HandlerResult & SQSBatchResponse;
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-2' }]);
    expect(first.failed?.[0]?.error).toMatch(
      /^run first-line-sns-sns-3 is stored, but scheduling its wake-up at .* failed: Scheduler: ThrottlingException$/,
    );
    expect((await store.load('first-line-sns-sns-3'))?.status).toBe('running');
    const second = (await handler(batch, lambdaContext(30_000))) as HandlerResult & SQSBatchResponse;
    expect(second.batchItemFailures).toEqual([]);
    expect(wakes).toEqual(['first-line-sns-sns-3']);
    expect(reboots).toHaveLength(1);
  });
});

describe('the end of an invocation', () => {
  it('a resume that finds a run still going past its deadline logs one warning a metric filter counts', async () => {
    const { handler, clock, logger } = setup({
      env,
      playbooks: { 'first-line': { ...firstLine(), timeout: '5m' } },
    });
    await handler(eventBridgeAlarm('i-0ccc3333', 'ev-late'), lambdaContext(30_000));
    const marked = () => logger.lines.filter((l) => l.fields?.event === RUN_PAST_DEADLINE);
    // On time (the wait ends at 2 minutes, the deadline is at 5): no warning.
    clock.jump(3 * MIN);
    await handler(fixture('scheduled-event.json'), lambdaContext(30_000));
    expect(marked()).toEqual([]);

    await handler(eventBridgeAlarm('i-0ddd4444', 'ev-later'), lambdaContext(30_000));
    // Nothing resumed it for 7 minutes: 2 past its 5-minute deadline.
    clock.jump(7 * MIN);
    const resumed = await handler(fixture('scheduled-event.json'), lambdaContext(30_000));
    expect(resumed.resumed?.runs).toMatchObject([{ runId: 'first-line-eb-ev-later' }]);
    const [warning, ...more] = marked();
    expect(more).toEqual([]);
    expect(warning?.level).toBe('warn');
    expect(warning?.message).toMatch(/^run first-line-eb-ev-later was still going \d+ ms past its deadline$/);
    expect(warning?.fields).toMatchObject({
      event: 'firstline.runPastDeadline',
      runId: 'first-line-eb-ev-later',
      playbook: 'first-line',
    });
    expect(marked()[0]!.fields!.overdueMs).toBeGreaterThanOrEqual(2 * MIN - 1000);
  });

  it('a step still going at the margin is stopped and stored, woken at once, and finished by a resume', async () => {
    let hang = true;
    const slow = defineAction<object, { healthy: boolean }>({
      id: 'test.slow',
      kind: 'probe',
      description: 'A probe that hangs (an unreachable host) until told otherwise.',
      input: { type: 'object' },
      run: () => (hang ? new Promise(() => undefined) : Promise.resolve({ healthy: true })),
    });
    const playbook = {
      ...firstLine(),
      defaults: { timeout: '10m' },
      checks: [{ id: 'health', action: 'test.slow', with: {}, expect: 'output.healthy' }],
    };
    const { handler, wakes, clock, store, reboots } = setup({ env, playbooks: { 'first-line': playbook } }, [
      slow,
    ]);
    // 50 ms past the 10 s margin: the probe is still hanging when the invocation must end.
    const result = await handler(eventBridgeAlarm('i-0abc0001', 'ev-s1'), lambdaContext(10_050));
    expect(result.runs).toMatchObject([{ outcome: 'suspended', suspended: { reason: 'signal' } }]);
    expect(wakes).toHaveLength(1);
    expect(Math.abs(wakes[0]!.at - clock.now())).toBeLessThan(1_000);
    expect((await store.load('first-line-eb-ev-s1'))?.status).toBe('running');

    hang = false;
    const resumed = await handler(fixture('scheduled-event.json'), lambdaContext(30_000));
    expect(resumed.resumed?.runs).toMatchObject([{ runId: 'first-line-eb-ev-s1', outcome: 'healthy' }]);
    expect(reboots).toEqual([]);
  });

  it('a reboot in flight at the margin gets half of it; then the run is stored before Lambda stops, and not rebooted again', async () => {
    const calls: string[] = [];
    const slowReboot = defineAction<object, { rebooted: boolean }>({
      id: 'test.slow.reboot',
      kind: 'remediation',
      description: 'A reboot call that does not come back (a hung API), until aborted.',
      input: { type: 'object' },
      run: (_input, ctx) => {
        calls.push(ctx.idempotencyKey);
        return new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      },
    });
    const playbook = {
      ...firstLine(),
      remediate: [{ id: 'reboot', action: 'test.slow.reboot', with: {} }],
    };
    const { handler, store } = setup({ env, marginMs: 2_000, playbooks: { 'first-line': playbook } }, [
      slowReboot,
    ]);
    // 3 s left and a 2 s margin: the hand-back is asked at 1 s, the reboot gets 1 s more, Lambda stops at 3 s.
    const started = Date.now();
    const result = await handler(eventBridgeAlarm('i-0abc0009', 'ev-g1'), lambdaContext(3_000));
    const took = Date.now() - started;
    expect(result.runs).toMatchObject([{ outcome: 'suspended', suspended: { reason: 'signal' } }]);
    expect(took).toBeGreaterThanOrEqual(1_900);
    expect(took).toBeLessThan(3_000);
    const record = await store.load('first-line-eb-ev-g1');
    expect(record?.status).toBe('running');
    // Started, never known to have finished: a resume re-checks instead of rebooting again.
    expect(record?.journal.filter((e) => e.step === 'reboot').map((e) => e.status)).toEqual(['started']);
    const resumed = await handler(fixture('scheduled-event.json'), lambdaContext(30_000));
    expect(resumed.resumed?.runs).toMatchObject([
      { runId: 'first-line-eb-ev-g1', outcome: 'suspended', suspended: { reason: 'wait' } },
    ]);
    expect(calls).toHaveLength(1);
  });

  it('one message delivered to two invocations at once runs once (the second is left for redelivery or replays)', async () => {
    const { handler, reboots } = setup({ env });
    const batch = { Records: [sqsRecord('m-twice', snsNotification('i-0abc0002', 'sns-twice'))] };
    const [a, b] = (await Promise.all([
      handler(batch, lambdaContext(30_000)),
      handler(batch, lambdaContext(30_000)),
    ])) as Batch[];
    expect(reboots).toEqual(['i-0abc0002']);
    const outcomes = [a!, b!].map((r) =>
      r.batchItemFailures.length ? 'redeliver' : r.runs[0]!.replayed ? 'replayed' : 'ran',
    );
    expect(outcomes.filter((o) => o === 'ran')).toHaveLength(1);
    const other = [a!, b!].find((r) => r.batchItemFailures.length);
    if (other) expect(other.failed?.[0]?.error).toMatch(/is being run or resumed elsewhere right now/);
  });
  it('a resumed run that suspends again but cannot schedule its wake-up is listed in failed, not thrown', async () => {
    let failWakes = false;
    const { handler, clock, reboots } = setup({
      env,
      playbooks: { 'first-line': { ...firstLine(), recheck: { rounds: 2, after: '2m' } } },
      scheduleWake: () => (failWakes ? Promise.reject(new Error('AccessDenied')) : Promise.resolve()),
    });
    await handler(eventBridgeAlarm('i-0abc0003', 'ev-w1'), lambdaContext(30_000));
    failWakes = true;
    clock.jump(3 * MIN);
    // Still unhealthy: the second round reboots again and waits again.
    const resumed = await handler(fixture('scheduled-event.json'), lambdaContext(30_000));
    expect(resumed.resumed?.runs).toMatchObject([{ runId: 'first-line-eb-ev-w1', outcome: 'suspended' }]);
    expect(resumed.failed).toEqual([
      {
        runId: 'first-line-eb-ev-w1',
        error: expect.stringMatching(/scheduling its wake-up .* failed: AccessDenied$/) as unknown,
      },
    ]);
    expect(reboots).toHaveLength(2);
  });
});

describe('createLambdaHandler options', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('refuses routes to unknown playbooks, no playbooks, and a bad margin', () => {
    const base = { actions: [], store: createMemoryStore() };
    expect(() => createLambdaHandler({ ...base, playbooks: {}, marginMs: -1 })).toThrow(
      'createLambdaHandler: playbooks is empty; marginMs must be a finite number >= 0, got -1',
    );
    expect(() =>
      createLambdaHandler({ ...base, playbooks: { a: firstLine() }, routes: [{ playbook: 'b' }] }),
    ).toThrow(/routes\[0\] names playbook "b", which is not in playbooks/);
  });

  it('a playbook given by path is read once per container', async () => {
    dir = await mkdtemp(join(tmpdir(), 'firstline-lambda-'));
    const file = join(dir, 'first-line.json');
    await writeFile(file, JSON.stringify(firstLine()));
    const { handler } = setup({ env, playbooks: { 'first-line': file } });
    const event = { playbook: 'first-line', input: { instanceId: 'i-0aaa1111' } };
    expect((await handler(event, lambdaContext(30_000, 'r1'))).runs).toHaveLength(1);
    await writeFile(file, 'this is not a playbook: [');
    expect((await handler(event, lambdaContext(30_000, 'r2'))).runs).toHaveLength(1);
  });
});

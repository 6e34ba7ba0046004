import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionError, createMemoryStore, InputInvalid, runPlaybook } from '@firstline/core';
import type { RunResult, TraceEvent } from '@firstline/core';
import { createFakeAction, delayed, eventsOf, HANG, hang, runVirtual, sequence } from './support.js';
import type { FakeBehaviour } from './support.js';

// Live mode on a virtual clock: step timeouts, the run's deadline, cancellation, crashing actions,
// expressions failing at run time, and inputs rejected before anything runs.

const PROBE = 'test.target.probe';
const FIX = 'test.target.fix';
const PAGE = 'test.oncall.page';

const probe = (behaviour?: FakeBehaviour) => createFakeAction(PROBE, 'probe', behaviour);
const fix = (behaviour?: FakeBehaviour) => createFakeAction(FIX, 'remediation', behaviour);
const page = () => createFakeAction(PAGE, 'notify');
/** The target's own bad answer: a verdict, so the check fails (and remediates). */
const unhealthy = () => Promise.reject(new ActionError(PROBE, 'unhealthy', undefined, { verdict: true }));
/** Ms from the run's start to an event. */
const offset = (result: RunResult, event: TraceEvent | undefined) => event!.at - result.trace[0]!.at;

describe('step timeouts', () => {
  it('a hanging action times out after exactly the step timeout, and its signal is aborted', async () => {
    const hanging = probe((_input, ctx) => hang(ctx.signal));
    const { result } = await runVirtual(
      { firstline: 1, name: 'hang', steps: [{ id: 'slow', action: PROBE, timeout: '30s' }] },
      { actions: [hanging.action] },
    );
    expect(result.steps.slow).toMatchObject({ outcome: 'timeout', attempts: 1 });
    expect(result.steps.slow?.error).toContain('30s');
    expect(eventsOf(result.trace, 'step.end')[0]).toMatchObject({ outcome: 'timeout', durationMs: 30_000 });
    expect(result.durationMs).toBe(30_000);
    expect(hanging.contexts[0]!.signal.aborted).toBe(true);
    expect(result.outcome).toBe('failed');
  });

  it('an action that ignores its signal still times out, at defaults.timeout', async () => {
    const deaf = probe(() => new Promise<never>(() => undefined));
    const { result } = await runVirtual(
      { firstline: 1, name: 'deaf', defaults: { timeout: '45s' }, steps: [{ id: 'slow', action: PROBE }] },
      { actions: [deaf.action] },
    );
    expect(result.steps.slow?.outcome).toBe('timeout');
    expect(result.durationMs).toBe(45_000);
  });

  it('a timeout is retried when retry.on lists it, and not otherwise', async () => {
    const retry = { attempts: 3, delay: '1s', backoff: 'constant', jitter: 'none' };
    const flaky = probe(sequence(HANG, HANG, { ok: true }));
    const step = { id: 'slow', action: PROBE, timeout: '30s' };
    const { result } = await runVirtual(
      { firstline: 1, name: 'retry-timeout', steps: [{ ...step, retry: { ...retry, on: ['timeout'] } }] },
      { actions: [flaky.action] },
    );
    expect(eventsOf(result.trace, 'attempt.end').map((e) => [e.outcome, e.retryInMs])).toEqual([
      ['timeout', 1000],
      ['timeout', 1000],
      ['pass', undefined],
    ]);
    expect(eventsOf(result.trace, 'attempt.start').map((e) => offset(result, e))).toEqual([
      0, 31_000, 62_000,
    ]);
    expect(result.steps.slow).toMatchObject({ outcome: 'pass', attempts: 3 });

    const once = probe(sequence(HANG, { ok: true }));
    const { result: notRetried } = await runVirtual(
      { firstline: 1, name: 'no-retry', steps: [{ ...step, retry: { ...retry, on: ['throttled'] } }] },
      { actions: [once.action] },
    );
    expect(once.count).toBe(1);
    expect(notRetried.steps.slow).toMatchObject({ outcome: 'timeout', attempts: 1 });
  });
});

describe('the whole-run deadline', () => {
  it('ends a hanging check as timed_out after exactly the run timeout, and notify.timed_out runs', async () => {
    const hanging = probe((_input, ctx) => hang(ctx.signal));
    const repair = fix();
    const pager = page();
    const { result } = await runVirtual(
      {
        firstline: 1,
        name: 'deadline',
        timeout: '5m',
        checks: [{ id: 'health', action: PROBE, timeout: '10m' }],
        remediate: [{ id: 'repair', action: FIX }],
        notify: { timed_out: [{ action: PAGE, with: { text: 'timed out' } }] },
      },
      { actions: [hanging.action, repair.action, pager.action] },
    );
    expect(result.outcome).toBe('timed_out');
    expect(result.durationMs).toBe(300_000);
    expect(hanging.contexts[0]!.signal.aborted).toBe(true);
    expect(repair.count).toBe(0);
    expect(pager.inputs).toEqual([{ text: 'timed out' }]);
    expect(result.steps['notify.timed_out[0]']?.outcome).toBe('pass');
    expect(eventsOf(result.trace, 'decision').map((e) => e.message)).toContain(
      'the run reached its deadline: timed_out',
    );
    const end = eventsOf(result.trace, 'step.end').find((e) => e.step === 'health');
    expect(end).toMatchObject({ outcome: 'timeout', durationMs: 300_000 });
    expect(eventsOf(result.trace, 'run.end')[0]).toMatchObject({ outcome: 'timed_out', durationMs: 300_000 });
  });

  it('cuts a wait short in the general form', async () => {
    const slow = probe(sequence(delayed(180_000, { ok: true })));
    const after = createFakeAction('test.target.after', 'probe');
    const { result } = await runVirtual(
      {
        firstline: 1,
        name: 'deadline-wait',
        timeout: '5m',
        steps: [
          { id: 'slow', action: PROBE, timeout: '4m' },
          { id: 'pause', wait: '4m' },
          { id: 'after', action: 'test.target.after' },
        ],
      },
      { actions: [slow.action, after.action] },
    );
    expect(result.outcome).toBe('timed_out');
    expect(result.durationMs).toBe(300_000);
    expect(result.steps.slow?.outcome).toBe('pass');
    expect(after.count).toBe(0);
    const wait = eventsOf(result.trace, 'wait.start')[0];
    expect(wait).toMatchObject({ step: 'pause', durationMs: 240_000 });
    expect(offset(result, wait)).toBe(180_000);
    expect(eventsOf(result.trace, 'wait.end')).toEqual([]);
  });
});

describe('cancellation', () => {
  const firstLine = {
    firstline: 1,
    name: 'cancel',
    checks: [{ id: 'health', action: PROBE }],
    remediate: [{ id: 'repair', action: FIX, retry: { attempts: 3, on: ['error'] } }],
    notify: { cancelled: [{ id: 'tell', action: PAGE }] },
  };

  it('an abort while a check runs ends the run cancelled; the check saw the abort', async () => {
    const controller = new AbortController();
    const hanging = probe((_input, ctx) => {
      ctx.clock.setTimeout(() => controller.abort(), 2000);
      return hang(ctx.signal);
    });
    const repair = fix();
    const pager = page();
    const { result } = await runVirtual(firstLine, {
      actions: [hanging.action, repair.action, pager.action],
      signal: controller.signal,
    });
    expect(result.outcome).toBe('cancelled');
    expect(result.durationMs).toBe(2000);
    expect(hanging.contexts[0]!.signal.aborted).toBe(true);
    expect(repair.count).toBe(0);
    expect(pager.count).toBe(1);
  });

  it('an abort while a remediation runs aborts its signal and is not retried', async () => {
    const controller = new AbortController();
    const failing = probe(unhealthy);
    const repair = fix((_input, ctx) => {
      ctx.clock.setTimeout(() => controller.abort(), 5000);
      return hang(ctx.signal);
    });
    const { result } = await runVirtual(firstLine, {
      actions: [failing.action, repair.action, page().action],
      signal: controller.signal,
    });
    expect(result.outcome).toBe('cancelled');
    expect(result.durationMs).toBe(5000);
    expect(repair.count).toBe(1);
    expect(repair.contexts[0]!.signal.aborted).toBe(true);
  });

  it('an abort when a step starts keeps that step from calling its action', async () => {
    const controller = new AbortController();
    const first = probe();
    const repair = fix();
    const { result } = await runVirtual(
      {
        firstline: 1,
        name: 'cancel-on-start',
        steps: [
          { id: 'look', action: PROBE },
          { id: 'repair', action: FIX },
        ],
      },
      {
        actions: [first.action, repair.action],
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'step.start' && e.step === 'repair') controller.abort();
        },
      },
    );
    expect(result.outcome).toBe('cancelled');
    expect(first.count).toBe(1);
    expect(repair.count).toBe(0);
  });

  it('an already-aborted signal ends the run cancelled without running anything but notify', async () => {
    const controller = new AbortController();
    controller.abort();
    const failing = probe(unhealthy);
    const repair = fix();
    const pager = page();
    const { result } = await runVirtual(firstLine, {
      actions: [failing.action, repair.action, pager.action],
      signal: controller.signal,
    });
    expect(result.outcome).toBe('cancelled');
    expect(failing.count).toBe(0);
    expect(repair.count).toBe(0);
    expect(pager.count).toBe(1);
    expect(result.durationMs).toBe(0);
  });
});

describe('crashing actions', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
  });
  afterEach(async () => {
    // One event-loop turn lets Node report any rejection left unhandled by the run.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  // Actions are third-party code: some reject with things that are not Errors, on purpose here.
  /* eslint-disable @typescript-eslint/prefer-promise-reject-errors */
  const crashes: Array<[string, FakeBehaviour, string]> = [
    [
      'rejects with a TypeError',
      () => Promise.reject(new TypeError('x is not a function')),
      'x is not a function',
    ],
    ['rejects with a string', () => Promise.reject('plain string'), 'plain string'],
    ['rejects with undefined', () => Promise.reject(undefined), 'undefined'],
    ['rejects with an object', () => Promise.reject({ message: 'object message' }), 'object message'],
    [
      'throws synchronously',
      () => {
        throw new RangeError('sync boom');
      },
      'sync boom',
    ],
  ];
  /* eslint-enable @typescript-eslint/prefer-promise-reject-errors */

  it.each(crashes)(
    'an action that %s errors its step and the run goes on',
    async (_name, behaviour, message) => {
      const crashing = probe(behaviour);
      const next = createFakeAction('test.target.next', 'probe');
      const { result } = await runVirtual(
        {
          firstline: 1,
          name: 'crash',
          steps: [
            { id: 'crash', action: PROBE, on: { error: 'next' } },
            { id: 'skipped', action: PROBE },
            { id: 'next', action: 'test.target.next' },
          ],
        },
        { actions: [crashing.action, next.action] },
      );
      expect(result.steps.crash).toMatchObject({ outcome: 'error', attempts: 1 });
      expect(result.steps.crash?.error).toContain(message);
      expect(crashing.count).toBe(1);
      expect(next.count).toBe(1);
      expect(result.outcome).toBe('healthy');
    },
  );

  it('an onEvent listener that throws fails neither a step nor the run, and the trace says so', async () => {
    const check = createFakeAction('test.target.next', 'probe');
    let seen = 0;
    const { result } = await runVirtual(
      { firstline: 1, name: 'listener', steps: [{ id: 'only', action: 'test.target.next' }] },
      {
        actions: [check.action],
        onEvent: () => {
          seen++;
          throw new Error('listener bug');
        },
      },
    );
    expect(result.outcome).toBe('healthy');
    expect(result.steps.only?.outcome).toBe('pass');
    expect(seen).toBe(result.trace.length);
    expect(result.trace).toContainEqual(
      expect.objectContaining({
        type: 'log',
        level: 'warn',
        message: expect.stringContaining('listener bug') as unknown,
      }),
    );
  });

  it('a logger that throws does not fail the action that logged; the trace keeps the line', async () => {
    const chatty = probe((_input, ctx) => {
      ctx.logger.info('checked the target');
      return Promise.resolve({ ok: true });
    });
    const { result } = await runVirtual(
      { firstline: 1, name: 'logger', steps: [{ id: 'talk', action: PROBE }] },
      {
        actions: [chatty.action],
        logger: {
          debug: () => undefined,
          info: () => {
            throw new Error('log sink down');
          },
          warn: () => undefined,
          error: () => undefined,
        },
      },
    );
    expect(result.steps.talk?.outcome).toBe('pass');
    expect(result.trace).toContainEqual(
      expect.objectContaining({ type: 'log', step: 'talk', message: 'checked the target' }),
    );
  });

  it('an action that rejects long after its timeout leaves nothing unhandled', async () => {
    const late = probe((_input, ctx) => {
      return new Promise((_resolve, reject) => {
        ctx.clock.setTimeout(() => reject(new Error('too late')), 120_000);
      });
    });
    const { result, clock } = await runVirtual(
      { firstline: 1, name: 'late', steps: [{ id: 'slow', action: PROBE, timeout: '30s' }] },
      { actions: [late.action] },
    );
    expect(result.steps.slow?.outcome).toBe('timeout');
    expect(clock.pending()).toBe(1);
    clock.advance(120_000);
    expect(clock.pending()).toBe(0);
  });
});

describe('expressions failing at run time', () => {
  const run = (step: Record<string, unknown>, fake = probe(sequence({ ok: true }))) =>
    runVirtual(
      {
        firstline: 1,
        name: 'expr',
        inputs: { n: { type: 'number', default: 3 } },
        steps: [{ id: 'bad', action: PROBE, ...step }],
      },
      { actions: [fake.action] },
    ).then(({ result }) => ({ result, fake }));

  it.each([
    ["{{ $error('boom') }}", "$error('boom')", 'boom'],
    ['{{ $uppercase(inputs.n) }}', '$uppercase(inputs.n)', 'does not match function signature'],
  ])(
    'a failing template %s errors the step, naming the step and the expression',
    async (template, source, why) => {
      const { result, fake } = await run({ with: { value: template } });
      expect(fake.count).toBe(0);
      expect(result.steps.bad).toMatchObject({ outcome: 'error', attempts: 0 });
      expect(result.steps.bad?.error).toContain(`step bad: expression \`${source}\` failed:`);
      expect(result.steps.bad?.error).toContain(why);
      expect(result.outcome).toBe('failed');
    },
  );

  it('an expect that throws errors the step once, not retried', async () => {
    const { result, fake } = await run({
      expect: "$error('bad expect')",
      retry: { attempts: 3, on: ['error', 'fail'] },
    });
    expect(fake.count).toBe(1);
    expect(result.steps.bad).toMatchObject({ outcome: 'error', attempts: 1 });
    expect(result.steps.bad?.error).toContain(
      "step bad: expression `$error('bad expect')` failed: bad expect",
    );
  });

  it('a when that throws errors the step without calling the action', async () => {
    const { result, fake } = await run({ when: "$error('bad when')" });
    expect(fake.count).toBe(0);
    expect(result.steps.bad?.outcome).toBe('error');
    expect(result.steps.bad?.error).toContain("step bad: expression `$error('bad when')` failed: bad when");
  });

  it('an endless tail-recursive expression is stopped by the time limit', async () => {
    const source = '( $f := function($n){ $f($n+1) }; $f(0) )';
    const { result, fake } = await run({ with: { value: `{{ ${source} }}` } });
    expect(fake.count).toBe(0);
    expect(result.steps.bad?.outcome).toBe('error');
    expect(result.steps.bad?.error).toContain(`step bad: expression \`${source}\` failed:`);
    expect(result.steps.bad?.error).toMatch(/timeout/i);
  });

  it('an endlessly deep recursion is stopped by the depth limit', async () => {
    const source = '( $f := function($n){ 1 + $f($n+1) }; $f(0) )';
    const { result } = await run({ with: { value: `{{ ${source} }}` } });
    expect(result.steps.bad?.outcome).toBe('error');
    expect(result.steps.bad?.error).toContain(`step bad: expression \`${source}\` failed:`);
    expect(result.steps.bad?.error).toMatch(/stack overflow/i);
  });
});

describe('inputs', () => {
  const playbook = {
    firstline: 1,
    name: 'inputs',
    inputs: {
      instanceId: { type: 'string' },
      region: { type: 'string', default: 'eu-west-1' },
      count: { type: 'integer', default: 2 },
    },
    steps: [
      {
        id: 'look',
        action: PROBE,
        with: { where: '{{ inputs.instanceId }} in {{ inputs.region }}', count: '{{ inputs.count }}' },
      },
    ],
  };

  it.each([
    ['missing', undefined, 'inputs.instanceId'],
    ['of the wrong type', { instanceId: 42 }, 'inputs.instanceId'],
    ['unknown', { instanceId: 'i-0fake', instanceID: 'i-0fake' }, 'inputs.instanceID'],
  ])('an input %s throws InputInvalid before anything runs', async (_name, input, path) => {
    const fake = probe();
    const events: TraceEvent[] = [];
    const store = createMemoryStore();
    const error: unknown = await runPlaybook(playbook, {
      actions: [fake.action],
      ...(input && { input }),
      store,
      onEvent: (e) => events.push(e),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputInvalid);
    expect((error as InputInvalid).code).toBe('E_INPUT_INVALID');
    expect((error as InputInvalid).problems.map((p) => p.path)).toContain(path);
    expect(fake.count).toBe(0);
    expect(events).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  it('defaults are applied and visible in templates; given values win', async () => {
    const fake = probe();
    const { result } = await runVirtual(playbook, {
      actions: [fake.action],
      input: { instanceId: 'i-0fake' },
    });
    expect(fake.inputs[0]).toEqual({ where: 'i-0fake in eu-west-1', count: 2 });
    expect(eventsOf(result.trace, 'run.start')[0]?.inputs).toEqual({
      instanceId: 'i-0fake',
      region: 'eu-west-1',
      count: 2,
    });

    const given = probe();
    await runVirtual(playbook, {
      actions: [given.action],
      input: { instanceId: 'i-0fake', region: 'us-east-2', count: 5 },
    });
    expect(given.inputs[0]).toEqual({ where: 'i-0fake in us-east-2', count: 5 });
  });
});

import { describe, expect, it } from 'vitest';
import { ActionError } from '@firstline/core';
import type { RunResult } from '@firstline/core';
import { createFakeAction, eventsOf, HANG, runVirtual, sequence } from './support.js';
import type { FakeAction } from './support.js';

// Live-mode retries on a virtual clock: the exact delays the engine chose (attempt.end.retryInMs) and
// the virtual instants the attempts started at, for each backoff, jitter and `retry.on` setting.

const ACTION = 'test.flaky.call';

/** A probe playing `answers` one per call, the last repeating (Errors reject, values resolve). */
const flaky = (...answers: unknown[]): FakeAction => createFakeAction(ACTION, 'probe', sequence(...answers));

const ok = { ok: true };
const throttled = (afterMs?: number) =>
  new ActionError(ACTION, 'slow down', {
    retryable: true,
    kind: 'throttled',
    ...(afterMs !== undefined && { afterMs }),
  });
const network = new ActionError(ACTION, 'connection reset', { retryable: true, kind: 'network' });
const plainError = new TypeError('cannot read properties of undefined');

/** A general-form playbook of one probe step with the given step fields. */
function onePlaybook(step: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { firstline: 1, name: 'retry-test', ...extra, steps: [{ id: 'probe', action: ACTION, ...step }] };
}

async function run(playbook: object, fake: FakeAction, random?: () => number): Promise<RunResult> {
  const { result } = await runVirtual(playbook, { actions: [fake.action], ...(random && { random }) });
  return result;
}

/** Milliseconds after the run started at which each attempt started. */
const starts = (r: RunResult) => eventsOf(r.trace, 'attempt.start').map((e) => e.at - r.trace[0]!.at);
/** The retry delay each attempt announced (undefined on the last one). */
const delays = (r: RunResult) => eventsOf(r.trace, 'attempt.end').map((e) => e.retryInMs);

describe('retry backoff in live mode', () => {
  it('constant: the same delay between every attempt, then the passing attempt ends the step', async () => {
    const fake = flaky(throttled(), throttled(), throttled(), ok);
    const result = await run(
      onePlaybook({ retry: { attempts: 4, delay: '10s', backoff: 'constant', jitter: 'none' } }),
      fake,
    );
    expect(delays(result)).toEqual([10_000, 10_000, 10_000, undefined]);
    expect(starts(result)).toEqual([0, 10_000, 20_000, 30_000]);
    expect(fake.contexts.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
    // One key per visit: every retry sends the same client token.
    expect(fake.contexts.map((c) => c.idempotencyKey)).toEqual(
      [1, 2, 3, 4].map(() => `${result.runId}:probe:1`),
    );
    expect(result.steps.probe).toMatchObject({ outcome: 'pass', attempts: 4 });
    expect(result.outcome).toBe('healthy');
    expect(result.durationMs).toBe(30_000);
  });

  it('linear: delay × attempt', async () => {
    const fake = flaky(throttled());
    const result = await run(
      onePlaybook({ retry: { attempts: 4, delay: '10s', backoff: 'linear', jitter: 'none' } }),
      fake,
    );
    expect(delays(result)).toEqual([10_000, 20_000, 30_000, undefined]);
    expect(starts(result)).toEqual([0, 10_000, 30_000, 60_000]);
    expect(fake.count).toBe(4);
    expect(result.steps.probe).toMatchObject({ outcome: 'error', attempts: 4 });
    expect(result.outcome).toBe('failed');
  });

  it('exponential: delay × 2^(n-1), capped at maxDelay', async () => {
    const fake = flaky(throttled());
    const result = await run(
      onePlaybook({
        retry: { attempts: 5, delay: '10s', backoff: 'exponential', maxDelay: '30s', jitter: 'none' },
      }),
      fake,
    );
    expect(delays(result)).toEqual([10_000, 20_000, 30_000, 30_000, undefined]);
    expect(starts(result)).toEqual([0, 10_000, 30_000, 60_000, 90_000]);
  });

  it('backoff defaults to exponential from a 1s delay', async () => {
    const fake = flaky(network);
    const result = await run(onePlaybook({ retry: { attempts: 4, jitter: 'none' } }), fake);
    expect(delays(result)).toEqual([1000, 2000, 4000, undefined]);
    expect(starts(result)).toEqual([0, 1000, 3000, 7000]);
  });

  it('the default maxDelay caps exponential growth at 60s', async () => {
    const fake = flaky(network);
    const result = await run(onePlaybook({ retry: { attempts: 4, delay: '40s', jitter: 'none' } }), fake);
    expect(delays(result)).toEqual([40_000, 60_000, 60_000, undefined]);
  });
});

describe('retry jitter', () => {
  it('full jitter draws from the random option: 0.5 halves each delay', async () => {
    const fake = flaky(throttled());
    let draws = 0;
    const result = await run(
      onePlaybook({ retry: { attempts: 3, delay: '10s', backoff: 'exponential', jitter: 'full' } }),
      fake,
      () => {
        draws++;
        return 0.5;
      },
    );
    expect(delays(result)).toEqual([5000, 10_000, undefined]);
    expect(starts(result)).toEqual([0, 5000, 15_000]);
    expect(draws).toBe(2);
  });

  it('jitter is full by default', async () => {
    const fake = flaky(throttled());
    const result = await run(onePlaybook({ retry: { attempts: 3, delay: '4s' } }), fake, () => 0.25);
    expect(delays(result)).toEqual([1000, 2000, undefined]);
  });

  it('a random draw of 0 retries at once, still as separate attempts', async () => {
    const fake = flaky(throttled());
    const result = await run(onePlaybook({ retry: { attempts: 3, delay: '10s' } }), fake, () => 0);
    expect(delays(result)).toEqual([0, 0, undefined]);
    expect(starts(result)).toEqual([0, 0, 0]);
    expect(fake.count).toBe(3);
  });

  it('jitter none never consults random', async () => {
    const fake = flaky(throttled());
    let draws = 0;
    const result = await run(
      onePlaybook({ retry: { attempts: 3, delay: '10s', backoff: 'constant', jitter: 'none' } }),
      fake,
      () => {
        draws++;
        return 0.5;
      },
    );
    expect(delays(result)).toEqual([10_000, 10_000, undefined]);
    expect(draws).toBe(0);
  });
});

describe('retry.on', () => {
  const base = { attempts: 3, delay: '1s', backoff: 'constant', jitter: 'none' };

  it('retries a listed kind (throttled) and not an unlisted one (network)', async () => {
    const listed = flaky(throttled(), ok);
    const retried = await run(onePlaybook({ retry: { ...base, on: ['throttled'] } }), listed);
    expect(listed.count).toBe(2);
    expect(retried.steps.probe).toMatchObject({ outcome: 'pass', attempts: 2 });

    const unlisted = flaky(network, ok);
    const notRetried = await run(onePlaybook({ retry: { ...base, on: ['throttled'] } }), unlisted);
    expect(unlisted.count).toBe(1);
    expect(delays(notRetried)).toEqual([undefined]);
    expect(notRetried.steps.probe).toMatchObject({ outcome: 'error', attempts: 1 });
    expect(notRetried.steps.probe?.error).toContain('connection reset');
    expect(notRetried.outcome).toBe('failed');
  });

  it('by default retries network failures but not plain errors', async () => {
    const net = flaky(network, ok);
    await run(onePlaybook({ retry: { ...base } }), net);
    expect(net.count).toBe(2);

    const plain = flaky(plainError, ok);
    const result = await run(onePlaybook({ retry: { ...base } }), plain);
    expect(plain.count).toBe(1);
    expect(result.steps.probe).toMatchObject({ outcome: 'error', attempts: 1 });
  });

  it("'error' means any retryable error: plain, network and throttled alike", async () => {
    const mixed = flaky(plainError, network, throttled(), ok);
    const result = await run(onePlaybook({ retry: { ...base, attempts: 4, on: ['error'] } }), mixed);
    expect(mixed.count).toBe(4);
    expect(delays(result)).toEqual([1000, 1000, 1000, undefined]);
    expect(result.steps.probe).toMatchObject({ outcome: 'pass', attempts: 4 });
  });

  it("'fail' retries an unmet expect; without it a fail is final", async () => {
    const retried = flaky({ ok: false }, { ok: true });
    const result = await run(onePlaybook({ expect: 'output.ok', retry: { ...base, on: ['fail'] } }), retried);
    expect(retried.count).toBe(2);
    expect(eventsOf(result.trace, 'attempt.end').map((e) => e.outcome)).toEqual(['fail', 'pass']);
    expect(result.steps.probe).toMatchObject({ outcome: 'pass', attempts: 2, output: { ok: true } });

    const final = flaky({ ok: false }, { ok: true });
    const failed = await run(onePlaybook({ expect: 'output.ok', retry: { ...base } }), final);
    expect(final.count).toBe(1);
    expect(failed.steps.probe).toMatchObject({ outcome: 'fail', attempts: 1 });
    expect(failed.outcome).toBe('failed');
  });

  it("'fail' does not retry errors, nor 'error' an unmet expect", async () => {
    const failOnly = flaky(network, ok);
    await run(onePlaybook({ retry: { ...base, on: ['fail'] } }), failOnly);
    expect(failOnly.count).toBe(1);

    const errorOnly = flaky({ ok: false }, { ok: true });
    const result = await run(
      onePlaybook({ expect: 'output.ok', retry: { ...base, on: ['error'] } }),
      errorOnly,
    );
    expect(errorOnly.count).toBe(1);
    expect(result.steps.probe?.outcome).toBe('fail');
  });

  it('an ActionError marked retryable:false is never retried, whatever `on` lists', async () => {
    const denied = new ActionError(ACTION, 'access denied', { retryable: false, kind: 'throttled' });
    const fake = flaky(denied, ok);
    const result = await run(
      onePlaybook({ retry: { ...base, attempts: 5, on: ['error', 'throttled', 'network', '5xx'] } }),
      fake,
    );
    expect(fake.count).toBe(1);
    expect(delays(result)).toEqual([undefined]);
    expect(result.steps.probe).toMatchObject({ outcome: 'error', attempts: 1 });
    expect(result.steps.probe?.error).toContain('access denied');
  });
});

describe('Retry-After (afterMs)', () => {
  it('raises the delay when longer than the computed one', async () => {
    const fake = flaky(throttled(7000), ok);
    const result = await run(onePlaybook({ retry: { attempts: 2, delay: '1s', jitter: 'none' } }), fake);
    expect(delays(result)).toEqual([7000, undefined]);
    expect(starts(result)).toEqual([0, 7000]);
  });

  it('does not shorten a longer computed delay', async () => {
    const fake = flaky(throttled(2000), ok);
    const result = await run(onePlaybook({ retry: { attempts: 2, delay: '10s', jitter: 'none' } }), fake);
    expect(delays(result)).toEqual([10_000, undefined]);
  });

  it('wins over a jittered delay, and is itself capped at maxDelay', async () => {
    const jittered = flaky(throttled(7000), ok);
    const r1 = await run(onePlaybook({ retry: { attempts: 2, delay: '10s' } }), jittered, () => 0);
    expect(delays(r1)).toEqual([7000, undefined]);

    const capped = flaky(throttled(120_000), ok);
    const r2 = await run(
      onePlaybook({ retry: { attempts: 2, delay: '1s', maxDelay: '30s', jitter: 'none' } }),
      capped,
    );
    expect(delays(r2)).toEqual([30_000, undefined]);
    expect(starts(r2)).toEqual([0, 30_000]);
  });
});

describe('step retry over defaults', () => {
  const defaults = {
    retry: { attempts: 3, delay: '5s', backoff: 'constant', jitter: 'none', on: ['error'] },
  };

  it('a step without retry takes every default field', async () => {
    const fake = flaky(plainError);
    const result = await run(onePlaybook({}, { defaults }), fake);
    expect(fake.count).toBe(3);
    expect(delays(result)).toEqual([5000, 5000, undefined]);
  });

  it('a step setting one field keeps the other defaults', async () => {
    const fake = flaky(plainError);
    const result = await run(onePlaybook({ retry: { delay: '2s' } }, { defaults }), fake);
    expect(fake.count).toBe(3);
    expect(delays(result)).toEqual([2000, 2000, undefined]);
    expect(starts(result)).toEqual([0, 2000, 4000]);
  });

  it('a step overriding `on` and `backoff` changes only those', async () => {
    const narrowed = flaky(plainError);
    await run(onePlaybook({ retry: { on: ['network'] } }, { defaults }), narrowed);
    expect(narrowed.count).toBe(1);

    const linear = flaky(plainError);
    const result = await run(onePlaybook({ retry: { backoff: 'linear' } }, { defaults }), linear);
    expect(delays(result)).toEqual([5000, 10_000, undefined]);
  });
});

// An ambiguous failure of a side effect: a timed-out reboot may have rebooted. Nothing remediates twice.
describe('a remediation that timed out is not repeated unless it is idempotent', () => {
  const REMEDY = 'test.fix.apply';
  const timeoutRetry = { attempts: 3, delay: '1s', jitter: 'none', on: ['timeout'] };

  it('not idempotent: one attempt, the step ends timeout, whatever retry.on says', async () => {
    const fake = createFakeAction(REMEDY, 'remediation', sequence(HANG, ok));
    const result = await run(
      { ...onePlaybook({}), steps: [{ id: 'fix', action: REMEDY, timeout: '5s', retry: timeoutRetry }] },
      fake,
    );
    expect(fake.count).toBe(1);
    expect(result.steps.fix).toMatchObject({ outcome: 'timeout', attempts: 1 });
    expect(delays(result)).toEqual([undefined]);
  });

  it('idempotent (the step says so): retried under on: [timeout] as any step is', async () => {
    const fake = createFakeAction(REMEDY, 'remediation', sequence(HANG, ok));
    const result = await run(
      {
        ...onePlaybook({}),
        steps: [{ id: 'fix', action: REMEDY, timeout: '5s', idempotent: true, retry: timeoutRetry }],
      },
      fake,
    );
    expect(fake.count).toBe(2);
    expect(result.steps.fix).toMatchObject({ outcome: 'pass', attempts: 2 });
  });

  it('a probe that timed out is retried: reading twice changes nothing', async () => {
    const fake = flaky(HANG, ok);
    const result = await run(onePlaybook({ timeout: '5s', retry: timeoutRetry }), fake);
    expect(fake.count).toBe(2);
    expect(result.steps.probe).toMatchObject({ outcome: 'pass', attempts: 2 });
  });
});

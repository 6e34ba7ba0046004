// Engine figures for `pnpm bench`, each measured next to its baseline in the same process: per-step
// overhead against the same flow written by hand, simulated runs per second, compile time by size, and
// a parallel group against its slowest check. Cold start and memory need fresh processes: see run.ts.
import type { CompiledPlaybook, RunResult } from '@firstline/core';
import { core } from './core.js';
import { createHandwrittenMachine, runHandwritten, runPlainAsync } from './handwritten.mjs';

const { compilePlaybook, createActionRegistry, defineAction, runPlaybook, simulatePlaybook, systemClock } =
  core;

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Milliseconds per call of `fn`, calling it until at least `minMs` have passed. */
async function perCall(fn: () => Promise<unknown>, minMs: number): Promise<number> {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    await fn();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return elapsed / calls;
}

/** An action that does nothing and resolves at once: what is left to time is the machinery around it. */
const noop = defineAction({
  id: 'bench.noop',
  kind: 'probe',
  description: 'Resolves at once (benchmark).',
  input: {},
  run: () => Promise.resolve({ ok: true }),
});

/** A chain of `n` general-form action steps. */
function chain(n: number, name: string, step: (i: number) => Record<string, unknown>): object {
  return { firstline: 1, name, steps: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, ...step(i) })) };
}

/** Per-run cost of each contender at `n` steps. */
function contenders(n: number): Array<[string, () => Promise<unknown>]> {
  const actions = createActionRegistry([noop]);
  const compiled = compilePlaybook(
    chain(n, `overhead-${n}`, () => ({ action: 'bench.noop' })),
    { actions },
  );
  // The same action function the engine calls; it never reads its context.
  const run = (input: unknown) => noop.run(input, undefined as never);
  const machine = createHandwrittenMachine(n, run);
  return [
    ['firstline', () => expectOutcome(runPlaybook(compiled, { clock: systemClock }), 'healthy')],
    ['xstate', () => runHandwritten(machine)],
    ['plain', () => runPlainAsync(n, run)],
  ];
}

/**
 * Per-step overhead: Firstline (live, system clock), a hand-written XState machine and a plain async
 * loop doing the same `n` immediate steps, interleaved round by round so drift in the machine's speed
 * hits every contender alike. µs per step = a whole run's time / n (the median of `rounds` batches);
 * `marginal` = the extra cost of one more step, from runs of n and 4n steps.
 */
export async function measureOverhead(n = 20, rounds = 15, batchMs = 50) {
  const all: Array<[string, () => Promise<unknown>]> = [
    ...contenders(n).map(([k, fn]): [string, () => Promise<unknown>] => [`${k}@n`, fn]),
    ...contenders(4 * n)
      .filter(([k]) => k !== 'plain')
      .map(([k, fn]): [string, () => Promise<unknown>] => [`${k}@4n`, fn]),
  ];
  for (const [, fn] of all) await perCall(fn, 250);
  const samples = new Map<string, number[]>(all.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++)
    for (const [name, fn] of all) samples.get(name)!.push((await perCall(fn, batchMs)) * 1000);
  const us = (name: string) => median(samples.get(name)!);
  const marginal = (k: string) => (us(`${k}@4n`) - us(`${k}@n`)) / (3 * n);
  return {
    steps: n,
    firstlineUs: us('firstline@n') / n,
    xstateUs: us('xstate@n') / n,
    plainUs: us('plain@n') / n,
    firstlineMarginalUs: marginal('firstline'),
    xstateMarginalUs: marginal('xstate'),
  };
}

async function expectOutcome<T extends RunResult>(run: Promise<T>, outcome: string): Promise<T> {
  const result = await run;
  if (result.outcome !== outcome) throw new Error(`benchmark run ended ${result.outcome}, not ${outcome}`);
  return result;
}

/** Simulated runs per second of one playbook, sequentially, for `ms` after a warm-up. */
async function simulatedRate(run: () => Promise<unknown>, ms: number): Promise<number> {
  await perCall(run, 300);
  return 1000 / (await perCall(run, ms));
}

/**
 * Simulated runs per second of the first-line example: the recovered path (url fails once, reboot, the
 * 2-minute recheck wait in virtual time, checks pass, Slack) and the healthy path. For scale, the rate
 * of a hand-written XState machine invoking as many immediate steps as the recovered path runs.
 */
export async function measureSimulation(compiled: CompiledPlaybook, ms = 2000) {
  const input = { instanceId: 'i-0abc1234', url: 'https://example.test/health', healthCheckId: 'fake-hc-1' };
  const recovered = () =>
    expectOutcome(simulatePlaybook(compiled, { input, outcomes: { url: ['fail', 'pass'] } }), 'recovered');
  const healthy = () => expectOutcome(simulatePlaybook(compiled, { input }), 'healthy');
  const sample = await recovered();
  const waited = sample.trace.find((e) => e.type === 'wait.start');
  if (!waited || waited.durationMs !== 120_000) throw new Error('the recovered path did not wait 2m');
  // Every action step and the wait are one invoked actor each in the engine's machine.
  const started = new Set(sample.trace.flatMap((e) => (e.type === 'step.start' ? [e.step] : [])));
  const steps =
    sample.trace.filter((e) => e.type === 'step.start').length +
    sample.trace.filter((e) => e.type === 'wait.start' && !started.has(e.step)).length;
  const machine = createHandwrittenMachine(steps, () => Promise.resolve({ ok: true }));
  return {
    recoveredPerSec: await simulatedRate(recovered, ms),
    healthyPerSec: await simulatedRate(healthy, ms / 2),
    virtualMsPerRun: sample.durationMs,
    steps,
    xstateSameStepsPerSec: await simulatedRate(() => runHandwritten(machine), ms / 4),
  };
}

/**
 * Median ms to compile a fresh n-step playbook: a new name each time, so the cache never answers, and a
 * new (warmed) registry every few samples, so the cache's growth does not pile up garbage-collector work.
 */
export function measureCompile(sizes: readonly number[], budgetMs = 1500): Record<number, number> {
  let fresh = 0;
  const make = (n: number) =>
    chain(n, `compile-${n}-${fresh++}`, (i) => ({
      action: 'core.log',
      with: { message: `step ${i} of {{ name }}` },
    }));
  const registry = () => {
    const r = createActionRegistry();
    r.checkInput('core.log', { message: 'warm' });
    return r;
  };
  const out: Record<number, number> = {};
  for (const n of sizes) {
    let actions = registry();
    const warmUntil = performance.now() + budgetMs / 3;
    while (performance.now() < warmUntil) compilePlaybook(make(n), { actions });
    const samples: number[] = [];
    const until = performance.now() + budgetMs;
    while (samples.length < 5 || (performance.now() < until && samples.length < 300)) {
      if (samples.length % 10 === 0) actions = registry();
      const doc = make(n);
      const start = performance.now();
      compilePlaybook(doc, { actions });
      samples.push(performance.now() - start);
    }
    out[n] = median(samples);
  }
  return out;
}

/** A check that answers after a real `ms`-millisecond timer, and stops early when its signal aborts. */
function sleeper(ms: number) {
  return defineAction({
    id: 'bench.sleep',
    kind: 'probe',
    description: `Answers after ${ms} ms of real time (benchmark).`,
    input: {},
    run: (_input, ctx) =>
      new Promise((resolve, reject) => {
        const timer = ctx.clock.setTimeout(() => resolve({ ok: true }), ms);
        ctx.signal.addEventListener('abort', () => {
          ctx.clock.clearTimeout(timer);
          reject(ctx.signal.reason as Error);
        });
      }),
  });
}

/** Five checks of a real 20 ms each, as a parallel group (quorum all) and in order, live on the system clock. */
export async function measureParallel(checks = 5, ms = 20, runs = 7) {
  const registry = createActionRegistry([sleeper(ms)]);
  const steps = Array.from({ length: checks }, (_, i) => ({ id: `c${i}`, action: 'bench.sleep' }));
  const parallel = compilePlaybook(
    { firstline: 1, name: 'parallel-checks', checks: { parallel: true, quorum: 'all', steps } },
    { actions: registry },
  );
  const sequential = compilePlaybook(
    { firstline: 1, name: 'sequential-checks', checks: steps },
    { actions: registry },
  );
  const time = async (compiled: CompiledPlaybook) => {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await expectOutcome(runPlaybook(compiled, { clock: systemClock }), 'healthy');
      samples.push(performance.now() - start);
    }
    return median(samples);
  };
  await time(parallel);
  return { checks, checkMs: ms, parallelMs: await time(parallel), sequentialMs: await time(sequential) };
}

// Like-for-like engine rows: Firstline against hand-written XState machines with the same features
// (bench/handwrittenFeatures.mjs), interleaved batch by batch so drift hits both sides alike; each row
// reports the time ratio of every round (Firstline / hand-written), its min and median.
// Standalone: `npx tsx bench/perStep.ts` (after `pnpm --filter @firstline/core build`) prints both rows.
import type { CompiledPlaybook } from '@firstline/core';
import { core } from './core.js';
import { median } from './engine.js';
import {
  createEc2Machine,
  createEquivalentMachine,
  simulateEc2,
  startHandwritten,
} from './handwrittenFeatures.mjs';

const {
  compilePlaybook,
  createVirtualClock,
  defineAction,
  driveVirtualClock,
  runPlaybook,
  simulatePlaybook,
  systemClock,
} = core;

/** Milliseconds per call of `fn`, calling it until at least `minMs` have passed. */
async function perCall(fn: () => Promise<unknown>, minMs: number): Promise<number> {
  let calls = 0;
  const start = performance.now();
  do {
    await fn();
    calls++;
  } while (performance.now() - start < minMs);
  return (performance.now() - start) / calls;
}

/** ms per call of two contenders, batch by batch in turn, after a warm-up; with each round's ratio. */
async function interleaved(
  mine: () => Promise<unknown>,
  theirs: () => Promise<unknown>,
  rounds: number,
  batchMs: number,
) {
  await perCall(mine, 300);
  await perCall(theirs, 300);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(await perCall(mine, batchMs));
    b.push(await perCall(theirs, batchMs));
  }
  const ratios = a.map((x, i) => x / b[i]!);
  const round3 = (n: number) => Math.round(n * 1000) / 1000;
  return {
    firstlineMs: median(a),
    handwrittenMs: median(b),
    ratio: { min: round3(Math.min(...ratios)), median: round3(median(ratios)) },
    ratios,
  };
}

/** An action that reads its signal (as a cancellable action must) and answers at once. */
const reader = defineAction({
  id: 'bench.reader',
  kind: 'probe',
  description: 'Looks at its AbortSignal, then answers at once (benchmark).',
  input: {},
  run: (_input, ctx) =>
    ctx.signal.aborted ? Promise.reject(ctx.signal.reason as Error) : Promise.resolve({ ok: true }),
});

/**
 * Per step: a live n-step chain (each step with its 20 s timeout, judged pass/fail, its action reading
 * the signal, under the run's deadline) against the hand-written machine with the same features.
 */
export async function measureEquivalentOverhead(n = 20, rounds = 15, batchMs = 60) {
  const compiled = compilePlaybook(
    {
      firstline: 1,
      name: `equivalent-${n}`,
      timeout: '30m',
      defaults: { timeout: '20s' },
      steps: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, action: 'bench.reader' })),
    },
    { actions: [reader] },
  );
  const run = ({ signal }: { signal: AbortSignal }) => reader.run({}, { signal } as never);
  const machine = createEquivalentMachine(n, run);
  const firstline = async () => {
    const result = await runPlaybook(compiled, { clock: systemClock });
    if (result.outcome !== 'healthy') throw new Error(`benchmark run ended ${result.outcome}`);
  };
  const handwritten = async () => {
    if ((await startHandwritten(machine).done) !== 'done') throw new Error('hand-written run did not finish');
  };
  const m = await interleaved(firstline, handwritten, rounds, batchMs);
  return {
    steps: n,
    firstlineUs: (m.firstlineMs * 1000) / n,
    equivalentUs: (m.handwrittenMs * 1000) / n,
    ratio: m.ratio,
  };
}

/**
 * Simulated recovered runs of ec2-first-line (url fails once, reboot, the 2-minute wait in virtual
 * time, checks pass, Slack) against the same flow in hand-written XState on a virtual clock driven the
 * way simulatePlaybook drives its own.
 */
export async function measureSimulateVsHandwritten(compiled: CompiledPlaybook, rounds = 15, batchMs = 100) {
  const input = { instanceId: 'i-0abc1234', url: 'https://example.test/health', healthCheckId: 'fake-hc-1' };
  const outcomes = { url: ['fail', 'pass'] as Array<'fail' | 'pass'> };
  const firstline = async () => {
    const result = await simulatePlaybook(compiled, { input, outcomes });
    if (result.outcome !== 'recovered') throw new Error(`benchmark run ended ${result.outcome}`);
  };
  const machine = createEc2Machine();
  const handwritten = async () => {
    const clock = createVirtualClock();
    const t0 = clock.now();
    const end = await simulateEc2(machine, clock, (c, done) => driveVirtualClock(c, done), outcomes);
    if (end !== 'recovered') throw new Error(`hand-written run ended ${String(end)}`);
    if (clock.now() - t0 < 120_000) throw new Error('hand-written run did not wait 2m');
  };
  const m = await interleaved(firstline, handwritten, rounds, batchMs);
  return {
    firstlinePerSec: 1000 / m.firstlineMs,
    handwrittenPerSec: 1000 / m.handwrittenMs,
    // Runs/s of Firstline / hand-written, per round (≥ 1: Firstline is as fast or faster).
    ratio: { median: round(median(m.ratios.map((r) => 1 / r))), max: round(1 / m.ratio.min) },
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { exampleActions } = await import('../examples/src/actions.js');
  const { fileURLToPath } = await import('node:url');
  const path = fileURLToPath(new URL('../examples/playbooks/ec2-first-line.yaml', import.meta.url));
  const ec2 = compilePlaybook(await core.loadPlaybook(path), { actions: exampleActions });
  console.log(JSON.stringify({ overheadVsXStateEquivalent: await measureEquivalentOverhead() }, null, 2));
  console.log(
    JSON.stringify({ simulateVsHandwrittenXState: await measureSimulateVsHandwritten(ec2) }, null, 2),
  );
}

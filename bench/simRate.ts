// Simulated recovered runs of ec2-first-line (the real action packages' schemas, as `pnpm bench`'s
// simulateVsHandwrittenXState row) from this build, optionally from a second build, and from the
// hand-written XState flow, interleaved batch by batch in one process; then the bytes each build
// allocates per run (V8's sampling heap profiler, objects collected by GC included).
// Usage (after `pnpm --filter @firstline/core build`):
//   node --expose-gc --import tsx bench/simRate.ts [<other packages/core/dist>] [--this=<dist>] [--other-first]
//     [--rounds=N] [--batch-ms=N] [--alloc-runs=N]
import { Session } from 'node:inspector/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Core from '@firstline/core';
import { exampleActions } from '../examples/src/actions.js';
import { median } from './engine.js';
import { createEc2Machine, simulateEc2 } from './handwrittenFeatures.mjs';

type CoreApi = typeof Core;
const flag = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const rounds = flag('rounds', 15);
const batchMs = flag('batch-ms', 100);
const allocRuns = flag('alloc-runs', 2000);
const otherDir = process.argv.slice(2).find((a) => !a.startsWith('--'));
// --this=<dir>: time a copy of a build instead of packages/core/dist (which a rebuild would change).
const thisDir =
  process.argv.find((a) => a.startsWith('--this='))?.slice('--this='.length) ??
  fileURLToPath(new URL('../packages/core/dist', import.meta.url));

const load = async (dir: string) =>
  (await import(pathToFileURL(`${dir.replace(/\/$/, '')}/index.js`).href)) as CoreApi;
const builds: Array<[string, CoreApi]> = [];
// --other-first: load the other build first (to see whether the load order alone favours one).
if (otherDir && process.argv.includes('--other-first')) builds.push(['other', await load(otherDir)]);
builds.push(['this build', await load(thisDir)]);
if (otherDir && !process.argv.includes('--other-first')) builds.push(['other', await load(otherDir)]);

const path = fileURLToPath(new URL('../examples/playbooks/ec2-first-line.yaml', import.meta.url));
const input = { instanceId: 'i-0abc1234', url: 'https://example.test/health', healthCheckId: 'fake-hc-1' };
const outcomes = { url: ['fail', 'pass'] as Array<'fail' | 'pass'> };

/** One simulated recovered run on `core`. */
async function contender(core: CoreApi): Promise<() => Promise<unknown>> {
  const compiled = core.compilePlaybook(await core.loadPlaybook(path), { actions: exampleActions as never });
  return async () => {
    const result = await core.simulatePlaybook(compiled, { input, outcomes });
    if (result.outcome !== 'recovered') throw new Error(`run ended ${result.outcome}`);
  };
}

const { createVirtualClock, driveVirtualClock } = builds.find(([n]) => n === 'this build')![1];
const machine = createEc2Machine();
const handwritten = async () => {
  const clock = createVirtualClock();
  const end = await simulateEc2(machine, clock, (c, done) => driveVirtualClock(c, done), outcomes);
  if (end !== 'recovered') throw new Error(`hand-written run ended ${String(end)}`);
};

const all: Array<[string, () => Promise<unknown>]> = [
  ...(await Promise.all(
    builds.map(async ([n, c]): Promise<[string, () => Promise<unknown>]> => [n, await contender(c)]),
  )),
  ['handwritten', handwritten],
];

/** CPU ms per call (the process's user + system time: a shared machine's other work is not counted). */
async function perCall(fn: () => Promise<unknown>, ms: number): Promise<number> {
  let calls = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  do {
    await fn();
    calls++;
  } while (performance.now() - start < ms);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / calls;
}

for (const [, fn] of all) await perCall(fn, 300);
const samples = new Map<string, number[]>(all.map(([n]) => [n, []]));
// Each batch starts on a collected heap (with --expose-gc), and the order turns round by round, so no
// contender pays for the garbage of the one before it.
const gc = (globalThis as { gc?: () => void }).gc;
for (let r = 0; r < rounds; r++)
  for (let i = 0; i < all.length; i++) {
    const [n, fn] = all[(i + r) % all.length]!;
    gc?.();
    samples.get(n)!.push(await perCall(fn, batchMs));
  }
const hw = samples.get('handwritten')!;
for (const [n] of all) {
  const ms = samples.get(n)!;
  const vsHw = ms.map((m, i) => hw[i]! / m);
  console.log(
    `${n.padEnd(11)} ${(1000 / median(ms)).toFixed(0).padStart(5)} runs per CPU s  ÷ handwritten median ${median(vsHw).toFixed(3)} max ${Math.max(...vsHw).toFixed(3)}`,
  );
}
if (otherDir) {
  const a = samples.get('this build')!;
  const b = samples.get('other')!;
  const ratios = a.map((x, i) => x / b[i]!);
  console.log(
    `time ratio this/other: median ${median(ratios).toFixed(3)} min ${Math.min(...ratios).toFixed(3)} (${rounds} rounds)`,
  );
}

/** Bytes allocated per call of `fn`, from the sampling heap profiler (collected objects included). */
async function allocated(fn: () => Promise<unknown>, runs: number): Promise<number> {
  for (let i = 0; i < 300; i++) await fn();
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let i = 0; i < runs; i++) await fn();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  // A node's selfSize is its samples scaled up to the bytes they stand for.
  type Node = { selfSize: number; children: Node[] };
  const sum = (n: Node): number => n.children.reduce((t, c) => t + sum(c), n.selfSize);
  return sum(profile.head) / runs;
}
if (allocRuns > 0)
  for (const [n, fn] of all)
    console.log(
      `${n.padEnd(11)} ${((await allocated(fn, allocRuns)) / 1024).toFixed(1)} KB allocated per run`,
    );

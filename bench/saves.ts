// The save path of a warm invocation: a run of the first-line example is handed back at its recheck
// wait, then resumed (what a warm Lambda does with it) to its end, and the time spent in the store's
// writes during that resume is measured. Each store is measured writing the whole record on every save
// (as before saveChanges, and as a third-party store without it still does) and writing what changed,
// interleaved round by round in one process. Standalone: `pnpm build && npx tsx bench/saves.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunStore } from '@firstline/core';
import { exampleActions } from '../examples/src/actions.js';
import { core } from './core.js';
import { median } from './engine.js';

const {
  ActionError,
  compilePlaybook,
  createActionRegistry,
  createFileStore,
  createMemoryStore,
  defineAction,
} = core;
const { createVirtualClock, loadPlaybook, resumeRun, runPlaybook } = core;

const T0 = Date.UTC(2026, 0, 1);
const input = { instanceId: 'i-0abc1234', url: 'https://example.test/health', healthCheckId: 'fake-hc-1' };
const env = { SLACK_TOKEN: 'fake-token-123' };

// Stand-ins answering at once; the url check is down, so the run reboots, waits and rechecks.
const actions = createActionRegistry(
  exampleActions.map(({ id, kind, description }) =>
    defineAction({
      id,
      kind,
      description,
      input: {},
      run: () =>
        id === 'http.check'
          ? Promise.reject(new ActionError(id, 'connection refused', { retryable: false }, { verdict: true }))
          : Promise.resolve({}),
    }),
  ),
);

/** What one resumed invocation's writes cost. */
interface Writes {
  /** Until each write settled (the file store's includes its fsync). */
  us: number;
  /** In the store's call itself, before it returned: serializing or copying, the CPU of the save path. */
  cpuUs: number;
  saves: number;
  bytes: number;
}

/** `inner`, timing its writes into `writes`; without `changes` it has no saveChanges (whole saves only). */
function timed(inner: RunStore, changes: boolean, writes: Writes): RunStore {
  const time = (write: () => Promise<void>, bytes: () => number) => {
    const start = performance.now();
    const written = write();
    writes.cpuUs += (performance.now() - start) * 1000;
    return written.finally(() => {
      writes.us += (performance.now() - start) * 1000;
      writes.saves++;
      // Counted after the clock stopped: it costs a serialization of its own.
      writes.bytes += bytes();
    });
  };
  const store: RunStore = {
    ...inner,
    save: (r) =>
      time(
        () => inner.save(r),
        () => JSON.stringify(r).length,
      ),
  };
  if (changes)
    store.saveChanges = (r, c) =>
      time(
        () => inner.saveChanges!(r, c),
        () => JSON.stringify(c).length,
      );
  else delete store.saveChanges;
  return store;
}

/** One store's figures, whole records against changes. */
export interface StoreSaves {
  whole: Record<string, number>;
  changes: Record<string, number>;
  cpuWholeVsChanges: { min: number; median: number };
  wholeVsChanges: { min: number; median: number };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const rounded = <T extends Record<string, number>>(o: T): T =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)])) as T;

let runs = 0;

/** One run handed back at its wait, then the resume timed: the writes of that warm invocation. */
async function invocation(compiled: unknown, base: RunStore, changes: boolean): Promise<Writes> {
  const n = runs++;
  const runId = `bench-${n}`;
  const first = await runPlaybook(compiled as never, {
    // An instance of its own: the example locks the instance and budgets its reboots.
    input: { ...input, instanceId: `i-${n.toString(16).padStart(8, '0')}` },
    env,
    store: base,
    runId,
    clock: createVirtualClock({ startAt: T0 }),
    suspendBefore: T0,
  });
  if (first.outcome !== 'suspended') throw new Error(`the first invocation ended ${first.outcome}`);
  const writes: Writes = { us: 0, cpuUs: 0, saves: 0, bytes: 0 };
  const resumed = await resumeRun(runId, {
    store: timed(base, changes, writes),
    actions,
    env,
    clock: createVirtualClock({ startAt: first.suspended!.wakeAt! }),
  });
  if (resumed.outcome !== 'unrecovered') throw new Error(`the resume ended ${resumed.outcome}`);
  await base.delete(runId);
  return writes;
}

/**
 * Per store: µs of writes per warm invocation (in the store's calls, and until settled), whole records
 * against changes, min and median of the rounds' means; saves and bytes serialized per invocation.
 */
export async function measureSaves(rounds = 7, perRound = 8): Promise<Record<string, StoreSaves>> {
  const playbook = fileURLToPath(new URL('../examples/playbooks/ec2-first-line.yaml', import.meta.url));
  const compiled = compilePlaybook(await loadPlaybook(playbook), { actions });
  const dir = mkdtempSync(join(tmpdir(), 'firstline-bench-saves-'));
  try {
    const stores: Record<string, RunStore> = {
      memory: createMemoryStore(),
      file: createFileStore(dir),
    };
    const out: Record<string, StoreSaves> = {};
    for (const [name, store] of Object.entries(stores)) {
      const samples = { whole: [] as Writes[], changes: [] as Writes[] };
      // Warm-up, then rounds alternating which contender goes first.
      for (let i = 0; i < 3; i++) {
        await invocation(compiled, store, false);
        await invocation(compiled, store, true);
      }
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? (['whole', 'changes'] as const) : (['changes', 'whole'] as const);
        for (const contender of order) {
          const batch: Writes = { us: 0, cpuUs: 0, saves: 0, bytes: 0 };
          for (let i = 0; i < perRound; i++) {
            const w = await invocation(compiled, store, contender === 'changes');
            batch.us += w.us;
            batch.cpuUs += w.cpuUs;
            batch.saves += w.saves;
            batch.bytes += w.bytes;
          }
          samples[contender].push(batch);
        }
      }
      const summary = (xs: Writes[]) => {
        const us = xs.map((w) => w.us / perRound);
        const cpu = xs.map((w) => w.cpuUs / perRound);
        return {
          cpuMinUs: Math.min(...cpu),
          cpuMedianUs: median(cpu),
          minUs: Math.min(...us),
          medianUs: median(us),
          savesPerInvocation: xs[0]!.saves / perRound,
          bytesPerInvocation: xs[0]!.bytes / perRound,
        };
      };
      const whole = summary(samples.whole);
      const changes = summary(samples.changes);
      out[name] = {
        whole: rounded(whole),
        changes: rounded(changes),
        cpuWholeVsChanges: rounded({
          min: whole.cpuMinUs / changes.cpuMinUs,
          median: whole.cpuMedianUs / changes.cpuMedianUs,
        }),
        wholeVsChanges: rounded({
          min: whole.minUs / changes.minUs,
          median: whole.medianUs / changes.medianUs,
        }),
      };
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  process.stdout.write(`${JSON.stringify(await measureSaves(), null, 2)}\n`);

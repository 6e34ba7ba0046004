// The host process the resume tests kill: runs the fixture playbook live against a file store and prints
// every trace event as a JSON line. Run as `node --import tsx child.ts <dir> [flags]`; the tests also
// import its fixture (playbook, fake actions, file layout) so both processes share one definition.
// Core is imported from the source by path: vitest's aliases do not exist in a plain node process.
import { appendFileSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createFileStore,
  createVirtualClock,
  defineAction,
  parsePlaybook,
  runPlaybook,
} from '../../src/index.js';
import type { ActionContext, AnyActionDefinition, LoadedPlaybook, RunStore } from '../../src/index.js';
import { rebootPlaybookText } from '../fixtures/reboot.js';

/** The instant every child run's virtual clock starts at. */
export const START_AT = Date.UTC(2026, 2, 1, 9, 0, 0);

/** The id of every child run (each test case has its own directory, so ids never clash). */
export const RUN_ID = 'resume-run-1';

/** The recheck wait of the fixture playbook, in milliseconds. */
export const RECHECK_MS = 120_000;

/** One check, one remediation, one recheck 2 minutes later: healthy, recovered or unrecovered. */
export const FIXTURE_YAML = rebootPlaybookText();

/** The fixture playbook, parsed. */
export function fixturePlaybook(): LoadedPlaybook {
  return parsePlaybook(FIXTURE_YAML);
}

/** The file holding the fake target's state, `healthy` or `unhealthy`. */
export const healthFile = (dir: string): string => join(dir, 'health');

/** The file `test.reboot` appends one line (its idempotency key) to per call, in whichever process. */
export const rebootLog = (dir: string): string => join(dir, 'reboots.log');

/** The run store's directory. */
export const storeDir = (dir: string): string => join(dir, 'runs');

/** Sets the fake target's state. */
export function setHealth(dir: string, healthy: boolean): void {
  writeFileSync(healthFile(dir), healthy ? 'healthy' : 'unhealthy');
}

/** The lines of reboots.log: one per reboot call across every process that used `dir`. */
export function rebootCalls(dir: string): string[] {
  try {
    return readFileSync(rebootLog(dir), 'utf8').split('\n').filter(Boolean);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Hooks into `test.reboot`: after its line is logged, and after the target was made healthy. */
export interface RebootHooks {
  logged?: (ctx: ActionContext) => void;
  effective?: (ctx: ActionContext) => void;
}

/**
 * The fixture's actions over the files in `dir`. File access is synchronous on purpose: a run on a
 * virtual clock jumps to the next timer whenever the process idles, so an action awaiting real I/O could
 * see its own attempt timeout fire first.
 */
export function createFixtureActions(dir: string, hooks: RebootHooks = {}): AnyActionDefinition[] {
  const check = defineAction<unknown, { healthy: boolean }>({
    id: 'test.check',
    kind: 'probe',
    description: 'Reads the fake target state from a file.',
    input: { type: 'object' },
    run: () => Promise.resolve({ healthy: readFileSync(healthFile(dir), 'utf8').trim() === 'healthy' }),
  });
  const reboot = defineAction<unknown, { rebooted: boolean }>({
    id: 'test.reboot',
    kind: 'remediation',
    description: 'Logs the call, then makes the fake target healthy.',
    input: { type: 'object' },
    run: (_input, ctx) => {
      appendFileSync(rebootLog(dir), `${ctx.idempotencyKey}\n`);
      hooks.logged?.(ctx);
      setHealth(dir, true);
      hooks.effective?.(ctx);
      return Promise.resolve({ rebooted: true });
    },
  });
  return [check, reboot] as AnyActionDefinition[];
}

/** A line the child prints when it stopped itself so the parent can kill it at that exact point. */
export interface FrozenMarker {
  frozen: 'event' | 'waiting' | 'reboot';
  seq?: number;
  until?: number;
}

function printLine(value: unknown): void {
  // fd 1 written synchronously: the line is out before the process freezes or is killed.
  writeSync(1, `${JSON.stringify(value)}\n`);
}

function freeze(marker: FrozenMarker): never {
  printLine(marker);
  // The thread itself blocks, not a pending promise: the run's virtual clock would otherwise jump to the
  // attempt timeout. A frozen process is a host that died at exactly this instant; the parent kills it.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error('unreachable');
}

/**
 * Flags: `--freeze-at <seq>` stops right after printing trace event `seq` (the store may lag behind it);
 * `--freeze-when-waiting` stops once a record with a wait in progress is stored; `--hang-in-reboot` stops
 * inside the reboot after its line is logged, before the target changes (`--reboot-took-effect`: after).
 */
async function main(args: string[]): Promise<void> {
  const [dir, ...flags] = args;
  if (!dir) throw new Error('usage: child.ts <dir> [flags]');
  const freezeAt = flags.includes('--freeze-at') ? Number(flags[flags.indexOf('--freeze-at') + 1]) : -1;
  const hang = flags.includes('--hang-in-reboot');
  const tookEffect = flags.includes('--reboot-took-effect');
  const hangHere = () => freeze({ frozen: 'reboot' });
  const actions = createFixtureActions(dir, hang ? { [tookEffect ? 'effective' : 'logged']: hangHere } : {});
  const files = createFileStore(storeDir(dir));
  const store: RunStore = flags.includes('--freeze-when-waiting')
    ? {
        ...files,
        async save(record) {
          // Read now: the run keeps changing the record object after handing it over.
          const wake = record.deadlines.wake;
          await files.save(record);
          if (wake !== undefined) freeze({ frozen: 'waiting', until: wake });
        },
        async saveChanges(record, change) {
          const wake = record.deadlines.wake;
          await files.saveChanges!(record, change);
          if (wake !== undefined) freeze({ frozen: 'waiting', until: wake });
        },
      }
    : files;
  const result = await runPlaybook(fixturePlaybook(), {
    mode: 'live',
    actions,
    store,
    runId: RUN_ID,
    clock: createVirtualClock({ startAt: START_AT }),
    onEvent(event) {
      printLine(event);
      if (event.seq === freezeAt) freeze({ frozen: 'event', seq: event.seq });
    },
  });
  printLine({ done: result.outcome });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}

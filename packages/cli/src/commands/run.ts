import { createActionRegistry, createFastClock, resumeDue, resumeRun, runPlaybook } from '@firstline/core';
import type { Clock, HostOptions, RunResult, RunStore, SecretResolvers } from '@firstline/core';
import { EXIT, UsageError } from '../context.js';
import type { CliContext } from '../context.js';
import { paletteFor } from '../io.js';
import { openPlaybook } from '../openPlaybook.js';
import { openStore } from '../openStore.js';
import type { OpenedStore } from '../openStore.js';
import { readRunInputs } from '../options/runInputs.js';
import type { RunInputFlags } from '../options/runInputs.js';
import { createProgress } from '../render/progress.js';
import { renderAlreadyEnded, renderHandedBack } from '../render/runState.js';
import { GOOD_OUTCOMES, renderOutcome } from '../render/simulation.js';
import { declaredInputs } from './simulate.js';

/**
 * How long a hand-back waits for a remediation or notification in flight: `docker stop` kills 10 s
 * after its SIGTERM, so half of that is left to store the run and exit.
 */
export const HAND_BACK_GRACE_MS = 5_000;

/** Options shared by `firstline run` and `firstline resume`. */
export interface StoreFlags {
  /**
   * Where run records are kept: a directory or `dynamodb://<table>?region=…&endpoint=…` (default the
   * config's `store`, `$FIRSTLINE_STORE`, else `.firstline/runs`).
   */
  store?: string;
  /** Custom `end:` outcomes that count as good for the exit code. */
  good?: string[];
  /** The result object as JSON instead of the timeline. */
  json?: boolean;
}

/** Options of `firstline run`. */
export interface RunFlags extends RunInputFlags, StoreFlags {
  /** Probes for real; remediations and notifications only say what they would do. */
  shadow?: boolean;
  /** With `shadow`: waits pass at once on a virtual clock that follows real time while probes run. */
  fast?: boolean;
}

/** Host services a real run needs besides actions; injectable so tests need no AWS. */
export interface RunHost {
  /** Resolvers for `ssm:` and `secretsManager:` secret references. */
  secrets?: SecretResolvers;
  /** The runs' clock (default the system clock); tests give a virtual one so waits take no time. */
  clock?: Clock;
}

/**
 * `firstline run <playbook>`: a real run (or `--shadow`: probes real, changes planned) with the
 * installed actions, shown live, recorded in the store so `resume` and `report` can find it. The io's
 * `suspend` (SIGTERM, a first Ctrl-C) hands the run back, stored, exit 3; its `signal` (a second
 * Ctrl-C) cancels it: the running action is aborted and the run is recorded as `cancelled`.
 */
export async function runCommand(
  path: string,
  flags: RunFlags,
  ctx: CliContext,
  given: RunHost = {},
): Promise<number> {
  const { io } = ctx;
  // A live run must sit out its waits: skipping them would change the world faster than the playbook says.
  if (flags.fast && !flags.shadow)
    throw new UsageError(
      '--fast needs --shadow',
      'a live run waits for real; use --shadow --fast to preview',
    );
  const host = flags.fast ? { ...given, clock: given.clock ?? createFastClock() } : given;
  const opened = await openPlaybook(path, ctx);
  const inputs = await readRunInputs(flags, declaredInputs(opened.loaded.data), io.cwd);
  const store = await openStore(flags, ctx);
  try {
    return await runIn(store, opened, inputs, flags, ctx, host);
  } finally {
    store.close();
  }
}

async function runIn(
  store: OpenedStore,
  opened: Awaited<ReturnType<typeof openPlaybook>>,
  inputs: Awaited<ReturnType<typeof readRunInputs>>,
  flags: RunFlags,
  ctx: CliContext,
  host: RunHost,
): Promise<number> {
  const { io } = ctx;
  const mode = flags.shadow ? 'shadow' : 'live';
  const palette = paletteFor(io);
  if (!flags.json) {
    io.out(
      `${palette.bold(mode === 'shadow' ? 'shadow run' : 'run')}  ${opened.compiled.name}  ${palette.dim(opened.shown)}\n`,
    );
    if (mode === 'shadow')
      io.out(`${palette.dim('probes run for real; remediations and notifications are only planned')}\n`);
    if (flags.fast) io.out(`${palette.dim('fast: waits pass at once on a virtual clock')}\n`);
    io.out('\n');
  }
  const result = await withProgress(flags, ctx, host, (hostOptions) =>
    runPlaybook(opened.compiled, {
      ...hostOptions,
      input: inputs.input,
      ...(inputs.trigger !== undefined && { trigger: inputs.trigger }),
      mode,
      store: store.store,
    }),
  );
  return finish(result, flags, ctx, {
    verb: mode === 'shadow' ? 'would' : 'did',
    store,
    now: nowOf(host),
    ...(await storedWake(result, store.store)),
  });
}

/**
 * `firstline resume <runId>`: continues an interrupted or handed-back run from its stored snapshot. A
 * run that had already ended is not run again: its outcome and when it ended are printed, exit 1.
 */
export async function resumeCommand(
  runId: string,
  flags: StoreFlags,
  ctx: CliContext,
  host: RunHost = {},
): Promise<number> {
  const store = await openStore(flags, ctx);
  try {
    return await resumeIn(store, runId, flags, ctx, host);
  } finally {
    store.close();
  }
}

async function resumeIn(
  store: OpenedStore,
  runId: string,
  flags: StoreFlags,
  ctx: CliContext,
  host: RunHost,
): Promise<number> {
  const { io } = ctx;
  const record = await store.store.load(runId);
  if (!flags.json && record?.status === 'running') {
    io.out(`${paletteFor(io).bold('resume')}  ${record.playbook.name}  run ${runId}\n\n`);
  }
  const result = await withProgress(flags, ctx, host, (hostOptions) =>
    resumeRun(runId, { ...hostOptions, store: store.store, actions: ctx.actions }),
  );
  const verb = record?.mode === 'live' ? 'did' : 'would';
  return finish(result, flags, ctx, {
    verb,
    store,
    now: nowOf(host),
    ...(await storedWake(result, store.store)),
  });
}

/**
 * `firstline resume --due`: resumes every stored run whose wait is over, or that was interrupted mid-step
 * (the file store's leases leave runs another live process holds to it). One line per run; exit 1 when
 * a run did not end well or could not be resumed.
 */
export async function resumeDueCommand(
  flags: StoreFlags,
  ctx: CliContext,
  host: RunHost = {},
): Promise<number> {
  const { io } = ctx;
  const store = await openStore(flags, ctx);
  let due;
  try {
    due = await resumeDue({ ...hostOptions(ctx, host), store: store.store, actions: ctx.actions });
  } finally {
    store.close();
  }
  const good = [...GOOD_OUTCOMES, ...(flags.good ?? [])];
  const handedBack = due.resumed.some((r) => r.outcome === 'suspended');
  const bad =
    due.failed.length > 0 || due.resumed.some((r) => r.outcome !== 'suspended' && !good.includes(r.outcome));
  const exit = bad ? EXIT.bad : handedBack ? EXIT.handedBack : EXIT.ok;
  if (flags.json) {
    io.out(`${JSON.stringify(due, null, 2)}\n`);
    return exit;
  }
  const palette = paletteFor(io);
  for (const run of due.resumed)
    io.out(
      `${palette.bold('resumed')}  ${run.runId}  ${good.includes(run.outcome) ? palette.green(run.outcome) : palette.red(run.outcome)}\n`,
    );
  for (const runId of due.busy)
    io.out(`${palette.dim('busy')}     ${runId}  ${palette.dim('another process holds it')}\n`);
  for (const failure of due.failed) io.out(`${palette.red('failed')}   ${failure.runId}  ${failure.error}\n`);
  io.out(
    `${due.resumed.length} resumed, ${due.busy.length} busy, ${due.failed.length} failed  ${palette.dim(`(store ${store.shown})`)}\n`,
  );
  if (handedBack)
    io.out(
      `${palette.dim(`handed back again (stored, not over): firstline resume --due --store ${store.shown}`)}\n`,
    );
  return exit;
}

/**
 * Runs `start` with what every real run gets from the CLI (environment, cancel and hand-back signals,
 * secret resolvers, clock) and, unless `--json`, the live progress view, stopped however the run ends.
 */
export async function withProgress<T = RunResult>(
  flags: StoreFlags,
  ctx: CliContext,
  host: RunHost,
  start: (options: HostOptions) => Promise<T>,
): Promise<T> {
  const { io } = ctx;
  const progress = flags.json ? undefined : createProgress(io);
  try {
    return await start({ ...hostOptions(ctx, host), ...(progress && { onEvent: progress.onEvent }) });
  } finally {
    progress?.stop();
  }
}

/**
 * What every real run gets from the CLI: the environment, the cancel signal (a second Ctrl-C), the
 * hand-back signal (SIGTERM, a first Ctrl-C), secret resolvers, the clock.
 */
export function hostOptions(ctx: CliContext, host: RunHost): HostOptions {
  const { io } = ctx;
  return {
    env: io.env,
    ...(io.signal && { signal: io.signal }),
    ...(io.suspend && { suspend: io.suspend, suspendGraceMs: HAND_BACK_GRACE_MS }),
    ...(host.secrets && { secrets: host.secrets }),
    ...(host.clock && { clock: host.clock }),
  };
}

/**
 * Prints a run's result (JSON, or what it changed and its outcome) and returns the exit code: 0 good,
 * 1 not good or already ended before this command, 3 handed back (stored, not over).
 */
export function finish(
  result: RunResult,
  flags: StoreFlags,
  ctx: CliContext,
  how: {
    verb: 'would' | 'did';
    store: Pick<OpenedStore, 'shown' | 'recordLine'>;
    now: number;
    wakeAt?: number;
  },
): number {
  const { io } = ctx;
  const good = [...GOOD_OUTCOMES, ...(flags.good ?? [])];
  const handedBack = result.outcome === 'suspended' && !result.alreadyEnded;
  const exit =
    result.alreadyEnded || !(handedBack || good.includes(result.outcome))
      ? EXIT.bad
      : handedBack
        ? EXIT.handedBack
        : EXIT.ok;
  if (flags.json) {
    io.out(`${JSON.stringify(result, null, 2)}\n`);
    return exit;
  }
  const palette = paletteFor(io);
  if (result.alreadyEnded) {
    io.out(renderAlreadyEnded(result, { palette, now: how.now, did: 'nothing was run' }));
    return exit;
  }
  const actions = createActionRegistry(ctx.actions);
  // The timeline was shown live; what follows it is what changed and the outcome.
  io.out(`\n${renderOutcome(result, { palette, color: io.color, actions, good, verb: how.verb })}`);
  io.out(`${palette.dim(how.store.recordLine(result.runId))}\n`);
  if (handedBack)
    io.out(
      renderHandedBack(result, {
        palette,
        store: how.store.shown,
        now: how.now,
        ...(how.wakeAt !== undefined && { wakeAt: how.wakeAt }),
      }),
    );
  return exit;
}

/** The time now on the runs' clock: "how long ago" must agree with the times the runs recorded. */
export function nowOf(host: RunHost): number {
  return host.clock?.now() ?? Date.now();
}

/** A handed-back run's stored wake time: a signal in the middle of a wait leaves it in the record only. */
async function storedWake(result: RunResult, store: RunStore): Promise<{ wakeAt?: number }> {
  if (result.outcome !== 'suspended' || result.suspended?.wakeAt !== undefined) return {};
  const wake = (await store.load(result.runId).catch(() => undefined))?.deadlines.wake;
  return wake !== undefined ? { wakeAt: wake } : {};
}

import { createActor } from 'xstate';
import type { AnyActor } from 'xstate';
import type { ActionRegistry } from '../actions/registry.js';
import type { Clock, Logger } from '../actions/types.js';
import type { CompiledPlaybook } from '../compile/compilePlaybook.js';
import { createLifecycle, legacyWait } from './execute/lifecycle.js';
import type { LifecycleOptions, ParkedWait, Settlement } from './execute/lifecycle.js';
import { DEFAULT_PARK_WAITS_OVER_MS } from './hostOptions.js';
import { isVirtualClock } from './clock.js';
import { ApprovalBook } from './execute/approvalBook.js';
import { passLockGate } from './execute/lockGate.js';
import { RecordWriter } from './execute/recordWriter.js';
import { RunServiceSet } from './execute/runServices.js';
import type { RunServiceParts } from './execute/runServices.js';
import { TraceSink } from './execute/traceSink.js';
import { finishRun, handBack, storedSteps } from './execute/finishRun.js';
import type { RunEnd, RunExecution } from './execute/finishRun.js';
import { ownRecord } from '../util/ownRecord.js';
import type { ModeStrategy } from './modes.js';
import type { Redactor } from './redact.js';
import { skipMessage } from './safety.js';
import type { RunBudget } from './safety.js';
import { bindServices } from './services.js';
import type { ApprovalDesk, ScriptPlayer } from './services.js';
import type {
  RunContext,
  RunRecord,
  RunStore,
  SkipReason,
  StepInput,
  StepRecord,
  TraceListener,
} from './types.js';

export type { RunExecution } from './execute/finishRun.js';

/** Everything a run (new or resumed) needs to execute. */
export interface RunSetup {
  compiled: CompiledPlaybook;
  record: RunRecord;
  /** What the run's mode decides (built once per run). */
  strategy: ModeStrategy;
  /** The initial context of a new run; absent when resuming from `record.snapshot`. */
  context?: RunContext;
  registry: ActionRegistry;
  clock: Clock;
  secrets: Record<string, string>;
  redactor: Redactor;
  random: () => number;
  logger: Logger;
  store?: RunStore;
  onEvent?: TraceListener;
  signal?: AbortSignal;
  script?: ScriptPlayer;
  calls?: Map<string, unknown[]>;
  /** The resource lock's key, rendered (a playbook with `lock:`, a store that locks, a mode that enforces it). */
  lockKey?: string;
  /** The playbook's budgets, keys rendered. */
  budgets?: RunBudget[];
  /** See HostOptions.suspendBefore. */
  suspendBefore?: number;
  /** See HostOptions.suspend. */
  suspend?: AbortSignal;
  /** See HostOptions.suspendGraceMs. */
  suspendGraceMs?: number;
  /** See HostOptions.consoleUrl (trailing slashes taken off). */
  consoleUrl?: string;
  /** See HostOptions.parkWaitsOver. */
  parkWaitsOver?: number | false;
}

/** How long a hand-back waits for a side effect in flight to end, unless the host says otherwise. */
export const DEFAULT_SUSPEND_GRACE_MS = 10_000;

/**
 * Drives one run's actor from start (or restored snapshot) to its outcome: the lock gate, then the
 * lifecycle (deadline, cancel, hand-back), then the ending. The parts each do one thing: the trace
 * sink, the record writer, the step recorder, the lifecycle, the lock gate and the finish.
 */
export function executeRun(setup: RunSetup): Promise<RunExecution> {
  return incarnate(setup, undefined);
}

/**
 * What a parked run keeps for its next actor besides its setup and record: the trace's sequence and
 * listener, the record's write queue, a skip already decided, and when the wait it is parked in began.
 */
interface Parked {
  sink: TraceSink;
  writer: RecordWriter;
  skip: SkipReason | undefined;
  since: number;
}

/**
 * One actor's life of a run: the whole run, or (a parked run) the part from the wait it was parked in
 * on. A parked run's next actor is made from its persisted snapshot like a resumed run's, but the run
 * goes on unseen: no `run.resume`, no lock gate again, the wait not started again.
 */
async function incarnate(setup: RunSetup, parked: Parked | undefined): Promise<RunExecution> {
  const { compiled, record, clock, store, strategy } = setup;
  const resumed = setup.context === undefined;
  const sink = parked?.sink ?? new TraceSink(record.trace, clock, setup.redactor, setup.onEvent);
  const writer = parked?.writer ?? new RecordWriter(record, store, clock, setup.redactor, resumed);
  if (resumed) ownKeyedMaps(record.snapshot);
  const legacy = resumed && !parked ? legacyWait(record.snapshot) : undefined;
  const actor = resumed
    ? createActor(compiled.machine, { snapshot: record.snapshot as never })
    : createActor(compiled.machine, { input: setup.context! });
  const canSuspend = store !== undefined && strategy.handsBack;
  const approvals = new ApprovalBook(record, store ? writer : undefined, setup.consoleUrl);
  const services = runServices(setup, sink, writer, () => lifecycle.sideEffect(), approvals);
  if (parked?.skip) services.skip = parked.skip;
  const park = parkWhen(setup, services);
  // Field by field, the optional parts assigned: no spreads per run.
  const options: LifecycleOptions = {
    actor,
    record,
    clock,
    writer,
    persists: store !== undefined,
    canSuspend,
    suspendGraceMs: setup.suspendGraceMs ?? DEFAULT_SUSPEND_GRACE_MS,
    onDeadline: () => (services.timedOut = true),
    stopSteps: () => services.stopSteps(),
  };
  if (canSuspend && setup.suspendBefore !== undefined) options.suspendBefore = setup.suspendBefore;
  if (setup.suspend) options.suspend = setup.suspend;
  if (setup.signal) options.signal = setup.signal;
  if (resumed) options.restart = () => restartStored(actor, services, legacy, parked?.since);
  if (park) options.park = park;
  const lifecycle = createLifecycle(options);
  approvals.lifecycle = lifecycle;
  bindServices(actor.system, services);

  const context = resumed
    ? (record.snapshot as { context?: RunContext } | undefined)?.context
    : setup.context;
  // Built when the run ends, not held by a run while it waits; nor is `setup` (nor the initial context).
  const { redactor, calls } = setup;
  const startedAt = context?.run.startedAt;
  const endOf = (): RunEnd => ({
    record,
    store,
    writer,
    clock,
    redactor,
    sink,
    runStart: startedAt ?? clock.now(),
    ...(calls && { calls }),
  });
  if (parked) return lifecycle.run().then((settlement) => endRun(settlement, parts()));
  if (resumed) sink.emit({ type: 'run.resume', runId: record.runId });
  else
    sink.emit({
      type: 'run.start',
      runId: record.runId,
      playbook: compiled.name,
      hash: compiled.hash,
      mode: strategy.mode,
      inputs: record.inputs,
      deadline: record.deadlines.run,
    });
  if (store && !resumed) {
    // The initial snapshot is stored before anything runs: a host killed at any point after this
    // can be resumed (restoring it starts the first step again; its journal guards side effects).
    record.snapshot = actor.getPersistedSnapshot();
    await writer.save();
  }

  const lockSettings = compiled.ir.lock;
  if (setup.lockKey !== undefined && lockSettings && store?.lock && strategy.enforcesSafety) {
    const gate = await passLockGate({
      store: store as RunStore & Required<Pick<RunStore, 'lock'>>,
      settings: lockSettings,
      key: setup.lockKey,
      runId: record.runId,
      clock,
      writer,
      decide: (message) => services.decide(message),
      ...(setup.signal && { signal: setup.signal }),
      ...(canSuspend && setup.suspend && { suspend: setup.suspend }),
      ...(canSuspend && setup.suspendBefore !== undefined && { until: setup.suspendBefore }),
    });
    if ('handBack' in gate) return handBack(endOf(), { reason: 'signal' }, storedSteps(record));
    if ('skip' in gate) {
      services.decide(skipMessage(gate.skip, clock));
      record.skipped = gate.skip;
      return finishRun(endOf(), 'skipped', storedSteps(record));
    }
    record.lock = { key: setup.lockKey, expiresAt: gate.expiresAt! };
  }

  // Not awaited: a waiting run holds the ending's parts, not a suspended frame of this function.
  return lifecycle.run().then((settlement) => endRun(settlement, parts()));

  function parts(): Ending {
    return { setup, actor, sink, writer, services, store, record, redactor, endOf };
  }
}

/** What ending a run after its actor settled needs. */
interface Ending {
  setup: RunSetup;
  actor: AnyActor;
  writer: RecordWriter;
  sink: TraceSink;
  services: RunServiceSet;
  store: RunStore | undefined;
  record: RunRecord;
  redactor: Redactor;
  endOf: () => RunEnd;
}

/** The run after its actor settled: handed back, or ended with its outcome (a crash is `failed`). */
function endRun(settlement: Settlement, parts: Ending): Promise<RunExecution> {
  const { actor, sink, services, store, record, redactor, endOf } = parts;
  if (settlement.parked) return parkRun(parts, settlement.parked);
  const last = (actor.getSnapshot() as { context: RunContext }).context;
  const steps: Record<string, StepRecord> = settlement.output?.steps ?? last.steps;
  if (settlement.suspended) return handBack(endOf(), settlement.suspended, steps);
  const crashed = settlement.crash !== undefined;
  if (crashed)
    sink.emit({
      type: 'log',
      level: 'error',
      message: `the run crashed: ${redactor.error(settlement.crash)}`,
    });
  if (sink.listenerFailure !== undefined)
    sink.emit({
      type: 'log',
      level: 'warn',
      message: `the onEvent listener threw (events after it were still recorded): ${redactor.error(sink.listenerFailure)}`,
    });
  // The final snapshot (every step's last record) goes with `done`, in the same write: resuming a
  // finished run answers from it, and no earlier write can pair it with `running`.
  if (store) record.snapshot = actor.getPersistedSnapshot();
  if (services.skip) record.skipped = services.skip;
  const outcome = crashed ? 'failed' : (settlement.output?.outcome ?? last.outcome ?? 'failed');
  return finishRun(endOf(), outcome, steps);
}

/**
 * A run parked in a long wait: nothing of its actor is kept, only the setup, the record (its persisted
 * snapshot) and one timer. The next actor is made when the wait ends, or at once when the run is
 * cancelled or handed back; when the run's deadline comes first, it is made then and times out.
 */
function parkRun(parts: Ending, wait: ParkedWait): Promise<RunExecution> {
  const { sink, writer, services, record } = parts;
  const { context: _, ...rest } = parts.setup;
  const setup: RunSetup = rest;
  const carried: Parked = { sink, writer, skip: services.skip, since: wait.since };
  const { clock, signal } = setup;
  // Without a store the run cannot be handed back, so a hand-back asked for does not wake it.
  const suspend = setup.store !== undefined && setup.strategy.handsBack ? setup.suspend : undefined;
  return new Promise<RunExecution>((resolve) => {
    const wake = () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      suspend?.removeEventListener('abort', wake);
      resolve(incarnate(setup, carried));
    };
    const timer = clock.setTimeout(
      wake,
      Math.max(0, Math.min(wait.wakeAt, record.deadlines.run) - clock.now()),
    );
    signal?.addEventListener('abort', wake, { once: true });
    suspend?.addEventListener('abort', wake, { once: true });
    if (signal?.aborted || suspend?.aborted) wake();
  });
}

/**
 * When the run should be parked (see HostOptions.parkWaitsOver): in a plain wait of at least the
 * threshold, with at least that much of the run's time left; never on a virtual clock.
 */
function parkWhen(
  setup: RunSetup,
  services: RunServiceSet,
): ((context: RunContext) => ParkedWait | undefined) | undefined {
  const over = setup.parkWaitsOver ?? DEFAULT_PARK_WAITS_OVER_MS;
  const { clock, record } = setup;
  if (over === false || isVirtualClock(clock)) return undefined;
  return (context) => {
    const until = context.wait?.until;
    if (until === undefined || context.wait?.hold !== undefined) return undefined;
    const now = clock.now();
    if (until - now < over || record.deadlines.run - now < over) return undefined;
    const since = services.parkableWait();
    return since === undefined ? undefined : { wakeAt: Math.min(until, record.deadlines.run), since };
  };
}

/** A restored run's machine is in the state of the step it was stored in: that step starts again. */
function restartStored(
  actor: AnyActor,
  services: RunServiceSet,
  legacy: Pick<StepInput, 'until' | 'hold'> | undefined,
  continues: number | undefined,
): void {
  const snapshot = actor.getSnapshot() as { status: string; value: unknown; context: RunContext };
  const key = snapshot.value;
  if (snapshot.status !== 'active' || typeof key !== 'string') return;
  const kind = services.ir.nodes.get(key)?.kind;
  if (kind === undefined || kind === 'goto' || kind === 'judge') return;
  services.startStep(key, snapshot.context, actor, legacy, continues);
}

/**
 * A stored snapshot is plain JSON again: its step records and visit counts are made prototype-free as a
 * new run's are, so `steps.constructor` in an expression is only there when a step of that id ran.
 */
function ownKeyedMaps(snapshot: unknown): void {
  const context = (snapshot as { context?: Partial<RunContext> } | undefined)?.context;
  if (!context) return;
  if (context.steps) context.steps = ownRecord(context.steps);
  if (context.visits) context.visits = ownRecord(context.visits);
}

/** The services every step actor of the run shares: built from the run's parts, once per run. */
function runServices(
  setup: RunSetup,
  sink: TraceSink,
  writer: RecordWriter,
  sideEffect: () => () => void,
  approvals: ApprovalDesk,
): RunServiceSet {
  const { record, strategy } = setup;
  const parts: RunServiceParts = {
    runId: record.runId,
    strategy,
    ir: setup.compiled.ir,
    playbookName: setup.compiled.name,
    registry: setup.registry,
    clock: setup.clock,
    random: setup.random,
    secrets: setup.secrets,
    redactor: setup.redactor,
    logger: setup.logger,
    journal: record.journal,
    sink,
    writer,
    store: setup.store,
    budgets: strategy.enforcesSafety ? (setup.budgets ?? []) : [],
    sideEffect,
    approvals,
  };
  if (setup.calls) parts.calls = setup.calls;
  if (setup.script) parts.script = setup.script;
  return new RunServiceSet(parts);
}

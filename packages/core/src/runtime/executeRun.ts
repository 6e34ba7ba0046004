import { createActor } from 'xstate';
import type { ActionRegistry } from '../actions/registry.js';
import type { Clock, Logger } from '../actions/types.js';
import type { MachineOutput, RunContext, StepInput } from '../compile/buildMachine.js';
import type { CompiledPlaybook } from '../compile/compilePlaybook.js';
import { FirstlineError } from '../errors.js';
import { driveVirtualClock } from './clock.js';
import { skipMessage, takeLock } from './safety.js';
import type { RunBudget } from './safety.js';
import type { Redactor } from './redact.js';
import { bindServices } from './services.js';
import type { RunServices, ScriptPlayer } from './services.js';
import type {
  RunRecord,
  RunResult,
  RunStore,
  SkipReason,
  StepRecord,
  TraceEvent,
  TraceListener,
  VirtualClock,
} from './types.js';

/** Everything a run (new or resumed) needs to execute. */
export interface RunSetup {
  compiled: CompiledPlaybook;
  record: RunRecord;
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
  /** The resource lock's key, rendered (a playbook with `lock:`, a store that locks, not shadow mode). */
  lockKey?: string;
  /** The playbook's budgets, keys rendered. */
  budgets?: RunBudget[];
  /** See HostOptions.suspendBefore. */
  suspendBefore?: number;
  /** See HostOptions.suspend. */
  suspend?: AbortSignal;
}

/** What a simulation adds to a run's result: the inputs each action would have received. */
export interface RunExecution extends RunResult {
  /** Present for simulations. */
  calls?: Map<string, unknown[]>;
}

const isVirtual = (clock: Clock): clock is VirtualClock => (clock as Partial<VirtualClock>).virtual === true;

/**
 * Drives one run's actor from start (or restored snapshot) to its outcome: arms the run deadline,
 * wires cancellation, persists after every step, and turns anything unexpected into an outcome.
 */
export async function executeRun(setup: RunSetup): Promise<RunExecution> {
  const { compiled, record, clock, redactor, store } = setup;
  const trace = record.trace;
  const resumed = setup.context === undefined;
  const mode = record.mode;
  let saving: Promise<void> = Promise.resolve();
  let storeError: unknown;
  let listenerFailed: unknown;
  // Store writes are real I/O: a virtual clock must not jump ahead while one is in flight.
  let busy = 0;
  const io = <T>(work: () => Promise<T>): Promise<T> => {
    busy++;
    return work().finally(() => busy--);
  };
  // Suspending hands the run back stored: only with a store, or the run would be lost.
  const canSuspend = store !== undefined && mode !== 'simulate';
  const save = (): Promise<void> => {
    if (!store) return Promise.resolve();
    record.updatedAt = clock.now();
    busy++;
    const next = saving.then(() => store.save(record)).finally(() => busy--);
    saving = next.catch((error: unknown) => {
      storeError ??= error;
    });
    return next;
  };

  const services: RunServices = {
    runId: record.runId,
    mode,
    ir: compiled.ir,
    playbookName: compiled.name,
    registry: setup.registry,
    clock,
    random: setup.random,
    secrets: setup.secrets,
    redactor,
    logger: setup.logger,
    journal: record.journal,
    trace,
    timedOut: false,
    ...(setup.calls && { calls: setup.calls }),
    ...(setup.script && { script: setup.script }),
    emit(partial) {
      // Events are built from plain data here; only secret values need taking out.
      // Callers pass a fresh object literal: stamping it in place saves a copy per event.
      const raw = partial as TraceEvent;
      raw.seq = trace.length;
      raw.at = clock.now();
      const event = redactor.active ? redactor.value(raw) : raw;
      trace.push(event);
      if (setup.onEvent) {
        // A listener that throws is the host's bug; it must not fail the step that happened to emit.
        try {
          setup.onEvent(event);
        } catch (error) {
          listenerFailed ??= error;
        }
      }
    },
    async record(entry) {
      record.journal.push(redactor.active ? redactor.value(entry) : entry);
      // Write-ahead: the entry is stored before the side effect starts, or the step fails.
      if (store) await save();
    },
    ...(store?.claim && { claim: (key: string) => io(() => store.claim!(record.runId, key)) }),
    budgets: mode === 'shadow' ? [] : (setup.budgets ?? []),
    ...(store?.spend && mode !== 'shadow' && { spend: (key, use) => io(() => store.spend!(key, use)) }),
  };

  const machine = compiled.machineFor(mode);
  const actor = resumed
    ? createActor(machine, { snapshot: record.snapshot as never })
    : createActor(machine, { input: setup.context! });
  bindServices(actor.system, services);

  let settled = false;
  let output: MachineOutput | undefined;
  let crash: unknown;
  let suspended: RunExecution['suspended'];
  let resolveFinished!: () => void;
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve));
  // The run stops where it is, stored as `running`: a wait that ends after the host must hand the run
  // back, or the host's suspend signal. The snapshot is the one of the step in progress: restoring it
  // starts that step again (a wait re-arms its absolute deadline; an action consults the journal).
  const suspendRun = (reason: 'wait' | 'signal', wakeAt?: number) => {
    if (settled) return;
    settled = true;
    suspended = { reason, ...(wakeAt !== undefined && { wakeAt }) };
    resolveFinished();
  };
  actor.subscribe({
    next(snapshot) {
      // Stopping a suspended actor must not overwrite the snapshot it was suspended at.
      if (suspended) return;
      if (snapshot.status === 'done') {
        output = snapshot.output as MachineOutput;
        settled = true;
        resolveFinished();
        return;
      }
      if (!store) return;
      record.snapshot = actor.getPersistedSnapshot();
      record.deadlines.wake = waitingUntil(record.snapshot);
      void save();
      const wake = record.deadlines.wake;
      if (canSuspend && setup.suspendBefore !== undefined && wake !== undefined && wake > setup.suspendBefore)
        suspendRun('wait', wake);
    },
    // A crash inside the machine itself (not an action: those are outcomes) must still end the run.
    error(error) {
      crash = error;
      settled = true;
      resolveFinished();
    },
  });

  const runStart =
    (resumed
      ? (record.snapshot as { context?: RunContext })?.context?.run.startedAt
      : setup.context?.run.startedAt) ?? clock.now();
  if (resumed) services.emit({ type: 'run.resume', runId: record.runId });
  else
    services.emit({
      type: 'run.start',
      runId: record.runId,
      playbook: compiled.name,
      hash: compiled.hash,
      mode,
      inputs: record.inputs,
      deadline: record.deadlines.run,
    });
  if (store && !resumed) {
    // The initial snapshot is stored before anything runs: a host killed at any point after this
    // can be resumed (restoring it starts the first step again; its journal guards side effects).
    record.snapshot = actor.getPersistedSnapshot();
    await save();
  }

  const lockSettings = compiled.ir.lock;
  // The host asked for the run back before it got going (a service shutting down): stored, not skipped.
  const suspendedEarly = () => canSuspend && setup.suspend?.aborted === true;
  if (setup.lockKey !== undefined && lockSettings && store?.lock && mode !== 'shadow') {
    if (suspendedEarly()) return suspendBeforeStart();
    let lockDone = false;
    const stops = [setup.signal, canSuspend ? setup.suspend : undefined].filter((s) => s !== undefined);
    const taking = takeLock({
      store: store as RunStore & Required<Pick<RunStore, 'lock'>>,
      settings: lockSettings,
      key: setup.lockKey,
      runId: record.runId,
      clock,
      decide: (message) => services.emit({ type: 'decision', message }),
      ...(stops.length > 0 && { signal: AbortSignal.any(stops) }),
      ...(canSuspend && setup.suspendBefore !== undefined && { until: setup.suspendBefore }),
      busy: (delta) => (busy += delta),
    }).finally(() => (lockDone = true));
    if (isVirtual(clock)) await driveVirtualClock(clock, () => lockDone, { busy: () => busy > 0 });
    const taken = await taking;
    if (!taken.ok) return suspendedEarly() ? suspendBeforeStart() : skippedRun(taken.skip);
    record.lock = { key: setup.lockKey, expiresAt: taken.expiresAt };
  }

  const onTimeout = () => {
    services.timedOut = true;
    actor.send({ type: 'RUN.TIMEOUT' });
  };
  const deadlineTimer = clock.setTimeout(onTimeout, Math.max(0, record.deadlines.run - clock.now()));
  const onAbort = () => actor.send({ type: 'RUN.CANCEL' });
  const onSuspend = () => suspendRun('signal');
  actor.start();
  if (setup.signal?.aborted) onAbort();
  else setup.signal?.addEventListener('abort', onAbort, { once: true });
  if (canSuspend && setup.suspend) {
    if (setup.suspend.aborted) onSuspend();
    else setup.suspend.addEventListener('abort', onSuspend, { once: true });
  }

  try {
    if (isVirtual(clock)) {
      await driveVirtualClock(clock, () => settled, { busy: () => busy > 0 });
      if (!settled)
        throw new FirstlineError('E_SIMULATION', 'the run is stuck: nothing is running and no timer is due');
    }
    await finished;
  } finally {
    clock.clearTimeout(deadlineTimer);
    setup.signal?.removeEventListener('abort', onAbort);
    setup.suspend?.removeEventListener('abort', onSuspend);
    if (suspended) record.snapshot = actor.getPersistedSnapshot();
    actor.stop();
  }

  const context = actor.getSnapshot().context as RunContext;
  const steps: Record<string, StepRecord> = output?.steps ?? context.steps;
  if (suspended) return handBack(suspended, steps);
  const outcome = crash !== undefined ? 'failed' : (output?.outcome ?? context.outcome ?? 'failed');
  if (crash !== undefined)
    services.emit({ type: 'log', level: 'error', message: `the run crashed: ${redactor.error(crash)}` });
  if (listenerFailed !== undefined)
    services.emit({
      type: 'log',
      level: 'warn',
      message: `the onEvent listener threw (events after it were still recorded): ${redactor.error(listenerFailed)}`,
    });
  // The final snapshot (every step's last record) goes with `done`, in the same write: resuming a
  // finished run answers from it, and no earlier write can pair it with `running`.
  if (store) record.snapshot = actor.getPersistedSnapshot();
  if (services.skip) record.skipped = services.skip;
  return finishRun(outcome, steps);

  /** Ends the run: the last events, `done` stored, the resource lock freed, the result. */
  async function finishRun(outcome: string, steps: Record<string, StepRecord>): Promise<RunExecution> {
    services.emit({ type: 'run.end', outcome, durationMs: clock.now() - runStart });
    record.status = 'done';
    record.outcome = outcome;
    record.deadlines.wake = undefined;
    if (store) {
      await saving;
      await save().catch(() => undefined);
      if (record.lock && store.unlock && !(record.skipped?.reason === 'lock'))
        await io(() => store.unlock!(record.lock!.key, record.runId)).catch((error: unknown) => {
          storeError ??= error;
        });
      if (storeError !== undefined)
        services.emit({
          type: 'log',
          level: 'warn',
          message: `the run store failed: ${redactor.error(storeError)}`,
        });
    }
    return resultOf(outcome, steps, record.skipped ? { skipped: record.skipped } : {});
  }

  /** Not over: stored as `running`, its lock kept, for resumeDue (or resumeRun) to go on with. */
  async function handBack(
    how: NonNullable<RunExecution['suspended']>,
    steps: Record<string, StepRecord>,
  ): Promise<RunExecution> {
    services.emit({ type: 'run.suspend', ...how });
    await saving;
    await save();
    return resultOf('suspended', steps, { suspended: how });
  }

  /** Handed back before any step ran (or went on) in this host: a service shutting down. */
  function suspendBeforeStart(): Promise<RunExecution> {
    return handBack({ reason: 'signal' }, storedSteps());
  }

  /** The steps the stored snapshot has recorded: none for a new run. */
  function storedSteps(): Record<string, StepRecord> {
    return (record.snapshot as { context?: RunContext } | undefined)?.context?.steps ?? {};
  }

  /** Another run holds the resource: this one ends `skipped` before any step, without notifications. */
  function skippedRun(skip: SkipReason): Promise<RunExecution> {
    services.emit({ type: 'decision', message: skipMessage(skip, clock) });
    record.skipped = skip;
    return finishRun('skipped', storedSteps());
  }

  function resultOf(
    outcome: string,
    steps: Record<string, StepRecord>,
    extra: Partial<RunResult>,
  ): RunExecution {
    return {
      runId: record.runId,
      outcome,
      output: Object.fromEntries(
        Object.values(steps).flatMap((s) => (s.output !== undefined ? [[s.id, s.output]] : [])),
      ),
      steps,
      trace,
      durationMs: clock.now() - runStart,
      ...extra,
      ...(setup.calls && { calls: setup.calls }),
    };
  }
}

/** The absolute deadline of the wait in progress, read from the persisted snapshot's running child. */
function waitingUntil(snapshot: unknown): number | undefined {
  const children =
    (snapshot as { children?: Record<string, { snapshot?: { input?: StepInput } }> }).children ?? {};
  for (const child of Object.values(children)) {
    const until = child.snapshot?.input?.until;
    if (typeof until === 'number') return until;
  }
  return undefined;
}

import type { AnyActor } from 'xstate';
import type { Clock } from '../../actions/types.js';
import { FirstlineError } from '../../errors.js';
import { driveVirtualClock, isVirtualClock } from '../clock.js';
import type { MachineOutput, RunContext, RunRecord, StepInput } from '../types.js';
import type { RecordWriter } from './recordWriter.js';

/** How a run's actor stopped: its output, a crash of the machine itself, handed back to the store, or parked. */
export interface Settlement {
  output?: MachineOutput;
  crash?: unknown;
  suspended?: { reason: SuspendReason; wakeAt?: number };
  /** Parked in a long wait: the actor is dropped, a new one goes on from the persisted snapshot. */
  parked?: ParkedWait;
}

/** A run parked in a wait: when to make its next actor, and when the wait began. */
export interface ParkedWait {
  /** Clock ms: the wait's end, or the run's deadline if that comes first. */
  wakeAt: number;
  /** Clock ms the wait began (its record's `startedAt`). */
  since: number;
}

/** Why a run was handed back: a wait longer than the host has, the host's own signal, or an approval. */
export type SuspendReason = 'wait' | 'signal' | 'approval';

/** What the lifecycle of one run needs. */
export interface LifecycleOptions {
  actor: AnyActor;
  record: RunRecord;
  clock: Clock;
  writer: RecordWriter;
  /** The snapshot is stored after every step (there is a store). */
  persists: boolean;
  /** The run may be handed back (a store, and a mode that hands back). */
  canSuspend: boolean;
  /** See HostOptions.suspendBefore. */
  suspendBefore?: number;
  /** See HostOptions.suspend. */
  suspend?: AbortSignal;
  /** See HostOptions.suspendGraceMs. */
  suspendGraceMs: number;
  /** See HostOptions.signal. */
  signal?: AbortSignal;
  /** Called when the run's deadline passes, before the machine is told. */
  onDeadline(): void;
  /** Stops the step in progress; called whenever the actor is stopped (a hand-back, the end). */
  stopSteps(): void;
  /** A restored run: restarts the step it was stored in, just before the actor starts. */
  restart?(): void;
  /**
   * Asked after each step of the machine while nothing is in flight and nothing asked to stop the run:
   * the wait to park the run in, if it should be parked now.
   */
  park?(context: RunContext): ParkedWait | undefined;
}

/** Deadline, cancellation and hand-back of one run's actor, and the wait for it to settle. */
export interface RunLifecycle {
  /**
   * Brackets a side effect in flight; returns the function that marks its end. A hand-back asked for
   * meanwhile takes effect when the last one ends, so a run is never suspended half-way through one.
   */
  sideEffect(): () => void;
  /**
   * Hands the run back to wait for an approval until `wakeAt` (its expiry or the run's deadline);
   * false when the run cannot be handed back (no store), and then the step decides without waiting.
   */
  hold(wakeAt: number): boolean;
  /** Starts the actor with its deadline, cancel and hand-back armed; resolves once the run settled. */
  run(): Promise<Settlement>;
}

/** Arms a run's lifecycle around its actor; the actor is started by {@link RunLifecycle.run}. */
export function createLifecycle(options: LifecycleOptions): RunLifecycle {
  const { actor, record, clock, writer } = options;
  const settlement: Settlement = {};
  let settled = false;
  let inFlight = 0;
  let handBackAsked = false;
  let graceTimer: unknown;
  let resolveSettled!: () => void;
  const finished = new Promise<void>((resolve) => (resolveSettled = resolve));
  const settle = () => {
    settled = true;
    resolveSettled();
  };
  // The run stops where it is, stored as `running`. The snapshot is that of the step in progress:
  // restoring it starts that step again (a wait re-arms its absolute deadline; an action consults the
  // journal). On a signal the actor stops at once, so nothing starts after the snapshot was taken.
  const suspendRun = (reason: SuspendReason, wakeAt?: number) => {
    if (settled) return;
    if (graceTimer !== undefined) clock.clearTimeout(graceTimer);
    settlement.suspended = { reason, ...(wakeAt !== undefined && { wakeAt }) };
    if (reason === 'signal') {
      record.snapshot = actor.getPersistedSnapshot();
      options.stopSteps();
      actor.stop();
    }
    settle();
  };
  // A side effect in flight gets the grace period to end (its journal then says how it ended); past it
  // the run is handed back anyway, and a resume finds the side effect started, not finished: it is not
  // repeated, the run re-checks instead.
  const onSuspend = () => {
    // Parked meanwhile: the parked run wakes for this and its next actor hands it back.
    if (settlement.parked) return;
    // Already cancelled: the run ends `cancelled`, it is not handed back half-way through that.
    if (options.signal?.aborted) return;
    handBackAsked = true;
    if (inFlight === 0) suspendRun('signal');
    else graceTimer = clock.setTimeout(() => suspendRun('signal'), options.suspendGraceMs);
  };

  actor.subscribe({
    next(snapshot: { status: string; output?: unknown }) {
      // Stopping a suspended or parked actor must not overwrite the snapshot it stopped at.
      if (settlement.suspended || settlement.parked) return;
      if (snapshot.status === 'done') {
        settlement.output = snapshot.output as MachineOutput;
        settle();
        return;
      }
      if (options.persists) {
        record.snapshot = actor.getPersistedSnapshot();
        const waiting = waitingUntil(record.snapshot);
        record.deadlines.wake = waiting?.until;
        void writer.save();
        const wake = record.deadlines.wake;
        if (
          options.canSuspend &&
          options.suspendBefore !== undefined &&
          waiting?.hold === undefined &&
          wake !== undefined &&
          wake > options.suspendBefore
        )
          suspendRun('wait', wake);
      }
      if (settled || !options.park || inFlight > 0 || handBackAsked || options.signal?.aborted) return;
      if (options.canSuspend && options.suspend?.aborted) return;
      const parked = options.park((snapshot as unknown as { context: RunContext }).context);
      if (parked) {
        settlement.parked = parked;
        settle();
      }
    },
    // A crash inside the machine itself (not an action: those are outcomes) must still end the run.
    error(error) {
      settlement.crash = error;
      settle();
    },
  });

  return {
    hold(wakeAt) {
      if (!options.canSuspend || settled) return false;
      suspendRun('approval', Math.min(wakeAt, record.deadlines.run));
      return true;
    },
    sideEffect() {
      inFlight++;
      return () => {
        inFlight--;
        if (handBackAsked && inFlight === 0) suspendRun('signal');
      };
    },
    async run() {
      const onTimeout = () => {
        // Parked meanwhile: the parked run wakes at its deadline and its next actor times out.
        if (settlement.parked) return;
        options.onDeadline();
        actor.send({ type: 'RUN.TIMEOUT' });
      };
      const deadlineTimer = clock.setTimeout(onTimeout, Math.max(0, record.deadlines.run - clock.now()));
      const onAbort = () => {
        // Parked meanwhile: the parked run wakes for this and its next actor is cancelled.
        if (settlement.parked) return;
        // A cancel supersedes a hand-back still waiting for a side effect: the run ends `cancelled`
        // with all its notifications, instead of being handed back after the first of them.
        handBackAsked = false;
        if (graceTimer !== undefined) clock.clearTimeout(graceTimer);
        actor.send({ type: 'RUN.CANCEL' });
      };
      const suspend = options.canSuspend ? options.suspend : undefined;
      // The restored step starts where a new step would: before the actor's first snapshot is seen.
      options.restart?.();
      actor.start();
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      if (suspend?.aborted) onSuspend();
      else suspend?.addEventListener('abort', onSuspend, { once: true });
      try {
        if (isVirtualClock(clock)) {
          await driveVirtualClock(clock, () => settled, { busy: () => writer.busy() });
          if (!settled)
            throw new FirstlineError(
              'E_SIMULATION',
              'the run is stuck: nothing is running and no timer is due',
            );
        }
        await finished;
      } finally {
        clock.clearTimeout(deadlineTimer);
        if (graceTimer !== undefined) clock.clearTimeout(graceTimer);
        options.signal?.removeEventListener('abort', onAbort);
        suspend?.removeEventListener('abort', onSuspend);
        if (settlement.parked || (settlement.suspended && settlement.suspended.reason !== 'signal'))
          record.snapshot = actor.getPersistedSnapshot();
        options.stopSteps();
        actor.stop();
      }
      return settlement;
    },
  };
}

/** The absolute deadline of the wait, poll or approval in progress, as the persisted snapshot keeps it. */
function waitingUntil(snapshot: unknown): Pick<StepInput, 'until' | 'hold'> | undefined {
  const wait = (snapshot as { context?: RunContext }).context?.wait;
  if (typeof wait?.until === 'number') return wait;
  return legacyWait(snapshot);
}

/**
 * A snapshot stored before steps kept their deadline in the context (each step was an invoked actor):
 * the deadline is in the running child's input.
 */
export function legacyWait(snapshot: unknown): Pick<StepInput, 'until' | 'hold'> | undefined {
  const children =
    (snapshot as { children?: Record<string, { snapshot?: { input?: StepInput } }> } | undefined)?.children ??
    {};
  for (const child of Object.values(children)) {
    const input = child.snapshot?.input;
    if (typeof input?.until === 'number') return input;
  }
  return undefined;
}

import type { Clock } from '../../actions/types.js';
import type { Redactor } from '../redact.js';
import type { DistributiveOmit } from '../services.js';
import type { TraceEvent, TraceListener } from '../types.js';

/** An event of type `T` as callers build it: the sink stamps `seq` and `at`. */
export type UnstampedEvent<T extends TraceEvent['type']> = Omit<
  Extract<TraceEvent, { type: T }>,
  'seq' | 'at'
>;

/**
 * Where a run's events go: numbered, stamped with the run's clock, redacted, kept and streamed. A class,
 * not a closure factory: a waiting run holds one, and methods on the prototype cost it nothing per run.
 * A resumed run's stored trace goes on where it stopped.
 */
export class TraceSink {
  /** What the host's listener threw first, if it ever did (it never fails a step). */
  listenerFailure: unknown;

  /** A sink appending to `trace`. */
  constructor(
    private readonly trace: TraceEvent[],
    private readonly clock: Clock,
    private readonly redactor: Redactor,
    private readonly onEvent: TraceListener | undefined,
  ) {}

  /** Appends an event to the trace and streams it to the host's listener. */
  emit(partial: DistributiveOmit<TraceEvent, 'seq' | 'at'>): void {
    // Events are built from plain data; only secret values need taking out. Callers pass a fresh
    // object literal: stamping it in place saves a copy per event.
    const raw = partial as TraceEvent;
    raw.seq = this.trace.length;
    raw.at = this.clock.now();
    const event = this.redactor.active ? this.redactor.value(raw) : raw;
    this.trace.push(event);
    if (!this.onEvent) return;
    // A listener that throws is the host's bug; it must not fail the step that happened to emit.
    try {
      this.onEvent(event);
    } catch (error) {
      this.listenerFailure ??= error;
    }
  }
}

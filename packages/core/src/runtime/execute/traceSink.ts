import type { Clock } from '../../actions/types.js';
import type { Redactor } from '../redact.js';
import type { DistributiveOmit } from '../services.js';
import type { TraceEvent, TraceListener } from '../types.js';

/** Where a run's events go: numbered, stamped with the run's clock, redacted, kept and streamed. */
export interface TraceSink {
  /** Appends an event to the trace and streams it to the host's listener. */
  emit: (event: DistributiveOmit<TraceEvent, 'seq' | 'at'>) => void;
  /** What the host's listener threw first, if it ever did (it never fails a step). */
  readonly listenerFailure: unknown;
}

/** A sink appending to `trace` (a resumed run's stored trace goes on where it stopped). */
export function createTraceSink(
  trace: TraceEvent[],
  clock: Clock,
  redactor: Redactor,
  onEvent: TraceListener | undefined,
): TraceSink {
  let listenerFailure: unknown;
  return {
    emit(partial) {
      // Events are built from plain data; only secret values need taking out. Callers pass a fresh
      // object literal: stamping it in place saves a copy per event.
      const raw = partial as TraceEvent;
      raw.seq = trace.length;
      raw.at = clock.now();
      const event = redactor.active ? redactor.value(raw) : raw;
      trace.push(event);
      if (!onEvent) return;
      // A listener that throws is the host's bug; it must not fail the step that happened to emit.
      try {
        onEvent(event);
      } catch (error) {
        listenerFailure ??= error;
      }
    },
    get listenerFailure() {
      return listenerFailure;
    },
  };
}

import { formatClockDuration, renderTrace } from '@firstline/core';
import type { TraceEvent, TraceListener } from '@firstline/core';
import type { CliIo } from '../io.js';

/** A live view of a run: a line per event as it happens, and on a TTY a ticking line for what is in progress. */
export interface Progress {
  /** Feed it every trace event (`onEvent`). */
  onEvent: TraceListener;
  /** Stops the ticker and clears its line; call once the run has ended. */
  stop(): void;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\u001b[K';

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Wall clock for elapsed times (default Date.now). */
  now?: () => number;
  /** How often the TTY line ticks, in ms (default 100). */
  tickMs?: number;
}

/**
 * Prints a run as it happens, in the same lines as `firstline simulate` (the trace renderer), so a
 * live run and its simulation read alike. On a TTY a spinner line shows the step or wait in progress
 * with its elapsed (or remaining) time; piped output gets plain lines only.
 */
export function createProgress(io: CliIo, options: ProgressOptions = {}): Progress {
  const now = options.now ?? Date.now;
  const trace: TraceEvent[] = [];
  let printed = 0;
  let active: { label: string; since: number; until?: number } | undefined;
  let frame = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;

  const tick = () => {
    if (!active) return;
    const elapsed = now() - active.since;
    const time =
      active.until !== undefined
        ? `${formatClockDuration(Math.max(0, active.until - now()))} left`
        : formatClockDuration(elapsed);
    io.out(`${CLEAR_LINE}${SPINNER[frame++ % SPINNER.length]} ${active.label} ${time}`);
  };

  const onEvent: TraceListener = (event) => {
    trace.push(event);
    // The renderer aligns columns over the whole trace; printing only the lines not yet printed keeps
    // each line identical to what `simulate` and `report` show.
    const lines = renderTrace(trace, { color: io.color })
      .split('\n')
      .filter((line) => line !== '');
    const fresh = lines.slice(printed);
    printed = lines.length;
    if (io.isTTY && active) io.out(CLEAR_LINE);
    for (const line of fresh) io.out(`${line}\n`);
    if (!io.isTTY) return;
    if (event.type === 'step.start')
      active = { label: event.action ? `${event.step} ${event.action}` : event.step, since: now() };
    else if (event.type === 'wait.start')
      active = { label: `${event.step} waiting`, since: now(), until: now() + event.durationMs };
    else if (event.type === 'step.end' || event.type === 'wait.end' || event.type === 'run.end')
      active = undefined;
    if (active) {
      tick();
      ticker ??= setInterval(tick, options.tickMs ?? 100);
      // A ticking spinner must never keep a finished CLI alive.
      ticker.unref();
    }
  };

  return {
    onEvent,
    stop() {
      if (ticker) clearInterval(ticker);
      ticker = undefined;
      if (io.isTTY && active) io.out(CLEAR_LINE);
      active = undefined;
    },
  };
}

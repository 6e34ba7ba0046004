import { setImmediate, setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../actions/types.js';
import { FirstlineError } from '../errors.js';
import type { VirtualClock } from './types.js';

// Node fires a timer with a longer delay after 1 ms; clamping keeps "much later" from becoming "now".
// Runs are capped at 24 hours, far below this.
const TIMEOUT_MAX = 2 ** 31 - 1;

/**
 * The real clock: `Date.now` and the global timers. The only place the runtime reads the wall clock.
 * Timers keep Node's usual semantics (they are not unref'd): a pending step timeout or wait keeps the
 * process alive, which is what a host running a playbook wants; the runtime clears its timers when done.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => globalThis.setTimeout(fn, Math.min(ms, TIMEOUT_MAX)),
  clearTimeout: (handle: unknown): void => {
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
  },
});

/** True for a clock whose time moves only when told to (simulations, `--fast`): it is driven, and nothing waits on it. */
export const isVirtualClock = (clock: Clock): clock is VirtualClock =>
  (clock as Partial<VirtualClock>).virtual === true;

/** The instant a virtual clock starts at unless told otherwise: fixed, so simulations are repeatable. */
export const VIRTUAL_CLOCK_START = Date.UTC(2026, 0, 1);

// A pending timer; also the opaque handle given out. `index` is its slot in the heap, -1 once gone.
class Timer {
  index = -1;
  constructor(
    readonly due: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}
}

/**
 * A clock whose time moves only through `advance`/`advanceToNext` (see {@link VirtualClock}).
 * Timers fire in due-time order, and in the order they were set when due at the same time; each timer
 * operation is O(log n). A timer callback that throws stops the advance with the clock consistent: it
 * reads the throwing timer's due time, that timer is gone, and the timers not yet fired stay pending for
 * the next advance, which fires them; the exception then propagates to the caller of the advance.
 */
export function createVirtualClock(options?: { startAt?: number }): VirtualClock {
  let now = options?.startAt ?? VIRTUAL_CLOCK_START;
  let seq = 0;
  // Binary min-heap ordered by (due, seq).
  const heap: Timer[] = [];

  const before = (a: Timer, b: Timer) => a.due < b.due || (a.due === b.due && a.seq < b.seq);

  const place = (timer: Timer, index: number) => {
    heap[index] = timer;
    timer.index = index;
  };

  const siftUp = (index: number) => {
    const timer = heap[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (!before(timer, parent)) break;
      place(parent, index);
      index = parentIndex;
    }
    place(timer, index);
  };

  const siftDown = (index: number) => {
    const timer = heap[index]!;
    const size = heap.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, timer)) break;
      place(heap[child]!, index);
      index = child;
    }
    place(timer, index);
  };

  const remove = (timer: Timer) => {
    const index = timer.index;
    const last = heap.pop()!;
    timer.index = -1;
    if (last === timer) return;
    place(last, index);
    siftDown(index);
    siftUp(last.index);
  };

  // Fires, in order, every timer due at or before `until`; each runs with the clock at its due time.
  const fireUntil = (until: number) => {
    for (let first = heap[0]; first !== undefined && first.due <= until; first = heap[0]) {
      // Removed before the call, so a throwing callback leaves no half-fired timer behind.
      remove(first);
      if (first.due > now) now = first.due;
      first.fn();
    }
  };

  return {
    virtual: true,
    now: () => now,
    setTimeout(fn: () => void, ms: number): unknown {
      // NaN, negative and infinite delays mean "due now", fired by the next advance (never synchronously).
      const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
      const timer = new Timer(now + delay, seq++, fn);
      heap.push(timer);
      siftUp(heap.length - 1);
      return timer;
    },
    clearTimeout(handle: unknown): void {
      // The slot check also rejects another clock's timers and ones already fired or cleared.
      if (handle instanceof Timer && handle.index >= 0 && heap[handle.index] === handle) remove(handle);
    },
    pending: () => heap.length,
    nextDue: () => heap[0]?.due,
    advanceToNext(): boolean {
      const first = heap[0];
      if (first === undefined) return false;
      if (first.due > now) now = first.due;
      fireUntil(now);
      return true;
    },
    advance(ms: number): void {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new FirstlineError('E_SIMULATION', `virtual clock cannot advance by ${ms} ms`);
      }
      const target = now + ms;
      fireUntil(target);
      now = target;
    },
  };
}

/**
 * A clock for shadow runs that should not sit out their waits (`firstline run --shadow --fast`): virtual,
 * starting at the real time now, so waits, rechecks and retry backoffs pass at once; while real work is
 * in flight (a probe really running, a store write) it follows real time instead, so a probe that hangs
 * still times out after its real timeout.
 */
export function createFastClock(): VirtualClock {
  return Object.assign(createVirtualClock({ startAt: Date.now() }), { followsRealTimeWhileBusy: true });
}

// How often a fast clock looks at real time while real work is in flight.
const BUSY_POLL_MS = 5;

// Turns to wait, with no timer pending, for work that is finishing outside the clock before giving up.
const IDLE_TURNS = 20;

/**
 * Runs a simulation's clock until `done()`: lets pending promise and I/O callbacks settle (one event-loop
 * turn, not a sleep), then jumps to the next timer, and so on. Returns when `done()` is true, when the
 * signal aborts (the caller owns cancellation), or when no timer is pending for a few turns (the caller
 * decides what an unfinished run means). Throws E_SIMULATION after `maxSteps` turns (default 1,000,000).
 * Work waiting on real I/O that takes more than one turn may see virtual time jump meanwhile.
 */
export async function driveVirtualClock(
  clock: VirtualClock,
  done: () => boolean,
  options?: {
    maxSteps?: number;
    signal?: AbortSignal;
    /** True while real I/O the run depends on is in flight (a store write): time must not jump then. */
    busy?: () => boolean;
  },
): Promise<void> {
  const maxSteps = options?.maxSteps ?? 1_000_000;
  const signal = options?.signal;
  const followReal = clock.followsRealTimeWhileBusy === true;
  let idle = 0;
  for (let step = 0; ; step++) {
    if (step >= maxSteps) {
      throw new FirstlineError('E_SIMULATION', `virtual clock did not settle after ${maxSteps} steps`);
    }
    await setImmediate();
    if (done() || signal?.aborted === true) return;
    if (options?.busy?.()) {
      idle = 0;
      if (followReal) {
        // Real work in flight: let real time pass on the clock too, so its timeouts fire as they would.
        const before = Date.now();
        await delay(BUSY_POLL_MS);
        clock.advance(Math.max(0, Date.now() - before));
        step--; // real waiting is bounded by the run's deadline, not by the turn budget
      }
      continue;
    }
    if (clock.pending() === 0) {
      if (++idle >= IDLE_TURNS) return;
      continue;
    }
    idle = 0;
    clock.advanceToNext();
  }
}

import type { Clock } from '@firstline/core';

/** A run waiting for (or holding) one of the queue's slots. */
export interface QueuedRun {
  runId: string;
  playbook: string;
  inputs: Record<string, unknown>;
  /**
   * What shutdown does with it if it has not started: `store` starts it with suspend already fired,
   * so core stores it resumable; `drop` leaves it (a stored run being resumed is stored already).
   */
  onClose: 'store' | 'drop';
  /** Runs it to its outcome (or suspension, when `suspend` fires); never rejects. */
  execute(suspend: AbortSignal): Promise<void>;
}

interface Entry extends QueuedRun {
  state: 'queued' | 'running';
  done: Promise<void>;
  finish: () => void;
}

/** Limits of {@link createRunQueue}. */
export interface RunQueueOptions {
  /** Runs going at once. */
  concurrency: number;
  /** Runs waiting for a slot, beyond those. */
  queueLimit: number;
  /** Times the shutdown's grace period. */
  clock: Clock;
}

/**
 * At most `concurrency` runs at once and a FIFO queue behind them. Callers ask `canTake` before
 * `add`, so nothing is taken that cannot be kept; close() stores what has not started, gives running
 * runs a grace period, then fires their suspend signal and waits until each is stored.
 */
export function createRunQueue(options: RunQueueOptions) {
  const entries = new Map<string, Entry>();
  const waiting: Entry[] = [];
  const working = new Set<Promise<void>>();
  const suspend = new AbortController();
  let running = 0;
  let closed = false;

  const launch = (entry: Entry, signal: AbortSignal) => {
    entry.state = 'running';
    running++;
    const work = entry.execute(signal).finally(() => {
      running--;
      entries.delete(entry.runId);
      working.delete(work);
      entry.finish();
      pump();
    });
    working.add(work);
  };

  const pump = () => {
    while (!closed && running < options.concurrency && waiting.length > 0)
      launch(waiting.shift()!, suspend.signal);
  };

  return {
    /** True once close() was called. */
    get closed() {
      return closed;
    },
    /** Whether `count` more runs fit, in free slots and the queue. */
    canTake: (count: number) =>
      count <= Math.max(0, options.concurrency - running) + Math.max(0, options.queueLimit - waiting.length),
    /** Queues runs (FIFO) and starts as many as there are free slots. `force`: past the queue limit. */
    add(runs: QueuedRun[], { force = false } = {}): void {
      if (closed) return;
      if (!force && !this.canTake(runs.length)) throw new RangeError('the run queue is full');
      for (const run of runs) {
        let finish!: () => void;
        const done = new Promise<void>((resolve) => (finish = resolve));
        const entry: Entry = { ...run, state: 'queued', done, finish };
        entries.set(run.runId, entry);
        waiting.push(entry);
      }
      pump();
    },
    /** A queued or running run. */
    get: (runId: string): (QueuedRun & { state: Entry['state'] }) | undefined => entries.get(runId),
    /** `queued`, `running`, or undefined for a run not here. */
    stateOf: (runId: string) => entries.get(runId)?.state,
    /** Place in the queue (0 is next). */
    positionOf: (runId: string) => waiting.findIndex((entry) => entry.runId === runId),
    /** Ids waiting for a slot, in order. */
    queuedIds: () => waiting.map((entry) => entry.runId),
    /** Resolves when the run has left the queue (ended, suspended or failed); at once for one not here. */
    finished: async (runId: string) => entries.get(runId)?.done,
    /** Counts. */
    load: () => ({ running, queued: waiting.length }),
    /**
     * Takes nothing more; starts every queued run marked `store` with suspend already fired (core
     * stores it, resumable) and drops the others; gives running runs `graceMs` to end, then fires
     * suspend and waits until every one is stored.
     */
    async close(graceMs: number): Promise<void> {
      if (!closed) {
        closed = true;
        for (const entry of waiting.splice(0)) {
          if (entry.onClose === 'store') launch(entry, AbortSignal.abort());
          else {
            entries.delete(entry.runId);
            entry.finish();
          }
        }
      }
      if (graceMs > 0 && working.size > 0) {
        let timer: unknown;
        const grace = new Promise<void>((resolve) => (timer = options.clock.setTimeout(resolve, graceMs)));
        await Promise.race([Promise.allSettled([...working]), grace]);
        options.clock.clearTimeout(timer);
      }
      suspend.abort();
      while (working.size > 0) await Promise.allSettled([...working]);
    },
  };
}

/** The queue behind a run service. */
export type RunQueue = ReturnType<typeof createRunQueue>;

import type { Clock, Logger, RunRecord, RunStore } from '@firstline/core';

/** What {@link createResumer} needs: the store, where to hand due runs, and the host's clock and log. */
export interface ResumerOptions {
  store: RunStore;
  /** Queues a due run's resumption (the run service's `resume`). */
  resume: (record: RunRecord) => void;
  /** True for a run queued or running in this process: never resumed from under itself. */
  isActive: (runId: string) => boolean;
  clock: Clock;
  logger: Logger;
}

/**
 * Finds stored runs that are due, by core's resumeDue rule (status `running`, not a simulation, no
 * wait or a wait that is over), and hands them to the run queue. Not resumeDue itself: it resumes
 * one run after another, each to its end, outside the server's concurrency limit, where a service
 * wants them side by side within it. Sweeps again every `everyMs`, or sooner when a stored wait
 * ends sooner: a run suspended at a wait wakes after start-up, and a replica that died leaves runs
 * in a shared store.
 */
export function createResumer(options: ResumerOptions) {
  const { store, logger, clock } = options;
  let timer: unknown;
  let stopped = false;

  /** One pass; resolves with the earliest future wake time among stored runs, if any. */
  const pass = async (): Promise<number | undefined> => {
    let nextWake: number | undefined;
    for (const runId of await store.list({ status: 'running' })) {
      if (stopped) break;
      if (options.isActive(runId)) continue;
      let record: RunRecord | undefined;
      try {
        record = await store.load(runId);
      } catch (error) {
        logger.error(`cannot read stored run ${runId}: ${(error as Error).message}`, { runId });
        continue;
      }
      if (!record || record.status !== 'running' || record.mode === 'simulate') continue;
      const wake = record.deadlines.wake;
      if (wake !== undefined && wake > clock.now()) {
        nextWake = Math.min(nextWake ?? wake, wake);
        continue;
      }
      logger.info(`resuming stored run ${runId} (${record.playbook.name})`, { runId });
      options.resume(record);
    }
    return nextWake;
  };

  return {
    /**
     * Queues what is due now (resolving once that is done), then sweeps again every `everyMs`
     * (0: never). Sweeping needs a store that leases runs: a run another replica is executing looks
     * just like an interrupted one, and only its held lease keeps this server off it.
     */
    start(everyMs: number): Promise<void> {
      const sweep = everyMs > 0 && store.acquire !== undefined;
      if (everyMs > 0 && !sweep)
        logger.warn(
          'the run store has no leases: stored runs are resumed at start only, not swept for later',
        );
      const tick = (): Promise<void> =>
        pass()
          .catch((error: unknown) => {
            logger.error(`looking for stored runs to resume failed: ${(error as Error).message}`);
            return undefined;
          })
          .then((nextWake) => {
            if (stopped || !sweep) return;
            const soonest =
              nextWake === undefined ? everyMs : Math.min(everyMs, Math.max(0, nextWake - clock.now()));
            timer = clock.setTimeout(() => void tick(), soonest);
          });
      // The caller awaits the first pass: due runs are queued before the first request is served.
      return tick();
    },
    /** Stops sweeping (shutdown). */
    stop(): void {
      stopped = true;
      clock.clearTimeout(timer);
    },
  };
}

import type { Sleep } from '../shared/retry.js';

/** The slice of a Bottleneck group that @octokit/plugin-throttling calls to pace requests. */
export interface PacingGroup {
  /** The limiter for one throttle id. */
  key(id: string): {
    /** Runs `task` when its turn comes. */
    schedule<T>(options: unknown, task: (...args: unknown[]) => Promise<T>, ...args: unknown[]): Promise<T>;
  };
}

/** A group that never waits. */
export const passThroughGroup: PacingGroup = {
  key: () => ({ schedule: (_options, task, ...args) => task(...args) }),
};

/**
 * A group that starts tasks at least `intervalMs` apart (GitHub asks integrations to leave a second
 * between writes, or secondary rate limits follow); 0 disables the pacing.
 */
export function createWriteSpacer(intervalMs: number, sleep: Sleep): PacingGroup {
  if (intervalMs <= 0) return passThroughGroup;
  let nextStart = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const limiter = {
    schedule<T>(_options: unknown, task: (...args: unknown[]) => Promise<T>, ...args: unknown[]): Promise<T> {
      const turn = queue.then(async () => {
        const wait = nextStart - Date.now();
        if (wait > 0) await sleep(wait);
        nextStart = Date.now() + intervalMs;
      });
      queue = turn.catch(() => undefined);
      return turn.then(() => task(...args));
    },
  };
  return { key: () => limiter };
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { FirstlineError } from '../../errors.js';
import { createFileLeases } from './fileLease.js';

/** How {@link createFileMutex} waits for a mutex another process holds. */
export interface FileMutexOptions {
  /** Gives up after this long (default 10 s): a live process holding it that long is stuck. */
  timeoutMs?: number;
  /** Time source for the timeout (default `Date.now`). */
  now?: () => number;
  /** Waits between tries (default a real timer); injected by tests. */
  sleep?: (ms: number) => Promise<void>;
}

let ownerCounter = 0;

/**
 * Exclusive sections over files, across processes: `run(dir, name, fn)` holds `<dir>/<name>.lock` (a
 * file lease, taken over when its process died on this host) while `fn` reads, changes and writes.
 * Callers in this store object queue in memory first, so only other processes are waited for by polling.
 */
export function createFileMutex(options: FileMutexOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const leasesByDir = new Map<string, ReturnType<typeof createFileLeases>>();
  const queues = new Map<string, Promise<unknown>>();

  const take = async (dir: string, name: string, owner: string): Promise<void> => {
    let leases = leasesByDir.get(dir);
    if (!leases) leasesByDir.set(dir, (leases = createFileLeases(dir)));
    const giveUpAt = now() + timeoutMs;
    for (let pause = 1; !(await leases.acquire(name, owner)); pause = Math.min(pause * 2, 50)) {
      if (now() >= giveUpAt) {
        const file = join(dir, `${name}.lock`);
        const holder = await readFile(file, 'utf8').catch(() => 'unreadable');
        throw new FirstlineError(
          'E_STORE',
          `${file} has been held for over ${timeoutMs} ms (by ${holder}); if that process is gone from another host, delete the file`,
        );
      }
      // Jittered, so processes polling one mutex do not retry in lockstep.
      await sleep(pause + Math.floor(Math.random() * pause));
    }
  };

  return {
    /** Runs `fn` holding the mutex `<dir>/<name>.lock`; releases it however `fn` ends. */
    run<T>(dir: string, name: string, fn: () => Promise<T>): Promise<T> {
      const id = join(dir, name);
      const task = async () => {
        const owner = `mutex:${process.pid}:${ownerCounter++}`;
        await take(dir, name, owner);
        try {
          return await fn();
        } finally {
          await leasesByDir.get(dir)?.release(name, owner);
        }
      };
      const previous = queues.get(id) ?? Promise.resolve();
      const current = previous.then(task, task);
      queues.set(id, current);
      const forget = () => {
        if (queues.get(id) === current) queues.delete(id);
      };
      void current.then(forget, forget);
      return current;
    },
  };
}

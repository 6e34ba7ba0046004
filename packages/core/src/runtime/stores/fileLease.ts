import { hostname } from 'node:os';
import { join } from 'node:path';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { FirstlineError } from '../../errors.js';

/** What a lease file says: who holds the run, and which process on which host. */
interface LeaseFile {
  owner: string;
  pid: number;
  host: string;
}

let leaseCounter = 0;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Leases for the file store: `<dir>/<runId>.lock`, created complete and atomically (written to a temp
 * file, then hard-linked into place, which fails when the lock exists). A lock left by a process that
 * died on this host is taken over; one held by a live process, or by another host, is respected.
 */
export function createFileLeases(dir: string) {
  const lockOf = (runId: string) => join(dir, `${runId}.lock`);

  const read = async (runId: string): Promise<LeaseFile | undefined> => {
    try {
      return JSON.parse(await readFile(lockOf(runId), 'utf8')) as LeaseFile;
    } catch {
      return undefined;
    }
  };

  const tryCreate = async (runId: string, owner: string): Promise<boolean> => {
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `${runId}.${process.pid}.${leaseCounter++}.lock.tmp`);
    const lease: LeaseFile = { owner, pid: process.pid, host: hostname() };
    await writeFile(temp, JSON.stringify(lease), { flag: 'wx' });
    try {
      await link(temp, lockOf(runId));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new FirstlineError('E_STORE', `cannot take the lease of run ${runId} in ${dir}`, {
        cause: error,
      });
    } finally {
      await rm(temp, { force: true });
    }
  };

  return {
    async acquire(runId: string, owner: string): Promise<boolean> {
      for (let tries = 0; tries < 2; tries++) {
        if (await tryCreate(runId, owner)) return true;
        const held = await read(runId);
        if (held?.owner === owner) return true;
        const stale = held !== undefined && held.host === hostname() && !processAlive(held.pid);
        if (!stale) return false;
        await rm(lockOf(runId), { force: true });
      }
      return false;
    },
    async release(runId: string, owner: string): Promise<void> {
      if ((await read(runId))?.owner === owner) await rm(lockOf(runId), { force: true });
    },
  };
}

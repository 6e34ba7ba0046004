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

// Only a lease of a process that died on this host can be judged dead; another host's is respected.
const isStale = (held: LeaseFile) => held.host === hostname() && !processAlive(held.pid);

const sameLease = (a: LeaseFile, b: LeaseFile) => a.owner === b.owner && a.pid === b.pid && a.host === b.host;

/**
 * Leases for the file store: `<dir>/<name>.lock`, created complete and atomically (written to a temp
 * file, then hard-linked into place, which fails when the lock exists). A lock left by a process that
 * died on this host is taken over; one held by a live process, or by another host, is respected.
 * Names must be safe file names (run ids, hex digests).
 */
export function createFileLeases(dir: string) {
  const lockOf = (name: string) => join(dir, `${name}.lock`);
  // `~` is in no run id or digest, so a guard never shares a name with a lease.
  const guardOf = (name: string) => `${name}~takeover`;

  /** The lease file, `undefined` when there is none, or `'unreadable'` (being written by other means). */
  const read = async (name: string): Promise<LeaseFile | undefined | 'unreadable'> => {
    let text: string;
    try {
      text = await readFile(lockOf(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return 'unreadable';
    }
    try {
      return JSON.parse(text) as LeaseFile;
    } catch {
      return 'unreadable';
    }
  };

  const tryCreate = async (name: string, owner: string): Promise<boolean> => {
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `${name}.${process.pid}.${leaseCounter++}.lock.tmp`);
    const lease: LeaseFile = { owner, pid: process.pid, host: hostname() };
    await writeFile(temp, JSON.stringify(lease), { flag: 'wx' });
    try {
      await link(temp, lockOf(name));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new FirstlineError('E_STORE', `cannot take the lease ${lockOf(name)}`, { cause: error });
    } finally {
      await rm(temp, { force: true });
    }
  };

  // Two processes finding the same dead lease must not both remove it: the second would remove the
  // fresh lease the first just made. So a takeover holds a guard lease and removes the dead lease only
  // if it is still the very one judged dead. A guard left by a process that died mid-takeover is cleared.
  const takeOver = async (name: string, dead: LeaseFile): Promise<void> => {
    const guard = guardOf(name);
    if (!(await tryCreate(guard, `takeover:${process.pid}:${leaseCounter++}`))) {
      const holder = await read(guard);
      if (typeof holder === 'object' && isStale(holder)) await rm(lockOf(guard), { force: true });
      return;
    }
    try {
      const current = await read(name);
      if (typeof current === 'object' && sameLease(current, dead)) await rm(lockOf(name), { force: true });
    } finally {
      await rm(lockOf(guard), { force: true });
    }
  };

  return {
    /** Takes the lease for `owner`; true when it now holds it (or held it already). */
    async acquire(name: string, owner: string): Promise<boolean> {
      for (let tries = 0; tries < 3; tries++) {
        if (await tryCreate(name, owner)) return true;
        const held = await read(name);
        if (held === undefined) continue; // released meanwhile: try again
        if (held === 'unreadable') return false;
        if (held.owner === owner) return true;
        if (!isStale(held)) return false;
        await takeOver(name, held);
      }
      return false;
    },
    /** Who holds the lease, if a live process does (held for as long as it lives: no expiry). */
    async holder(name: string): Promise<{ owner: string } | undefined> {
      const held = await read(name);
      return typeof held === 'object' && !isStale(held) ? { owner: held.owner } : undefined;
    },
    /** Gives the lease back, if `owner` holds it. */
    async release(name: string, owner: string): Promise<void> {
      const held = await read(name);
      if (typeof held === 'object' && held.owner === owner) await rm(lockOf(name), { force: true });
    },
  };
}

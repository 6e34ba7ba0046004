import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FirstlineError } from '../../errors.js';
import type { BudgetResult, BudgetUse, LockResult } from '../types.js';
import { applySpend, checkBudgetUse } from './budget.js';
import type { BudgetState } from './budget.js';
import { createFileMutex } from './fileMutex.js';
import type { FileMutexOptions } from './fileMutex.js';

/** A resource lock as stored in `<dir>/locks/<digest>.json`. */
interface LockFile {
  key: string;
  owner: string;
  expiresAt: number;
}

/** A budget as stored in `<dir>/budgets/<digest>.json`. */
interface BudgetFile extends BudgetState {
  key: string;
}

let tempCounter = 0;

// Keys may hold any character (`/`, `..`, NUL, emoji): files are named by digest, the key kept inside.
const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

function storeError(message: string, cause: unknown): FirstlineError {
  return new FirstlineError('E_STORE', message, { cause });
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.${tempCounter++}.tmp`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw storeError(`cannot write ${file}`, error);
  }
}

async function readJson<T extends { key: string }>(file: string, key: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw storeError(`cannot read ${file}`, error);
  }
  let data: T;
  try {
    data = JSON.parse(text) as T;
  } catch (error) {
    throw storeError(`${file} is not valid JSON: delete it to reset it`, error);
  }
  if (data.key !== key) throw new FirstlineError('E_STORE', `${file} does not hold ${JSON.stringify(key)}`);
  return data;
}

/**
 * The file store's claims, resource locks and budgets: `<dir>/claims/<runId>/`, `<dir>/locks/` and
 * `<dir>/budgets/`. A claim is a file created exclusively; a lock or budget is read, changed and
 * rewritten atomically under a cross-process mutex, so processes sharing the directory agree.
 */
export function createFileSafety(dir: string, mutexOptions?: FileMutexOptions) {
  const mutex = createFileMutex(mutexOptions);
  const locksDir = join(dir, 'locks');
  const budgetsDir = join(dir, 'budgets');
  const claimsOf = (runId: string) => join(dir, 'claims', runId);

  const guarded = async <T>(area: string, key: string, fn: (file: string) => Promise<T>): Promise<T> => {
    const name = digest(key);
    try {
      await mkdir(area, { recursive: true });
    } catch (error) {
      throw storeError(`cannot create ${area}`, error);
    }
    return mutex.run(area, name, () => fn(join(area, `${name}.json`)));
  };

  return {
    /** Creates the claim file; false when it exists. `runId` must already be a checked run id. */
    async claim(runId: string, key: string): Promise<boolean> {
      const file = join(claimsOf(runId), `${digest(key)}.json`);
      for (let tries = 0; ; tries++) {
        try {
          await mkdir(claimsOf(runId), { recursive: true });
          // Exclusive create: the file's existence is the claim, whatever a crash leaves inside it.
          await writeFile(file, JSON.stringify({ key, pid: process.pid }), { flag: 'wx' });
          return true;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') return false;
          // The empty claims directory was removed between mkdir and the write (another run ended).
          if (code === 'ENOENT' && tries < 3) continue;
          throw storeError(`cannot claim ${JSON.stringify(key)} in ${file}`, error);
        }
      }
    },
    /** Forgets the claims of a run that ended or was deleted. */
    async forgetRun(runId: string): Promise<void> {
      try {
        await rm(claimsOf(runId), { recursive: true, force: true });
      } catch (error) {
        throw storeError(`cannot delete ${claimsOf(runId)}`, error);
      }
      // Only when empty: another run may be claiming meanwhile (its claim retries if this wins the race).
      await rmdir(join(dir, 'claims')).catch(() => undefined);
    },
    lock(key: string, owner: string, expiresAt: number, now: number): Promise<LockResult> {
      return guarded(locksDir, key, async (file) => {
        const held = await readJson<LockFile>(file, key);
        if (held && held.owner !== owner && held.expiresAt > now)
          return { acquired: false, holder: held.owner, expiresAt: held.expiresAt };
        await writeAtomically(file, JSON.stringify({ key, owner, expiresAt } satisfies LockFile));
        return { acquired: true };
      });
    },
    unlock(key: string, owner: string): Promise<void> {
      return guarded(locksDir, key, async (file) => {
        if ((await readJson<LockFile>(file, key))?.owner !== owner) return;
        try {
          await rm(file, { force: true });
        } catch (error) {
          throw storeError(`cannot remove ${file}`, error);
        }
      });
    },
    async spend(key: string, use: BudgetUse): Promise<BudgetResult> {
      checkBudgetUse(key, use);
      return guarded(budgetsDir, key, async (file) => {
        const { result, next } = applySpend(await readJson<BudgetFile>(file, key), use);
        if (next) await writeAtomically(file, JSON.stringify({ key, ...next } satisfies BudgetFile));
        return result;
      });
    },
  };
}

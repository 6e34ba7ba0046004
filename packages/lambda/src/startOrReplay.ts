import { createHash } from 'node:crypto';
import { isFirstlineError, resumeRun, runPlaybook } from '@firstline/core';
import type { CompiledPlaybook, RunOptions, RunRecord, RunResult, RunStore } from '@firstline/core';

/** What a run needs besides the playbook: the host's services and this invocation's time budget. */
export type RunHost = Omit<RunOptions, 'input' | 'trigger' | 'mode' | 'runId' | 'outcomes' | 'store'> & {
  store: RunStore;
};

/** A run's result, and whether the run already existed (a redelivered message). */
export interface StartedRun {
  result: RunResult;
  replayed: boolean;
}

/**
 * Starts a run, or, when its id already names one (a redelivered message, a retried invocation),
 * resumes that run or returns its stored outcome: one notification never starts two runs. A queued
 * run that was only skipped for a held lock (nothing ran) is started afresh instead of replayed.
 */
export async function startOrReplay(
  compiled: CompiledPlaybook,
  run: Pick<RunOptions, 'input' | 'trigger' | 'mode' | 'runId'>,
  host: RunHost,
): Promise<StartedRun> {
  const options: RunOptions = { ...host, ...run };
  try {
    return { result: await runPlaybook(compiled, options), replayed: false };
  } catch (error) {
    // E_RUN_CONFLICT: the run exists. (E_RUN_BUSY, its lease held elsewhere right now, is left to the
    // caller: that invocation is running it, and a retry later finds it stored.)
    const runId = run.runId;
    if (!isFirstlineError(error) || error.code !== 'E_RUN_CONFLICT' || runId === undefined) throw error;
    const record = await host.store.load(runId);
    if (!record) throw error;
    if (whenLocked(compiled) === 'queue' && isLockSkip(record)) {
      await host.store.delete(runId);
      return { result: await runPlaybook(compiled, options), replayed: false };
    }
    const { input: _input, trigger: _trigger, ...resume } = options;
    return { result: await resumeRun(runId, { ...resume, store: host.store }), replayed: true };
  }
}

/** The playbook's `lock.whenLocked` (skip by default). */
export function whenLocked(compiled: CompiledPlaybook): 'skip' | 'queue' {
  const lock = (compiled.document as { lock?: { whenLocked?: string } }).lock;
  return lock?.whenLocked === 'queue' ? 'queue' : 'skip';
}

/** A finished run that did nothing at all: skipped at the start because another run held the lock. */
function isLockSkip(record: RunRecord): boolean {
  return record.status === 'done' && record.skipped?.reason === 'lock' && record.journal.length === 0;
}

const RUN_ID_LIMIT = 200;

/**
 * A run id made from a notification's id: the same message delivered again names the same run. Only
 * the characters every store accepts; an id too long for them is shortened with a hash.
 */
export function runIdFor(playbook: string, dedupId: string): string {
  const id = `${playbook}-${dedupId}`.replace(/[^A-Za-z0-9._-]/g, '_');
  if (id.length <= RUN_ID_LIMIT) return id;
  const hash = createHash('sha256').update(`${playbook}\u0000${dedupId}`).digest('hex').slice(0, 32);
  return `${id.slice(0, RUN_ID_LIMIT - hash.length - 1)}-${hash}`;
}

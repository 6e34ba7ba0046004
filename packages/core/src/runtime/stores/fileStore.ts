import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunId, isRunId } from '../../data/runId.js';
import { FirstlineError } from '../../errors.js';
import type { RunRecord, RunStore } from '../types.js';
import { runListing } from '../listing/runListing.js';
import { checkRunQuery, pageOfListings } from '../listing/runQuery.js';
import { createFileLeases } from './fileLease.js';
import { LISTING_FIELD, readListings } from './fileListing.js';
import { appendDurably, LOG_FIELD, logLine, readLog, replayLog } from './fileLog.js';
import type { LogState } from './fileLog.js';
import { createFileSafety } from './fileSafety.js';

// How many records `list` reads at a time when filtering by status.
const LIST_BATCH = 64;

// Shared by every store in the process, so two stores on one directory never pick the same temp name.
let tempCounter = 0;

// A run's change log is compacted into its record file after this many lines, or this many bytes.
const COMPACT_LINES = 16;
const COMPACT_BYTES = 256 * 1024;
// How many runs' log states a store remembers; a run forgotten gets a whole write next (safe, slower).
const STATES_KEPT = 10_000;

/** A log state as projected by the writes queued so far; `failed` once one of them failed. */
interface Projected extends LogState {
  failed?: boolean;
}

function errorCode(error: unknown): unknown {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * A {@link RunStore} keeping one JSON file per run, `<dir>/<runId>.json`, so runs survive the process.
 * Each save goes to a temp file that is flushed to disk and then renamed over the record, so a crash
 * leaves the old record or the new one; saves and deletes of one run apply in call order. A save of
 * changes appends one line to `<dir>/<runId>.log` and flushes it; `load` replays the log over the
 * record (a line torn by a crash is ignored), and every 16 lines, and when the run ends or is handed
 * back, the log is compacted into the record file. Claims,
 * resource locks and budgets live beside the records (`claims/`, `locks/`, `budgets/`) and hold across
 * every process sharing the directory on one host.
 */
export function createFileStore(dir: string): RunStore {
  const pathOf = (runId: string) => join(dir, `${runId}.json`);
  const logOf = (runId: string) => join(dir, `${runId}.log`);
  // What the record and log files of each run hold, as projected by the writes queued so far.
  const states = new Map<string, Projected>();
  const project = (runId: string, state: Projected) => {
    states.delete(runId);
    states.set(runId, state);
    if (states.size > STATES_KEPT) states.delete(states.keys().next().value!);
  };
  const leases = createFileLeases(dir);
  const safety = createFileSafety(dir);
  // The last queued write per run: a later save waits for earlier ones, so an older write never wins.
  const queues = new Map<string, Promise<void>>();
  let dirReady: Promise<unknown> | undefined;

  // Made on the first save, not at creation: a store that is only read never creates directories.
  const ensureDir = () =>
    (dirReady ??= mkdir(dir, { recursive: true }).catch((error: unknown) => {
      dirReady = undefined;
      throw new FirstlineError('E_STORE', `cannot create the run directory ${dir}`, { cause: error });
    }));

  const enqueue = (runId: string, task: () => Promise<void>): Promise<void> => {
    const previous = queues.get(runId) ?? Promise.resolve();
    // A failed write does not block later ones; its caller already gets the failure.
    const current = previous.then(task, task);
    queues.set(runId, current);
    const forget = () => {
      if (queues.get(runId) === current) queues.delete(runId);
    };
    void current.then(forget, forget);
    return current;
  };

  const writeAtomically = async (runId: string, text: string, retry = true): Promise<void> => {
    await ensureDir();
    const temp = join(dir, `${runId}.${process.pid}.${tempCounter++}.tmp`);
    let handle;
    try {
      handle = await open(temp, 'wx');
    } catch (error) {
      // The directory was removed after we made it: make it again, once.
      if (retry && errorCode(error) === 'ENOENT') {
        dirReady = undefined;
        return writeAtomically(runId, text, false);
      }
      throw new FirstlineError('E_STORE', `cannot write run ${runId} in ${dir}`, { cause: error });
    }
    try {
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, pathOf(runId));
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw new FirstlineError('E_STORE', `cannot write run ${runId} to ${pathOf(runId)}`, { cause: error });
    }
  };

  const load = async (runId: string): Promise<RunRecord | undefined> => {
    const file = pathOf(checkRunId(runId));
    // The log before the record: a compaction in between leaves lines the record's generation ignores.
    const log = await readLog(logOf(runId));
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new FirstlineError('E_STORE', `cannot read ${file}`, { cause: error });
    }
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      throw new FirstlineError('E_STORE', `${file} is not valid JSON: the run record is corrupt`, {
        cause: error,
      });
    }
    const shape = record as Partial<RunRecord> | null;
    if (typeof shape !== 'object' || shape === null || shape.version !== 1 || shape.runId !== runId) {
      throw new FirstlineError('E_STORE', `${file} does not hold a version 1 record of run ${runId}`);
    }
    const generation = (shape as Record<string, unknown>)[LOG_FIELD];
    delete (shape as Record<string, unknown>)[LOG_FIELD];
    delete (shape as Record<string, unknown>)[LISTING_FIELD];
    // A record written before change logs has no generation: its next write is a whole one.
    if (typeof generation !== 'string') return record as RunRecord;
    const state = replayLog(record as RunRecord, log, generation, logOf(runId));
    // Only when no write is queued: the files read may be older than what is projected.
    if (!queues.has(runId)) project(runId, state);
    return record as RunRecord;
  };

  // The whole record, with a new log generation; the old log is removed once the record is in place.
  const saveWhole = (record: RunRecord): Promise<void> => {
    let runId: string;
    let text: string;
    const generation = randomUUID();
    try {
      runId = checkRunId(record.runId);
      // Serialized now: the caller may change the record while the write waits its turn. Its listing
      // comes first, alone on the first line, so a list of runs reads that line and not the trace.
      const rest = JSON.stringify({ ...record, [LOG_FIELD]: generation });
      text = `{"${LISTING_FIELD}":${JSON.stringify(runListing(record))},\n${rest.slice(1)}`;
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const done = record.status === 'done';
    const state: Projected = {
      generation,
      lines: 0,
      bytes: 0,
      journal: record.journal.length,
      trace: record.trace.length,
      clean: true,
    };
    project(runId, state);
    return enqueue(runId, async () => {
      try {
        await writeAtomically(runId, text);
      } catch (error) {
        state.failed = true;
        throw error;
      }
      // Its lines are of another generation now: removing them only saves replaying nothing.
      await rm(logOf(runId), { force: true }).catch(() => {});
      // A finished run starts nothing more: its claims are only clutter now.
      if (done) await safety.forgetRun(runId);
    });
  };

  // One line appended to the run's log, following the state projected by the writes before it.
  const appendChange = (runId: string, previous: Projected, next: Projected, line: string) =>
    enqueue(runId, async () => {
      try {
        if (previous.failed)
          throw new FirstlineError('E_STORE', `run ${runId}: not written, as the write before it failed`);
        await ensureDir();
        await appendDurably(logOf(runId), line);
      } catch (error) {
        next.failed = true;
        if (states.get(runId) === next) states.delete(runId);
        throw error instanceof FirstlineError
          ? error
          : new FirstlineError('E_STORE', `cannot append to ${logOf(runId)}`, { cause: error });
      }
    });

  const runIds = async (): Promise<string[]> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw new FirstlineError('E_STORE', `cannot list runs in ${dir}`, { cause: error });
    }
    // Temp files of a crashed writer and anything not named like a record are not runs.
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter(isRunId)
      .sort();
  };

  return {
    save: saveWhole,
    saveChanges(record, change) {
      const previous = states.get(record.runId);
      const whole =
        previous === undefined ||
        previous.failed === true ||
        !previous.clean ||
        previous.journal !== change.base.journal ||
        previous.trace !== change.base.trace ||
        previous.lines >= COMPACT_LINES ||
        previous.bytes >= COMPACT_BYTES ||
        // The end of the run, or of this host's part in it (handed back): `<runId>.json` is then whole,
        // for whoever reads the file itself.
        record.status === 'done' ||
        change.trace.some((event) => event.type === 'run.suspend');
      if (whole) return saveWhole(record);
      let line: string;
      try {
        // Serialized now, as a whole save is.
        line = logLine(previous.generation, previous.lines + 1, JSON.stringify(change));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      const next: Projected = {
        ...previous,
        lines: previous.lines + 1,
        bytes: previous.bytes + Buffer.byteLength(line),
        journal: previous.journal + change.journal.length,
        trace: previous.trace + change.trace.length,
      };
      project(record.runId, next);
      return appendChange(record.runId, previous, next, line);
    },
    load,
    async listRuns(query) {
      const checked = checkRunQuery(query);
      const ids = await runIds();
      const listings = await readListings(dir, ids, {
        batch: LIST_BATCH,
        busy: (runId) => queues.has(runId),
        load,
      });
      return pageOfListings(listings, checked);
    },
    async list(filter) {
      const ids = await runIds();
      const status = filter?.status;
      if (status === undefined) return ids;
      const matching: string[] = [];
      // In batches: thousands of runs read at once would run out of file descriptors.
      for (let start = 0; start < ids.length; start += LIST_BATCH) {
        const batch = ids.slice(start, start + LIST_BATCH);
        const records = await Promise.all(batch.map(load));
        batch.forEach((runId, i) => {
          if (records[i]?.status === status) matching.push(runId);
        });
      }
      return matching;
    },
    acquire: (runId, owner) => Promise.resolve().then(() => leases.acquire(checkRunId(runId), owner)),
    release: (runId, owner) => Promise.resolve().then(() => leases.release(checkRunId(runId), owner)),
    leaseHolder: (runId) => Promise.resolve().then(() => leases.holder(checkRunId(runId))),
    claim: (runId, key) => Promise.resolve().then(() => safety.claim(checkRunId(runId), key)),
    lock: (key, owner, expiresAt, now) => safety.lock(key, owner, expiresAt, now),
    unlock: (key, owner) => safety.unlock(key, owner),
    spend: (key, use) => Promise.resolve().then(() => safety.spend(key, use)),
    delete(runId) {
      try {
        checkRunId(runId);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      states.delete(runId);
      return enqueue(runId, async () => {
        try {
          await rm(pathOf(runId), { force: true });
          await rm(logOf(runId), { force: true });
        } catch (error) {
          throw new FirstlineError('E_STORE', `cannot delete ${pathOf(runId)}`, { cause: error });
        }
        // After the record: were the record to stay, its claims must too, or a resume could repeat a reboot.
        await safety.forgetRun(runId);
      });
    },
  };
}

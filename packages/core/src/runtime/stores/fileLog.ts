import { open, readFile } from 'node:fs/promises';
import { FirstlineError } from '../../errors.js';
import type { RunRecord, RunRecordChange } from '../types.js';
import { applyRecordChange, checkRecordChange } from './recordChange.js';

/**
 * The field of a record file naming the generation of its change log: lines of another generation
 * (left by a crash between writing a compacted record and removing the old log) are not replayed.
 */
export const LOG_FIELD = 'changeLog';

/** What the file store knows of a run's files after reading or writing them. */
export interface LogState {
  /** The generation in the record file. */
  generation: string;
  /** Lines of that generation in the log. */
  lines: number;
  /** Bytes in the log file. */
  bytes: number;
  /** The record's journal and trace lengths with the log applied. */
  journal: number;
  trace: number;
  /** False when the log holds something not replayed (a torn line, another generation's): compact it. */
  clean: boolean;
}

/** One line of the log: `{"log":<generation>,"seq":<n>,"change":{…}}` and a newline. */
export function logLine(generation: string, seq: number, changeJson: string): string {
  return `{"log":${JSON.stringify(generation)},"seq":${seq},"change":${changeJson}}\n`;
}

/** Appends `text` to the file at `path` (created if missing) and flushes it to disk before resolving. */
export async function appendDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'a');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The log's text, or '' when there is none. */
export async function readLog(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new FirstlineError('E_STORE', `cannot read ${path}`, { cause: error });
  }
}

/**
 * Applies the log's changes of `generation` to `record`, in order. A line that does not parse (the
 * torn last line of a crashed append), or of another generation, is skipped; a line out of sequence,
 * or not following the record as replayed so far, ends the replay (what follows it cannot apply).
 * Either way the state says the log is not clean, so the next write compacts it.
 */
export function replayLog(record: RunRecord, text: string, generation: string, path: string): LogState {
  const state: LogState = {
    generation,
    lines: 0,
    bytes: Buffer.byteLength(text),
    journal: record.journal.length,
    trace: record.trace.length,
    clean: true,
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let parsed: { log?: unknown; seq?: unknown; change?: unknown };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      state.clean = false;
      continue;
    }
    if (parsed.log !== generation) {
      state.clean = false;
      continue;
    }
    let change: RunRecordChange;
    try {
      if (parsed.seq !== state.lines + 1) throw new Error('out of sequence');
      change = checkRecordChange(parsed.change, `a line of ${path}`);
      applyRecordChange(record, change);
    } catch {
      state.clean = false;
      break;
    }
    state.lines++;
    state.journal = record.journal.length;
    state.trace = record.trace.length;
  }
  return state;
}

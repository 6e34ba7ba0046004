import { FirstlineError } from '../../errors.js';
import type { RunRecord, RunRecordChange, RunRecordField } from '../types.js';

// Keyed by every field, so a field added to RunRecord and forgotten here does not typecheck.
const FIELDS: Record<RunRecordField, true> = {
  status: true,
  mode: true,
  playbook: true,
  inputs: true,
  trigger: true,
  snapshot: true,
  deadlines: true,
  createdAt: true,
  updatedAt: true,
  outcome: true,
  lock: true,
  skipped: true,
  approval: true,
};

/** Every top-level field a save may replace, in the record's order. */
export const RECORD_FIELDS: readonly RunRecordField[] = Object.keys(FIELDS) as RunRecordField[];

const isField = (name: unknown): name is RunRecordField =>
  typeof name === 'string' && (RECORD_FIELDS as readonly string[]).includes(name);

/**
 * Applies `change` to `record` in place (journal and trace appended, fields replaced or removed) and
 * returns it. Throws E_STORE when the record is not the one the change follows (its journal or trace
 * length differs from the change's base): replaying it would mix two histories.
 */
export function applyRecordChange(record: RunRecord, change: RunRecordChange): RunRecord {
  const { base } = change;
  if (record.journal.length !== base.journal || record.trace.length !== base.trace)
    throw new FirstlineError(
      'E_STORE',
      `run ${record.runId}: a stored change follows a journal of ${base.journal} and a trace of ${base.trace}, but the record has ${record.journal.length} and ${record.trace.length}`,
    );
  for (const entry of change.journal) record.journal.push(entry);
  for (const event of change.trace) record.trace.push(event);
  const fields = record as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(change.set)) fields[name] = value;
  for (const name of change.unset) delete fields[name];
  return record;
}

/**
 * The change in parsed JSON `value`, checked for shape (not for content: the record it applies to is
 * checked by {@link applyRecordChange}); throws E_STORE naming `where` when it is not one.
 */
export function checkRecordChange(value: unknown, where: string): RunRecordChange {
  const change = value as Partial<RunRecordChange> | null;
  const ok =
    typeof change === 'object' &&
    change !== null &&
    typeof change.base?.journal === 'number' &&
    typeof change.base.trace === 'number' &&
    Array.isArray(change.journal) &&
    Array.isArray(change.trace) &&
    typeof change.set === 'object' &&
    change.set !== null &&
    Object.keys(change.set).every(isField) &&
    Array.isArray(change.unset) &&
    change.unset.every(isField);
  if (!ok) throw new FirstlineError('E_STORE', `${where} is not a run record change: the store is corrupt`);
  return change as RunRecordChange;
}

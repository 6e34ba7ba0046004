import type { RunRecord, RunStore } from '../types.js';
import { checkRunQuery, pageOfListings } from '../listing/runQuery.js';
import { runListing } from '../listing/runListing.js';
import { applySpend, checkBudgetUse } from './budget.js';
import type { BudgetState } from './budget.js';
import { applyRecordChange } from './recordChange.js';

// Runs `fn` now, turning a throw into a rejection so callers see one failure path, as with the file store.
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * A {@link RunStore} in this process's memory, for tests, simulations and single-process hosts. It
 * keeps copies: changing a record after saving it, or a record returned by `load`, does not change
 * what is stored. A save of changes copies only what changed, appending to the stored journal and
 * trace. Its locks, budgets and claims hold for every run sharing this store object.
 */
export function createMemoryStore(): RunStore {
  const records = new Map<string, RunRecord>();
  const leases = new Map<string, string>();
  const claims = new Map<string, Set<string>>();
  const locks = new Map<string, { owner: string; expiresAt: number }>();
  const budgets = new Map<string, BudgetState>();
  return {
    save: (record) =>
      settle(() => {
        records.set(record.runId, structuredClone(record));
        // A finished run starts nothing more: its claims are only clutter now.
        if (record.status === 'done') claims.delete(record.runId);
      }),
    saveChanges: (record, change) =>
      settle(() => {
        const stored = records.get(record.runId);
        const { base } = change;
        // Not the record the change follows (never saved here, or deleted since): all of it, then.
        if (stored?.journal.length !== base.journal || stored.trace.length !== base.trace)
          records.set(record.runId, structuredClone(record));
        // The stored record is this store's own: only the change is copied into it, atomically.
        else applyRecordChange(stored, structuredClone(change));
        if (record.status === 'done') claims.delete(record.runId);
      }),
    load: (runId) =>
      settle(() => {
        const record = records.get(runId);
        return record === undefined ? undefined : structuredClone(record);
      }),
    list: (filter) =>
      settle(() => {
        const ids: string[] = [];
        for (const [runId, record] of records) {
          if (filter?.status === undefined || record.status === filter.status) ids.push(runId);
        }
        return ids.sort();
      }),
    listRuns: (query) =>
      settle(() => {
        const checked = checkRunQuery(query);
        return pageOfListings(
          [...records.values()].map((record) => runListing(record)),
          checked,
        );
      }),
    // Its claims go too: a run started again under this id must be able to act.
    delete: (runId) =>
      settle(() => {
        records.delete(runId);
        claims.delete(runId);
      }),
    acquire: (runId, owner) =>
      settle(() => {
        const holder = leases.get(runId);
        if (holder !== undefined && holder !== owner) return false;
        leases.set(runId, owner);
        return true;
      }),
    leaseHolder: (runId) =>
      settle(() => {
        const owner = leases.get(runId);
        return owner === undefined ? undefined : { owner };
      }),
    release: (runId, owner) =>
      settle(() => {
        if (leases.get(runId) === owner) leases.delete(runId);
      }),
    claim: (runId, key) =>
      settle(() => {
        const claimed = claims.get(runId) ?? new Set<string>();
        claims.set(runId, claimed);
        if (claimed.has(key)) return false;
        claimed.add(key);
        return true;
      }),
    lock: (key, owner, expiresAt, now) =>
      settle(() => {
        const held = locks.get(key);
        if (held && held.owner !== owner && held.expiresAt > now)
          return { acquired: false as const, holder: held.owner, expiresAt: held.expiresAt };
        locks.set(key, { owner, expiresAt });
        return { acquired: true as const };
      }),
    unlock: (key, owner) =>
      settle(() => {
        if (locks.get(key)?.owner === owner) locks.delete(key);
      }),
    spend: (key, use) =>
      settle(() => {
        checkBudgetUse(key, use);
        const { result, next } = applySpend(budgets.get(key), use);
        if (next) budgets.set(key, next);
        return result;
      }),
  };
}

import type { RunRecord, RunStore } from '../types.js';

// Runs `fn` now, turning a throw into a rejection so callers see one failure path, as with the file store.
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * A {@link RunStore} in this process's memory, for tests and simulations. It keeps copies: changing a
 * record after saving it, or a record returned by `load`, does not change what is stored.
 */
export function createMemoryStore(): RunStore {
  const records = new Map<string, RunRecord>();
  const leases = new Map<string, string>();
  return {
    save: (record) => settle(() => void records.set(record.runId, structuredClone(record))),
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
    delete: (runId) => settle(() => void records.delete(runId)),
    acquire: (runId, owner) =>
      settle(() => {
        const holder = leases.get(runId);
        if (holder !== undefined && holder !== owner) return false;
        leases.set(runId, owner);
        return true;
      }),
    release: (runId, owner) =>
      settle(() => {
        if (leases.get(runId) === owner) leases.delete(runId);
      }),
  };
}

import { checkRunQuery, FirstlineError, pageOfListings, runListing } from '@firstline/core';
import type { BudgetUse, LockResult, RunRecord, RunStore } from '@firstline/core';

/** The few operations of a key-value database the store needs; each one is atomic. */
export interface KeyValue {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /** Sets the key only if it is absent; true when it did. */
  setIfAbsent(key: string, value: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  keys(prefix: string): Promise<string[]>;
  /** Runs `fn` alone for this key: no other `exclusive` call for the key runs meanwhile. */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** A RunStore over a key-value database: records as JSON text, leases, claims, locks and budgets as keys. */
export function kvRunStore(kv: KeyValue): RunStore {
  const read = async <T>(key: string): Promise<T | undefined> => {
    const text = await kv.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  };
  return {
    save: (record) => kv.set(`run/${record.runId}`, JSON.stringify(record)),
    load: (runId) => read<RunRecord>(`run/${runId}`),
    async list(filter) {
      const ids: string[] = [];
      for (const key of await kv.keys('run/')) {
        const record = (await read<RunRecord>(key))!;
        if (filter?.status === undefined || record.status === filter.status) ids.push(record.runId);
      }
      return ids.sort();
    },
    // Core checks the query and pages the listings; a database with an index would query it instead.
    async listRuns(query) {
      const checked = checkRunQuery(query);
      const listings = [];
      for (const key of await kv.keys('run/')) listings.push(runListing((await read<RunRecord>(key))!));
      return pageOfListings(listings, checked);
    },
    async delete(runId) {
      await kv.delete(`run/${runId}`);
      for (const key of await kv.keys(`claim/${runId}/`)) await kv.delete(key);
    },
    acquire: (runId, owner) =>
      kv.exclusive(`lease/${runId}`, async () => {
        const holder = await kv.get(`lease/${runId}`);
        if (holder !== undefined && holder !== owner) return false;
        await kv.set(`lease/${runId}`, owner);
        return true;
      }),
    release: (runId, owner) =>
      kv.exclusive(`lease/${runId}`, async () => {
        if ((await kv.get(`lease/${runId}`)) === owner) await kv.delete(`lease/${runId}`);
      }),
    async leaseHolder(runId) {
      const owner = await kv.get(`lease/${runId}`);
      return owner === undefined ? undefined : { owner };
    },
    claim: (runId, key) => kv.setIfAbsent(`claim/${runId}/${key}`, '1'),
    lock: (key, owner, expiresAt, now) =>
      kv.exclusive(`lock/${key}`, async (): Promise<LockResult> => {
        const held = await read<{ owner: string; expiresAt: number }>(`lock/${key}`);
        if (held && held.owner !== owner && held.expiresAt > now)
          return { acquired: false, holder: held.owner, expiresAt: held.expiresAt };
        await kv.set(`lock/${key}`, JSON.stringify({ owner, expiresAt }));
        return { acquired: true };
      }),
    unlock: (key, owner) =>
      kv.exclusive(`lock/${key}`, async () => {
        const held = await read<{ owner: string }>(`lock/${key}`);
        if (held?.owner === owner) await kv.delete(`lock/${key}`);
      }),
    spend: (key, use) =>
      kv.exclusive(`budget/${key}`, async () => {
        checkUse(key, use);
        const uses = (await read<Array<[string, number]>>(`budget/${key}`)) ?? [];
        const inWindow = uses
          .map(([, at]) => at)
          .filter((at) => at > use.at - use.windowMs)
          .sort((a, b) => a - b);
        if (uses.some(([id]) => id === use.id)) return { allowed: true, uses: inWindow };
        if (inWindow.length >= use.max) return { allowed: false, uses: inWindow };
        await kv.set(`budget/${key}`, JSON.stringify([...uses, [use.id, use.at]]));
        return { allowed: true, uses: [...inWindow, use.at].sort((a, b) => a - b) };
      }),
  };
}

function checkUse(key: string, use: BudgetUse): void {
  if (use.id === '' || !(use.windowMs > 0) || !(use.max >= 0))
    throw new FirstlineError('E_STORE', `cannot spend budget ${key}: ${JSON.stringify(use)} makes no sense`);
}

// The behaviour every RunStore must show, as one vitest suite: the memory and file stores run it in
// core, the DynamoDB store against moto. A store that passes can back runs on many hosts at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BudgetUse, RunRecord, RunStore } from '../runtime/types.js';
import { listingCases } from './storeListing.js';

/** A store made for one test, and how to clean up after it. */
export interface StoreUnderTest {
  store: RunStore;
  cleanup?(): Promise<void>;
}

/** A record for run `runId`, with `overrides` applied. */
export function makeRecord(runId: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    version: 1,
    runId,
    status: 'running',
    mode: 'live',
    playbook: { name: 'restart-web', hash: 'sha256-fake-hash', data: { name: 'restart-web', steps: [] } },
    inputs: { instanceId: 'i-0fake0001' },
    deadlines: { run: 3_600_000 },
    journal: [],
    trace: [],
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

// Keys a resource may be named by: the store must not care what characters they hold.
const ODD_KEYS = [
  'i-0abc1234',
  'a/../../etc/passwd',
  'x'.repeat(500),
  'région café ☕ 🚀',
  'has space\tand\nbreaks',
];

/** Requires the optional methods every shared store must have, so the tests read plainly. */
function full(store: RunStore): Required<RunStore> {
  for (const method of ['acquire', 'release', 'leaseHolder', 'claim', 'lock', 'unlock', 'spend'] as const)
    expect(typeof store[method], `store.${method}`).toBe('function');
  return store as Required<RunStore>;
}

const use = (id: string, at: number, max = 2, windowMs = 100): BudgetUse => ({ id, at, max, windowMs });

/** Options of {@link describeRunStore}. */
export interface RunStoreContractOptions {
  /** False for a store without the optional `listRuns`: its cases are skipped (default true). */
  listRuns?: boolean;
}

/** Runs the RunStore contract against stores made by `makeStore`, one fresh store per test. */
export function describeRunStore(
  name: string,
  makeStore: () => Promise<StoreUnderTest>,
  options: RunStoreContractOptions = {},
): void {
  describe(`${name} keeps the RunStore contract`, () => {
    let made: StoreUnderTest | undefined;
    let store: Required<RunStore>;
    beforeEach(async () => {
      made = await makeStore();
      store = full(made.store);
    });
    afterEach(async () => {
      await made?.cleanup?.();
      made = undefined;
    });

    describe('records', () => {
      it('loads what it saved, byte for byte, and undefined for an unknown run', async () => {
        const record = makeRecord('run-1', {
          snapshot: { value: { remediate: 'reboot' }, context: { n: 1, nested: [null, true, 1.5e-7] } },
          inputs: { instanceId: 'i-0abc', note: 'région café ☕ 🚀 "quoted" \\ \u0000 end' },
          trace: Array.from({ length: 3000 }, (_, seq) => ({
            seq,
            at: 1_000 + seq,
            type: 'log' as const,
            level: 'info' as const,
            message: `event ${seq}: checked https://app.example.com/health → 200`,
          })),
        });
        await store.save(record);
        const loaded = await store.load('run-1');
        expect(loaded).toEqual(record);
        expect(JSON.stringify(loaded)).toBe(JSON.stringify(record));
        expect(await store.load('run-2')).toBeUndefined();
      });

      it('keeps copies: later changes by the caller do not reach the stored record', async () => {
        const record = makeRecord('run-1');
        await store.save(record);
        record.inputs.instanceId = 'changed after save';
        const loaded = (await store.load('run-1'))!;
        expect(loaded.inputs.instanceId).toBe('i-0fake0001');
        loaded.inputs.instanceId = 'mutated';
        expect((await store.load('run-1'))!.inputs.instanceId).toBe('i-0fake0001');
      });

      it('replaces a record on a later save, and lists runs by status', async () => {
        expect(await store.list()).toEqual([]);
        await store.save(makeRecord('run-b'));
        await store.save(makeRecord('run-a'));
        await store.save(makeRecord('run-c', { deadlines: { run: 9_000, wake: 5_000 } }));
        await store.save(makeRecord('run-a', { status: 'done', outcome: 'recovered', updatedAt: 2_000 }));
        expect(await store.load('run-a')).toMatchObject({
          status: 'done',
          outcome: 'recovered',
          updatedAt: 2_000,
        });
        expect(await store.list()).toEqual(['run-a', 'run-b', 'run-c']);
        expect(await store.list({ status: 'running' })).toEqual(['run-b', 'run-c']);
        expect(await store.list({ status: 'done' })).toEqual(['run-a']);
      });

      it('deletes a run with its claims, and deleting a missing one is fine', async () => {
        await store.save(makeRecord('run-1'));
        await store.save(makeRecord('run-2'));
        expect(await store.claim('run-1', 'run-1:reboot:1:1')).toBe(true);
        await store.delete('run-1');
        await store.delete('run-1');
        await store.delete('never-saved');
        expect(await store.load('run-1')).toBeUndefined();
        expect(await store.list()).toEqual(['run-2']);
        // A run started again under the id must be able to act.
        expect(await store.claim('run-1', 'run-1:reboot:1:1')).toBe(true);
      });
    });

    describe.skipIf(options.listRuns === false)('listing runs (listRuns)', () => {
      listingCases(() => {
        expect(typeof store.listRuns, 'store.listRuns').toBe('function');
        return store;
      });
    });

    describe('leases', () => {
      it('go to one owner at a time, until released by that owner', async () => {
        expect(await store.acquire('run-a', 'host-1')).toBe(true);
        expect(await store.acquire('run-a', 'host-1')).toBe(true);
        expect(await store.acquire('run-a', 'host-2')).toBe(false);
        expect(await store.acquire('run-b', 'host-2')).toBe(true);
        await store.release('run-a', 'host-2');
        expect(await store.acquire('run-a', 'host-2')).toBe(false);
        await store.release('run-a', 'host-1');
        expect(await store.acquire('run-a', 'host-2')).toBe(true);
      });

      it('say who holds them (and until when, if they lapse), and nothing once released', async () => {
        expect(await store.leaseHolder('run-a')).toBeUndefined();
        const before = Date.now();
        await store.acquire('run-a', 'host-1');
        const held = await store.leaseHolder('run-a');
        expect(held?.owner).toBe('host-1');
        if (held?.until !== undefined) expect(held.until).toBeGreaterThan(before);
        expect(await store.leaseHolder('run-b')).toBeUndefined();
        await store.release('run-a', 'host-1');
        expect(await store.leaseHolder('run-a')).toBeUndefined();
      });

      it('go to exactly one of many hosts asking at once', async () => {
        const owners = Array.from({ length: 12 }, (_, i) => `host-${i}`);
        const taken = await Promise.all(owners.map((owner) => store.acquire('run-a', owner)));
        expect(taken.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('claims', () => {
      it('let exactly one of many concurrent claims of one key through', async () => {
        const key = 'run-1:reboot:1:1';
        const claims = await Promise.all(Array.from({ length: 20 }, () => store.claim('run-1', key)));
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await store.claim('run-1', key)).toBe(false);
      });

      it('are per key and per run', async () => {
        expect(await store.claim('run-1', 'run-1:reboot:1:1')).toBe(true);
        expect(await store.claim('run-1', 'run-1:reboot:1:2')).toBe(true);
        expect(await store.claim('run-2', 'run-1:reboot:1:1')).toBe(true);
        expect(await store.claim('run-1', 'run-1:reboot:1:1')).toBe(false);
      });
    });

    describe('resource locks', () => {
      it('are exclusive between owners and renewed by their owner', async () => {
        expect(await store.lock('i-0abc', 'run-a', 1_000, 0)).toEqual({ acquired: true });
        expect(await store.lock('i-0abc', 'run-b', 2_000, 10)).toEqual({
          acquired: false,
          holder: 'run-a',
          expiresAt: 1_000,
        });
        expect(await store.lock('i-0abc', 'run-a', 5_000, 20)).toEqual({ acquired: true });
        expect(await store.lock('i-0abc', 'run-b', 2_000, 30)).toEqual({
          acquired: false,
          holder: 'run-a',
          expiresAt: 5_000,
        });
        expect(await store.lock('i-0def', 'run-b', 2_000, 30)).toEqual({ acquired: true });
      });

      it('go to exactly one of many runs asking at once, and the others learn who holds it', async () => {
        const owners = Array.from({ length: 20 }, (_, i) => `run-${i}`);
        const results = await Promise.all(owners.map((owner) => store.lock('i-0abc', owner, 60_000, 0)));
        const winners = owners.filter((_, i) => results[i]!.acquired);
        expect(winners).toHaveLength(1);
        for (const result of results)
          if (!result.acquired)
            expect(result).toEqual({ acquired: false, holder: winners[0], expiresAt: 60_000 });
      });

      it('lapse at their expiry, so a crashed run does not hold a resource forever', async () => {
        expect((await store.lock('i-0abc', 'crashed-run', 1_000, 0)).acquired).toBe(true);
        expect(await store.lock('i-0abc', 'run-b', 9_000, 999)).toMatchObject({
          acquired: false,
          expiresAt: 1_000,
        });
        expect(await store.lock('i-0abc', 'run-b', 9_000, 1_000)).toEqual({ acquired: true });
        expect(await store.lock('i-0abc', 'crashed-run', 9_500, 1_001)).toEqual({
          acquired: false,
          holder: 'run-b',
          expiresAt: 9_000,
        });
      });

      it('are freed only by their owner', async () => {
        await store.lock('i-0abc', 'run-a', 1_000, 0);
        await store.unlock('i-0abc', 'run-b');
        expect(await store.lock('i-0abc', 'run-b', 1_000, 1)).toMatchObject({
          acquired: false,
          holder: 'run-a',
        });
        await store.unlock('i-0abc', 'run-a');
        expect(await store.lock('i-0abc', 'run-b', 1_000, 1)).toEqual({ acquired: true });
        await store.unlock('never-locked', 'run-a');
      });

      it('take keys of any characters, each its own lock', async () => {
        for (const key of ODD_KEYS)
          expect(await store.lock(key, `owner of ${key}`, 1_000, 0)).toEqual({ acquired: true });
        for (const key of ODD_KEYS)
          expect(await store.lock(key, 'someone else', 1_000, 0)).toMatchObject({
            holder: `owner of ${key}`,
          });
      });
    });

    describe('budgets', () => {
      it('allow exactly max of many concurrent spends', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.spend('i-0abc', use(`run-${i}:reboot:1`, 50))),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(2);
        for (const refused of results.filter((r) => !r.allowed)) expect(refused.uses).toEqual([50, 50]);
      });

      it('count uses in a sliding window: old uses drop out', async () => {
        expect(await store.spend('i-0abc', use('a', 0))).toEqual({ allowed: true, uses: [0] });
        expect(await store.spend('i-0abc', use('b', 50))).toEqual({ allowed: true, uses: [0, 50] });
        expect(await store.spend('i-0abc', use('c', 99))).toEqual({ allowed: false, uses: [0, 50] });
        // The window is (at - 100, at]: at 100 the use at 0 has left it.
        expect(await store.spend('i-0abc', use('c', 100))).toEqual({ allowed: true, uses: [50, 100] });
        expect(await store.spend('i-0abc', use('d', 149))).toEqual({ allowed: false, uses: [50, 100] });
        expect(await store.spend('i-0abc', use('d', 1_000))).toEqual({ allowed: true, uses: [1_000] });
      });

      it('count a use spent twice (a resumed run) once', async () => {
        expect(await store.spend('i-0abc', use('run-1:reboot:1', 10))).toEqual({ allowed: true, uses: [10] });
        expect(await store.spend('i-0abc', use('run-1:reboot:1', 20))).toEqual({ allowed: true, uses: [10] });
        expect(await store.spend('i-0abc', use('run-2:reboot:1', 30))).toEqual({
          allowed: true,
          uses: [10, 30],
        });
        expect((await store.spend('i-0abc', use('run-3:reboot:1', 40))).allowed).toBe(false);
        expect(await store.spend('i-0abc', use('run-1:reboot:1', 50))).toEqual({
          allowed: true,
          uses: [10, 30],
        });
      });

      it('keep keys independent, whatever characters they hold', async () => {
        for (const key of ODD_KEYS) {
          expect(await store.spend(key, use('one', 0, 1))).toEqual({ allowed: true, uses: [0] });
          expect((await store.spend(key, use('two', 1, 1))).allowed).toBe(false);
        }
      });

      it('refuse everything with max 0, and reject a use that makes no sense', async () => {
        expect(await store.spend('i-0abc', use('a', 0, 0))).toEqual({ allowed: false, uses: [] });
        await expect(store.spend('i-0abc', use('a', 0, 2, 0))).rejects.toMatchObject({ code: 'E_STORE' });
        await expect(store.spend('i-0abc', use('', 0))).rejects.toMatchObject({ code: 'E_STORE' });
      });
    });
  });
}

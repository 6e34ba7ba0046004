import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRecord } from '../../testing/storeContract.js';
import { createFileMutex } from './fileMutex.js';
import { createFileStore } from './fileStore.js';

// What only the file store has to prove: its files, processes sharing one directory, and mutexes
// left by processes that died.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-safety-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** The pid of a process of this host that has exited. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(),
  );
}

describe('file store locks and budgets', () => {
  it('name files by digest and keep the raw key inside, leaving no mutex or temp file behind', async () => {
    const store = createFileStore(dir);
    const key = 'a/../../etc/passwd';
    await store.lock!(key, 'run-a', 1_000, 0);
    await store.spend!(key, { id: 'u1', at: 0, max: 2, windowMs: 100 });
    expect(await readdir(join(dir, 'locks'))).toEqual([`${digest(key)}.json`]);
    expect(await readdir(join(dir, 'budgets'))).toEqual([`${digest(key)}.json`]);
    expect(JSON.parse(await readFile(join(dir, 'locks', `${digest(key)}.json`), 'utf8'))).toEqual({
      key,
      owner: 'run-a',
      expiresAt: 1_000,
    });
    await store.unlock!(key, 'run-a');
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
  });

  it('hold across stores sharing one directory, as separate processes would', async () => {
    const stores = Array.from({ length: 4 }, () => createFileStore(dir));
    const spends = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        stores[i % 4]!.spend!('i-0abc', { id: `run-${i}:reboot:1`, at: 10, max: 2, windowMs: 1_000 }),
      ),
    );
    expect(spends.filter((s) => s.allowed)).toHaveLength(2);
    const locks = await Promise.all(
      Array.from({ length: 16 }, (_, i) => stores[i % 4]!.lock!('i-0abc', `run-${i}`, 1_000, 0)),
    );
    expect(locks.filter((l) => l.acquired)).toHaveLength(1);
    const claims = await Promise.all(
      Array.from({ length: 16 }, (_, i) => stores[i % 4]!.claim!('run-1', 'k')),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('take over a mutex left by a process of this host that died mid-update', async () => {
    const key = 'i-0abc';
    await mkdir(join(dir, 'budgets'), { recursive: true });
    const stale = { owner: 'mutex:crashed', pid: deadPid(), host: hostname() };
    await writeFile(join(dir, 'budgets', `${digest(key)}.lock`), JSON.stringify(stale));
    const spent = await createFileStore(dir).spend!(key, { id: 'u1', at: 0, max: 1, windowMs: 100 });
    expect(spent).toEqual({ allowed: true, uses: [0] });
    expect(await readdir(join(dir, 'budgets'))).toEqual([`${digest(key)}.json`]);
  });

  it('let exactly one of many contenders take over a lease left by a dead process', async () => {
    const stale = JSON.stringify({ owner: 'crashed', pid: deadPid(), host: hostname() });
    const stores = Array.from({ length: 4 }, () => createFileStore(dir));
    // Contenders start a few event-loop turns apart, so they meet the takeover at different stages.
    for (let round = 0; round < 10; round++) {
      const runId = `run-${round}`;
      await writeFile(join(dir, `${runId}.lock`), stale);
      const taken = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          for (let turn = 0; turn < i % 6; turn++) await new Promise((resolve) => setImmediate(resolve));
          return stores[i % 4]!.acquire!(runId, `host-${i}`);
        }),
      );
      expect(taken.filter(Boolean)).toHaveLength(1);
    }
    // No takeover guard or temp file is left behind.
    expect((await readdir(dir)).filter((name) => !/^run-\d\.lock$/.test(name))).toEqual([]);
  });

  it('report a corrupt lock file as E_STORE naming it', async () => {
    await mkdir(join(dir, 'locks'), { recursive: true });
    const file = join(dir, 'locks', `${digest('i-0abc')}.json`);
    await writeFile(file, '{"key":"i-0a');
    const error = await createFileStore(dir).lock!('i-0abc', 'run-a', 1_000, 0).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_STORE', message: expect.stringContaining(file) as unknown });
  });

  it("drop a run's claims once it is saved done, leaving no claims directory behind", async () => {
    const store = createFileStore(dir);
    expect(await store.claim!('run-1', 'run-1:reboot:1:1')).toBe(true);
    expect(await store.claim!('run-2', 'run-2:reboot:1:1')).toBe(true);
    await store.save(makeRecord('run-1', { status: 'done', outcome: 'recovered' }));
    expect(await readdir(join(dir, 'claims'))).toEqual(['run-2']);
    await store.save(makeRecord('run-2', { status: 'done', outcome: 'recovered' }));
    expect((await readdir(dir)).sort()).toEqual(['run-1.json', 'run-2.json']);
  });

  it('rejects a claim for an invalid run id', async () => {
    await expect(createFileStore(dir).claim!('../x', 'k')).rejects.toMatchObject({
      code: 'E_RUN_ID_INVALID',
    });
  });
});

describe('createFileMutex', () => {
  it('waits for a mutex a live process holds, then gives up with E_STORE naming the file (virtual time)', async () => {
    let now = 0;
    const pauses: number[] = [];
    const mutex = createFileMutex({
      timeoutMs: 1_000,
      now: () => now,
      sleep: (ms) => {
        pauses.push(ms);
        now += ms;
        return Promise.resolve();
      },
    });
    const file = join(dir, 'busy.lock');
    await writeFile(file, JSON.stringify({ owner: 'other', pid: process.pid, host: hostname() }));
    let ran = false;
    const error = await mutex.run(dir, 'busy', () => Promise.resolve((ran = true))).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(error).toMatchObject({ code: 'E_STORE', message: expect.stringContaining(file) as unknown });
    expect(now).toBeGreaterThanOrEqual(1_000);
    expect(Math.max(...pauses)).toBeLessThan(100);
  });

  it('runs one section at a time in call order, and releases when a section throws', async () => {
    const mutex = createFileMutex();
    const order: string[] = [];
    const section = (name: string, fail = false) =>
      mutex.run(dir, 'm', async () => {
        order.push(`${name} in`);
        await Promise.resolve();
        order.push(`${name} out`);
        if (fail) throw new Error(`${name} failed`);
      });
    const results = await Promise.allSettled([section('a'), section('b', true), section('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    expect(await readdir(dir)).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRebootFixture, rebootPlaybookText } from '../../test/fixtures/reboot.js';
import { parsePlaybook } from '../load/loadPlaybook.js';
import { createVirtualClock } from './clock.js';
import { resumeRun } from './resumeRun.js';
import { runPlaybook } from './runPlaybook.js';
import { createFileStore } from './stores/fileStore.js';
import { createMemoryStore } from './stores/memoryStore.js';
import type { RunRecord, RunStore } from './types.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'firstline-lease-'));
  dirs.push(dir);
  return dir;
}

const stores: Array<[string, () => Promise<RunStore>]> = [
  ['memory', () => Promise.resolve(createMemoryStore())],
  ['file', async () => createFileStore(await tempDir())],
];

describe.each(stores)('the %s store leases runs', (_name, make) => {
  it('to one owner at a time, until released', async () => {
    const store = await make();
    expect(await store.acquire!('run-a', 'host-1')).toBe(true);
    expect(await store.acquire!('run-a', 'host-1')).toBe(true);
    expect(await store.acquire!('run-a', 'host-2')).toBe(false);
    expect(await store.acquire!('run-b', 'host-2')).toBe(true);
    await store.release!('run-a', 'host-2'); // not the holder: nothing happens
    expect(await store.acquire!('run-a', 'host-2')).toBe(false);
    await store.release!('run-a', 'host-1');
    expect(await store.acquire!('run-a', 'host-2')).toBe(true);
  });
});

describe('file store leases', () => {
  const lock = (dir: string, body: object) => writeFile(join(dir, 'run-a.lock'), JSON.stringify(body));

  it('takes over a lease left by a process of this host that has died', async () => {
    const dir = await tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await lock(dir, { owner: 'crashed', pid: Number(dead.stdout.toString()), host: hostname() });
    // A dead holder holds nothing: it is not named as the holder either.
    expect(await createFileStore(dir).leaseHolder!('run-a')).toBeUndefined();
    expect(await createFileStore(dir).acquire!('run-a', 'me')).toBe(true);
  });

  it('respects a lease held by a live process, or by another host', async () => {
    const dir = await tempDir();
    await lock(dir, { owner: 'alive', pid: process.pid, host: hostname() });
    expect(await createFileStore(dir).acquire!('run-a', 'me')).toBe(false);
    expect(await createFileStore(dir).leaseHolder!('run-a')).toEqual({ owner: 'alive' });
    await lock(dir, { owner: 'elsewhere', pid: 1_000_000, host: `not-${hostname()}` });
    expect(await createFileStore(dir).acquire!('run-a', 'me')).toBe(false);
    expect(await createFileStore(dir).leaseHolder!('run-a')).toEqual({ owner: 'elsewhere' });
  });

  it('leaves no lock or temp file behind once a run ends', async () => {
    const dir = await tempDir();
    const store = createFileStore(dir);
    const { actions } = fixture();
    await runPlaybook(parsePlaybook(PLAYBOOK), {
      actions,
      store,
      runId: 'run-a',
      clock: createVirtualClock(),
    });
    expect(await readdir(dir)).toEqual(['run-a.json']);
  });
});

const PLAYBOOK = rebootPlaybookText('', 'lease');
const fixture = createRebootFixture;

/** A record of the run stopped in its recheck wait: what a crashed host leaves behind. */
async function crashedInWait(store: RunStore): Promise<RunRecord> {
  const inner = createMemoryStore();
  const writes: RunRecord[] = [];
  const recording: RunStore = {
    ...inner,
    save: (r) => (writes.push(structuredClone(r)), inner.save(r)),
    saveChanges: (r, change) => (writes.push(structuredClone(r)), inner.saveChanges!(r, change)),
  };
  const { actions } = fixture();
  await runPlaybook(parsePlaybook(PLAYBOOK), {
    actions,
    store: recording,
    runId: 'run-a',
    clock: createVirtualClock(),
  });
  const waiting = writes.find((r) => r.deadlines.wake !== undefined && r.status === 'running')!;
  await store.save(waiting);
  return waiting;
}

describe.each(stores)('with the %s store', (_name, make) => {
  it('two hosts resuming one run at once: one resumes, the other is refused', async () => {
    const store = await make();
    await crashedInWait(store);
    const a = fixture();
    const b = fixture();
    // The crashed host's reboot worked: the target is healthy now.
    a.state.healthy = b.state.healthy = true;
    const results = await Promise.allSettled([
      resumeRun('run-a', { store, actions: a.actions, clock: createVirtualClock() }),
      resumeRun('run-a', { store, actions: b.actions, clock: createVirtualClock() }),
    ]);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'E_RUN_BUSY',
      // Who holds it, from the store: this process (host:pid:tag), for as long as it lives.
      message: expect.stringMatching(
        new RegExp(`being run or resumed elsewhere right now \\(its lease is held by [^ ]+:${process.pid}:`),
      ) as unknown,
    });
    expect(results.some((r) => r.status === 'fulfilled' && r.value.outcome === 'recovered')).toBe(true);
    expect([...a.state.reboots, ...b.state.reboots]).toEqual([]);
    // The lease is back: a later resume answers from the finished record.
    expect((await resumeRun('run-a', { store, actions: a.actions })).outcome).toBe('recovered');
  });

  it('refuses to start a run whose id the store already holds, calling nothing', async () => {
    const store = await make();
    await crashedInWait(store);
    const { state, actions } = fixture();
    await expect(
      runPlaybook(parsePlaybook(PLAYBOOK), { actions, store, runId: 'run-a', clock: createVirtualClock() }),
    ).rejects.toMatchObject({
      code: 'E_RUN_CONFLICT',
      message: expect.stringContaining('resume it') as unknown,
    });
    expect(state.reboots).toEqual([]);
  });
});

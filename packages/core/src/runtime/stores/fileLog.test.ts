import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRecord } from '../../testing/storeContract.js';
import { finish, step } from '../../testing/storeDeltas.js';
import type { RunRecord, TraceEvent } from '../types.js';
import { createFileStore } from './fileStore.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = async (runId: string) =>
  (await readFile(join(dir, `${runId}.log`), 'utf8').catch(() => '')).split('\n').filter(Boolean);

describe("the file store's change log", () => {
  it('appends one line per change, compacts every 16 and when the run ends', async () => {
    const store = createFileStore(dir);
    const record = makeRecord('log-1');
    await store.save(record);
    const sizeOfWhole = (await readFile(join(dir, 'log-1.json'), 'utf8')).length;
    for (let n = 1; n <= 16; n++) await store.saveChanges!(record, step(record, n));
    expect(await lines('log-1')).toHaveLength(16);
    // The record file is untouched by changes: only the log grew.
    expect((await readFile(join(dir, 'log-1.json'), 'utf8')).length).toBe(sizeOfWhole);
    await store.saveChanges!(record, step(record, 17));
    expect(await lines('log-1')).toHaveLength(0);
    await store.saveChanges!(record, step(record, 18));
    expect(await lines('log-1')).toHaveLength(1);
    await store.saveChanges!(record, finish(record));
    expect(await lines('log-1')).toHaveLength(0);
    expect(JSON.parse(await readFile(join(dir, 'log-1.json'), 'utf8'))).toMatchObject({
      status: 'done',
      journal: record.journal,
    });
    expect(await createFileStore(dir).load('log-1')).toEqual(record);
    expect((await readdir(dir)).sort()).toEqual(['log-1.json']);
  });

  it('compacts when the run is handed back, so <runId>.json alone is the record', async () => {
    const store = createFileStore(dir);
    const record = makeRecord('handed-back');
    await store.save(record);
    await store.saveChanges!(record, step(record, 1));
    expect(await lines('handed-back')).toHaveLength(1);
    const base = { journal: record.journal.length, trace: record.trace.length };
    const event: TraceEvent = { type: 'run.suspend', reason: 'signal', seq: base.trace, at: 9_000 };
    record.trace.push(event);
    await store.saveChanges!(record, { base, journal: [], trace: [event], set: {}, unset: [] });
    expect(await lines('handed-back')).toHaveLength(0);
    const file = JSON.parse(await readFile(join(dir, 'handed-back.json'), 'utf8')) as RunRecord;
    expect(file.trace.at(-1)).toEqual(event);
  });

  it('ignores a line torn by a crash mid-append, and compacts it away on the next write', async () => {
    const store = createFileStore(dir);
    const record = makeRecord('torn');
    await store.save(record);
    await store.saveChanges!(record, step(record, 1));
    const acknowledged = structuredClone(record);
    await store.saveChanges!(record, step(record, 2));
    // The process died half-way through writing the second line.
    const [first, second] = await lines('torn');
    await writeFile(join(dir, 'torn.log'), `${first}\n${second!.slice(0, second!.length >> 1)}`);
    // Another process (a fresh store) resumes the run from what was acknowledged before the crash.
    const next = createFileStore(dir);
    const loaded = (await next.load('torn'))!;
    expect(loaded).toEqual(acknowledged);
    await next.saveChanges!(loaded, step(loaded, 2));
    expect(await lines('torn')).toHaveLength(0);
    await next.saveChanges!(loaded, step(loaded, 3));
    expect(await lines('torn')).toHaveLength(1);
    expect(await createFileStore(dir).load('torn')).toEqual(loaded);
  });

  it('replays no line of an older log left by a crash between compacting and removing it', async () => {
    const store = createFileStore(dir);
    const record = makeRecord('stale-log');
    await store.save(record);
    // Only a snapshot changes: the line follows the compacted record's journal and trace lengths too.
    record.snapshot = { value: 'first' };
    const base = { journal: 0, trace: 0 };
    await store.saveChanges!(record, {
      base,
      journal: [],
      trace: [],
      set: { snapshot: record.snapshot },
      unset: [],
    });
    const old = await readFile(join(dir, 'stale-log.log'), 'utf8');
    record.snapshot = { value: 'second' };
    await store.save(record);
    // The old log is back, as if the compaction had died before removing it.
    await writeFile(join(dir, 'stale-log.log'), old);
    expect(await createFileStore(dir).load('stale-log')).toEqual(record);
  });

  it('stops replaying at a line out of sequence rather than mixing histories', async () => {
    const store = createFileStore(dir);
    const record = makeRecord('gap');
    await store.save(record);
    await store.saveChanges!(record, step(record, 1));
    const acknowledged = structuredClone(record);
    await store.saveChanges!(record, step(record, 2));
    await store.saveChanges!(record, step(record, 3));
    const [first, , third] = await lines('gap');
    await writeFile(join(dir, 'gap.log'), `${first}\n${third}\n`);
    expect(await createFileStore(dir).load('gap')).toEqual(acknowledged);
  });

  it('takes changes to a record written before change logs by writing it whole', async () => {
    const record = makeRecord('legacy');
    await writeFile(join(dir, 'legacy.json'), JSON.stringify(record));
    const store = createFileStore(dir);
    const loaded = (await store.load('legacy'))!;
    expect(loaded).toEqual(record);
    await store.saveChanges!(loaded, step(loaded, 1));
    expect(await lines('legacy')).toHaveLength(0);
    await store.saveChanges!(loaded, step(loaded, 2));
    expect(await lines('legacy')).toHaveLength(1);
    expect(await createFileStore(dir).load('legacy')).toEqual(loaded);
  });

  it('fails a change queued behind a whole write that failed, and writes whole after it', async () => {
    const store = createFileStore(dir);
    const record = makeRecord('broken');
    await store.save(record);
    // A directory where the record file goes: the whole write cannot rename over it.
    await rm(join(dir, 'broken.json'));
    await mkdir(join(dir, 'broken.json', 'blocked'), { recursive: true });
    const whole = store.save(record);
    const change = store.saveChanges!(record, step(record, 1));
    await expect(whole).rejects.toMatchObject({ code: 'E_STORE' });
    await expect(change).rejects.toMatchObject({ code: 'E_STORE' });
    await rm(join(dir, 'broken.json'), { recursive: true });
    await store.saveChanges!(record, step(record, 2));
    expect(await lines('broken')).toHaveLength(0);
    expect(await createFileStore(dir).load('broken')).toEqual(record);
  });
});

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeRecordDeltas, describeRunStore, makeRecord as contractRecord } from '../../testing/index.js';
import { isFirstlineError } from '../../errors.js';
import type { RunRecord, RunStore } from '../types.js';
import { createFileStore } from './fileStore.js';
import { createMemoryStore } from './memoryStore.js';

// The contract suite's record, as a simulated run with this file's inputs.
const makeRecord = (runId: string, overrides: Partial<RunRecord> = {}): RunRecord =>
  contractRecord(runId, { mode: 'simulate', inputs: { instance: 'i-0fake0001' }, ...overrides });

// Returns the error a promise rejects with, failing the test if it resolves.
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(isFirstlineError(error)).toBe(true);
  return error as Error & { code?: string };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeRunStore('the memory store', () => Promise.resolve({ store: createMemoryStore() }));
describeRunStore('the file store', async () => {
  const root = await mkdtemp(join(tmpdir(), 'firstline-contract-'));
  // A directory that does not exist yet: the store must create what it needs on first use.
  return {
    store: createFileStore(join(root, 'runs')),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describeRecordDeltas('the memory store', () => Promise.resolve({ store: createMemoryStore() }));
describeRecordDeltas('the file store', async () => {
  const root = await mkdtemp(join(tmpdir(), 'firstline-deltas-'));
  return {
    store: createFileStore(join(root, 'runs')),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe.each([
  ['memory store', () => createMemoryStore()],
  // A directory that does not exist yet: the store must create it on first save.
  ['file store', () => createFileStore(join(dir, 'runs'))],
] as Array<[string, () => RunStore]>)('%s', (_name, makeStore) => {
  it('loads what it saved, and undefined for an unknown run', async () => {
    const store = makeStore();
    const record = makeRecord('run-1', {
      snapshot: { value: 'check', context: { n: 1 } },
      journal: [
        {
          key: 'run-1:check:1:1',
          step: 'check',
          action: 'http.get',
          visit: 1,
          attempt: 1,
          status: 'started',
          at: 5,
        },
      ],
      trace: [{ seq: 0, at: 5, type: 'log', level: 'info', message: 'hello' }],
    });
    await store.save(record);
    expect(await store.load('run-1')).toEqual(record);
    expect(await store.load('run-2')).toBeUndefined();
  });

  it('keeps copies: later changes by the caller do not reach the stored record', async () => {
    const store = makeStore();
    const record = makeRecord('run-1');
    await store.save(record);
    record.status = 'done';
    record.trace.push({ seq: 0, at: 1, type: 'decision', message: 'changed after save' });

    const loaded = (await store.load('run-1'))!;
    expect(loaded.status).toBe('running');
    expect(loaded.trace).toEqual([]);
    loaded.inputs.instance = 'mutated';
    expect((await store.load('run-1'))!.inputs.instance).toBe('i-0fake0001');
  });

  it('replaces a record on a second save', async () => {
    const store = makeStore();
    await store.save(makeRecord('run-1'));
    await store.save(makeRecord('run-1', { status: 'done', outcome: 'healthy', updatedAt: 2_000 }));
    expect(await store.load('run-1')).toMatchObject({ status: 'done', outcome: 'healthy', updatedAt: 2_000 });
    expect(await store.list()).toEqual(['run-1']);
  });

  it('lists runs, optionally by status', async () => {
    const store = makeStore();
    expect(await store.list()).toEqual([]);
    await store.save(makeRecord('run-b'));
    await store.save(makeRecord('run-a', { status: 'done', outcome: 'healthy' }));
    await store.save(makeRecord('run-c'));
    expect(await store.list()).toEqual(['run-a', 'run-b', 'run-c']);
    expect(await store.list({ status: 'running' })).toEqual(['run-b', 'run-c']);
    expect(await store.list({ status: 'done' })).toEqual(['run-a']);
  });

  it('deletes a run, and deleting a missing one is fine', async () => {
    const store = makeStore();
    await store.save(makeRecord('run-1'));
    await store.save(makeRecord('run-2'));
    await store.delete('run-1');
    await store.delete('run-1');
    await store.delete('never-saved');
    expect(await store.load('run-1')).toBeUndefined();
    expect(await store.list()).toEqual(['run-2']);
  });

  it('applies concurrent saves of one run in call order', async () => {
    const store = makeStore();
    const saves: Array<Promise<void>> = [];
    for (let i = 0; i < 40; i++) {
      // Growing records: the older writes are the quicker ones, so a race would let them land last.
      const trace = Array.from({ length: i * 50 }, (_, seq) => ({
        seq,
        at: seq,
        type: 'log' as const,
        level: 'info' as const,
        message: `event ${seq} of save ${i}`,
      }));
      saves.push(store.save(makeRecord('run-1', { trace, updatedAt: i })));
    }
    await Promise.all(saves);
    const loaded = (await store.load('run-1'))!;
    expect(loaded.updatedAt).toBe(39);
    expect(loaded.trace).toHaveLength(39 * 50);
  });

  it('orders a delete after the saves issued before it', async () => {
    const store = makeStore();
    const pending = [store.save(makeRecord('run-1')), store.save(makeRecord('run-1', { updatedAt: 2 }))];
    const deleted = store.delete('run-1');
    await Promise.all([...pending, deleted]);
    expect(await store.load('run-1')).toBeUndefined();
  });
});

describe('createFileStore', () => {
  it('writes one JSON file per run and leaves no temp files behind', async () => {
    const store = createFileStore(dir);
    await Promise.all([
      store.save(makeRecord('run-1')),
      store.save(makeRecord('run-1')),
      store.save(makeRecord('run-2')),
    ]);
    expect((await readdir(dir)).sort()).toEqual(['run-1.json', 'run-2.json']);
  });

  it('lists nothing when its directory does not exist yet', async () => {
    const store = createFileStore(join(dir, 'missing'));
    expect(await store.list()).toEqual([]);
    expect(await store.load('run-1')).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['a path', '../escape'],
    ['a nested path', 'a/b'],
    ['a backslash', 'a\\b'],
    ['"."', '.'],
    ['".."', '..'],
    ['an empty id', ''],
    ['a space', 'run 1'],
    ['a NUL byte', 'run\u00001'],
    ['201 characters', 'x'.repeat(201)],
  ])('rejects a run id with %s, on every operation', async (_what, runId) => {
    const store = createFileStore(dir);
    for (const promise of [store.save(makeRecord(runId)), store.load(runId), store.delete(runId)]) {
      const error = await rejection(promise);
      expect(error.code).toBe('E_RUN_ID_INVALID');
      expect(error.message).toContain('invalid run id');
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('accepts the longest and oddest allowed ids', async () => {
    const store = createFileStore(dir);
    for (const runId of ['x'.repeat(200), '...', '.hidden', 'A-z_0.9']) {
      await store.save(makeRecord(runId));
      expect((await store.load(runId))?.runId).toBe(runId);
    }
  });

  it("ignores a crashed writer's temp file and files that are not records", async () => {
    const store = createFileStore(dir);
    await store.save(makeRecord('run-1'));
    await writeFile(join(dir, `run-1.${process.pid}.999.tmp`), '{"version":1,"runId":"run-1","sta');
    await writeFile(join(dir, 'run-2.4242.0.tmp'), '{ half a record');
    await writeFile(join(dir, 'notes.txt'), 'not a run');
    expect(await store.list()).toEqual(['run-1']);
    expect(await store.list({ status: 'running' })).toEqual(['run-1']);
    expect(await store.load('run-1')).toEqual(makeRecord('run-1'));
    expect(await store.load('run-2')).toBeUndefined();
  });

  it('reports a corrupt record as E_STORE naming the file', async () => {
    const store = createFileStore(dir);
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"version":1,"runId":"bro');
    const error = await rejection(store.load('broken'));
    expect(error.code).toBe('E_STORE');
    expect(error.message).toContain(file);
    expect((await rejection(store.list({ status: 'running' }))).message).toContain(file);
  });

  it('reports a file holding some other JSON as E_STORE', async () => {
    const store = createFileStore(dir);
    await writeFile(join(dir, 'run-1.json'), JSON.stringify(makeRecord('run-2')));
    await writeFile(join(dir, 'run-3.json'), '[]');
    expect((await rejection(store.load('run-1'))).message).toContain('run-1.json');
    expect((await rejection(store.load('run-3'))).code).toBe('E_STORE');
  });

  it('shares state with another store on the same directory', async () => {
    await createFileStore(dir).save(makeRecord('run-1', { status: 'done' }));
    expect(await createFileStore(dir).list({ status: 'done' })).toEqual(['run-1']);
  });
});

describe('the file store lists runs from each record file first line', () => {
  it('reads a listing without parsing the trace, and a run with changes in its log whole', async () => {
    const store = createFileStore(dir);
    const big = makeRecord('big-run', {
      trace: Array.from({ length: 2000 }, (_, seq) => ({
        seq,
        at: seq,
        type: 'log' as const,
        level: 'info' as const,
        message: `line ${seq} `.repeat(10),
      })),
    });
    await store.save(big);
    const file = join(dir, 'big-run.json');
    const text = await readFile(file, 'utf8');
    expect(text.indexOf('\n')).toBeLessThan(400);
    // Everything after the first line broken: a list still shows the run, a load refuses it.
    await writeFile(file, `${text.slice(0, text.indexOf('\n') + 1)}{ torn`);
    expect((await store.listRuns!()).runs).toMatchObject([{ runId: 'big-run', status: 'running' }]);
    await expect(createFileStore(dir).load('big-run')).rejects.toMatchObject({ code: 'E_STORE' });
    expect(await createFileStore(dir).listRuns!()).toMatchObject({ runs: [{ runId: 'big-run' }] });
  });

  it('lists a record written before listings (no first line) by loading it', async () => {
    const old = makeRecord('old-run', { createdAt: 7 });
    await writeFile(join(dir, 'old-run.json'), JSON.stringify(old));
    expect((await createFileStore(dir).listRuns!()).runs).toMatchObject([{ runId: 'old-run', createdAt: 7 }]);
  });

  it('lists 1,000 runs in one page, newest first (the time it took is printed)', async () => {
    const store = createFileStore(dir);
    const trace = Array.from({ length: 200 }, (_, seq) => ({
      seq,
      at: seq,
      type: 'log' as const,
      level: 'info' as const,
      message: `checked https://app.example.com/health → 200 (${seq})`,
    }));
    for (let i = 0; i < 1000; i += 100)
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          store.save(makeRecord(`run-${i + j}`, { createdAt: i + j, trace })),
        ),
      );
    const started = performance.now();
    const page = await createFileStore(dir).listRuns!({ limit: 1000 });
    const took = performance.now() - started;
    expect(page.runs).toHaveLength(1000);
    expect(page.runs[0]?.runId).toBe('run-999');
    console.info(`file store: listed 1,000 runs (200 trace events each) in ${took.toFixed(0)} ms`);
  });
});

import { afterEach, beforeEach, expect, test } from 'vitest';
import { createFileStore } from '@firstline/core';
import type { RunStore } from '@firstline/core';
import { serve } from '@firstline/server';
import type { FirstlineServer, ServeOptions } from '@firstline/server';
import { AUTH, get, holdThenRestart, post, recordingLogger, tempDir, TOKEN, testActions } from './support.js';
import type { TestActions } from './support.js';

let temp: Awaited<ReturnType<typeof tempDir>>;
let store: RunStore;
const servers: FirstlineServer[] = [];

beforeEach(async () => {
  temp = await tempDir();
  store = createFileStore(temp.dir);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
  await temp.remove();
});

async function start(test$: TestActions, overrides: Partial<ServeOptions> = {}) {
  const server = await serve({
    playbooks: { hold: holdThenRestart },
    actions: test$.actions,
    // A fresh store object on the same directory: what a restarted process has.
    store: createFileStore(temp.dir),
    auth: { tokens: [TOKEN] },
    logger: recordingLogger(),
    concurrency: 1,
    ...overrides,
  });
  servers.push(server);
  return server;
}

const startRun = (server: FirstlineServer, instance: string) =>
  post(`${server.url}/runs`, { playbook: 'hold', input: { instance }, runId: `run-${instance}` }, AUTH);

test('shutdown suspends the in-flight run and stores the queued one; a new serve() on the store resumes both', async () => {
  const first = testActions();
  const server = await start(first);
  expect((await startRun(server, 'a')).body.status).toBe('running');
  expect((await startRun(server, 'b')).body.status).toBe('queued');
  await first.heldCount(1);

  await server.close({ graceMs: 0 });
  const a = await store.load('run-a');
  const b = await store.load('run-b');
  // Both stored as running (resumable), neither finished, nothing restarted.
  expect(a).toMatchObject({ status: 'running' });
  expect(b).toMatchObject({ status: 'running' });
  expect(a!.trace.map((e) => e.type)).toContain('step.start');
  expect(a!.trace.at(-1)?.type).toBe('run.suspend');
  expect(first.restarts).toEqual([]);

  const second = testActions();
  second.release();
  const restarted = await start(second);
  for (const id of ['a', 'b']) {
    const done = await get(`${restarted.url}/runs/run-${id}?wait=true`, AUTH);
    expect(done.body).toMatchObject({ status: 'done', outcome: 'recovered' });
  }
  expect(second.restarts.sort()).toEqual(['a', 'b']);
  expect(first.restarts).toEqual([]);
});

test('during the grace period new requests get 503 and in-flight runs may finish', async () => {
  const test$ = testActions();
  const server = await start(test$);
  await startRun(server, 'a');
  await startRun(server, 'b');
  await test$.heldCount(1);

  const closing = server.close({ graceMs: 60_000 });
  const refused = await startRun(server, 'c');
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('5');
  expect((await get(`${server.url}/healthz`)).status).toBe(503);

  test$.release();
  await closing;
  expect(await store.load('run-a')).toMatchObject({ status: 'done', outcome: 'recovered' });
  // The queued run was not started in the grace period: it was stored, for the next start.
  expect(await store.load('run-b')).toMatchObject({ status: 'running' });
  expect(await store.load('run-c')).toBeUndefined();
  expect(test$.restarts).toEqual(['a']);
});

test('resumeOnStart: false leaves stored runs alone', async () => {
  const first = testActions();
  const server = await start(first);
  await startRun(server, 'a');
  await first.heldCount(1);
  await server.close({ graceMs: 0 });

  const second = testActions();
  second.release();
  const restarted = await start(second, { resumeOnStart: false });
  const status = await get(`${restarted.url}/runs/run-a?wait=true`, AUTH);
  expect(status.body).toMatchObject({ status: 'running' });
  expect(second.held).toEqual([]);
});

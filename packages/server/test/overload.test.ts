import { afterEach, expect, test } from 'vitest';
import { createMemoryStore } from '@firstline/core';
import { serve } from '@firstline/server';
import type { FirstlineServer } from '@firstline/server';
import { AUTH, get, holdThenRestart, post, recordingLogger, TOKEN, testActions } from './support.js';

let server: FirstlineServer | undefined;
afterEach(() => server?.close({ graceMs: 0 }));

test('overload: concurrency 1, queueLimit 2 → the rest get 429 + Retry-After; every accepted run finishes, in order', async () => {
  const test$ = testActions();
  const store = createMemoryStore();
  server = await serve({
    playbooks: { hold: holdThenRestart },
    actions: test$.actions,
    store,
    auth: { tokens: [TOKEN] },
    logger: recordingLogger(),
    concurrency: 1,
    queueLimit: 2,
  });
  const start = (instance: string) =>
    post(`${server!.url}/runs`, { playbook: 'hold', input: { instance }, runId: `run-${instance}` }, AUTH);

  const accepted = [await start('a'), await start('b'), await start('c')];
  expect(accepted.map((r) => [r.status, r.body.status])).toEqual([
    [202, 'running'],
    [202, 'queued'],
    [202, 'queued'],
  ]);
  await test$.heldCount(1);

  const refused = [await start('d'), await start('e')];
  for (const res of refused) {
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body.error).toMatchObject({ code: 'E_OVERLOADED', retryAfterSeconds: 5 });
  }
  // A duplicate of an accepted run is not more load: answered, not refused.
  expect((await start('b')).body).toEqual({
    runId: 'run-b',
    playbook: 'hold-then-restart',
    status: 'queued',
    duplicate: true,
  });

  const queued = await get(`${server.url}/runs/run-c`, AUTH);
  expect(queued.body).toMatchObject({
    runId: 'run-c',
    status: 'queued',
    position: 1,
    inputs: { instance: 'c' },
  });
  expect((await get(`${server.url}/healthz`)).body).toEqual({
    status: 'ok',
    running: 1,
    queued: 2,
    concurrency: 1,
    queueLimit: 2,
  });

  test$.release();
  for (const id of ['a', 'b', 'c']) {
    const done = await get(`${server.url}/runs/run-${id}?wait=true`, AUTH);
    expect(done.body).toMatchObject({ status: 'done', outcome: 'recovered' });
  }
  expect(test$.held).toEqual(['a', 'b', 'c']);
  expect(test$.restarts).toEqual(['a', 'b', 'c']);
  expect((await store.list()).sort()).toEqual(['run-a', 'run-b', 'run-c']);
  expect((await get(`${server.url}/runs/run-d`, AUTH)).status).toBe(404);
});

test('a batch that does not fit is refused whole: a webhook is all or nothing', async () => {
  const test$ = testActions();
  server = await serve({
    playbooks: { hold: holdThenRestart },
    actions: test$.actions,
    auth: { tokens: [TOKEN] },
    logger: recordingLogger(),
    routes: [{ playbook: 'hold', inputs: (alert) => ({ instance: alert.labels.instance }) }],
    concurrency: 1,
    queueLimit: 1,
  });
  const alert = (instance: string) => ({
    status: 'firing',
    labels: { alertname: 'Down', instance },
    annotations: {},
    startsAt: '2024-05-01T12:00:00Z',
    fingerprint: `fp-${instance}`,
  });
  const hook = (...instances: string[]) =>
    post(
      `${server!.url}/alertmanager`,
      { version: '4', status: 'firing', receiver: 'fl', alerts: instances.map(alert) },
      AUTH,
    );
  expect((await hook('a')).status).toBe(202);
  await test$.heldCount(1);
  const res = await hook('b', 'c');
  expect(res.status).toBe(429);
  expect((await get(`${server.url}/healthz`)).body).toMatchObject({ running: 1, queued: 0 });
  test$.release();
});

test("a second run for a locked resource ends skipped at once, naming the lock's holder", async () => {
  const test$ = testActions();
  server = await serve({
    playbooks: { hold: { ...holdThenRestart, lock: { key: '{{ inputs.instance }}' } } },
    actions: test$.actions,
    auth: { tokens: [TOKEN] },
    logger: recordingLogger(),
    concurrency: 2,
  });
  const start = (runId: string) =>
    post(`${server!.url}/runs`, { playbook: 'hold', input: { instance: 'i-1' }, runId }, AUTH);
  await start('first');
  await test$.heldCount(1);
  const second = await post(
    `${server.url}/runs?wait=true`,
    { playbook: 'hold', input: { instance: 'i-1' }, runId: 'second' },
    AUTH,
  );
  expect(second.body).toMatchObject({
    status: 'done',
    outcome: 'skipped',
    skipped: { reason: 'lock', key: 'i-1', holder: 'first' },
    steps: {},
  });
  expect((await get(`${server.url}/runs/first`, AUTH)).body).toMatchObject({
    status: 'running',
    lock: { key: 'i-1' },
  });
  test$.release();
  expect((await get(`${server.url}/runs/first?wait=true`, AUTH)).body).toMatchObject({
    outcome: 'recovered',
  });
  expect(test$.restarts).toEqual(['i-1']);
});

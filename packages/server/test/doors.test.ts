// What a request may carry through the server's doors: run ids that are file names, and values
// within core's DATA_LIMITS. The runs are kept in a file store, where a bad id or an unstorable
// value used to surface as a 500 or a run that died unstored.
import { readdir } from 'node:fs/promises';
import { afterEach, expect, test } from 'vitest';
import { createFileStore } from '@firstline/core';
import { serve } from '@firstline/server';
import type { FirstlineServer } from '@firstline/server';
import {
  AUTH,
  get,
  post,
  recordingLogger,
  startTarget,
  tempDir,
  TOKEN,
  testActions,
  webRestart,
} from './support.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<{ server: FirstlineServer; dir: string; input: Record<string, string> }> {
  const { dir, remove } = await tempDir();
  cleanups.push(remove);
  const target = await startTarget();
  cleanups.push(target.close);
  const server = await serve({
    playbooks: { 'web-restart': webRestart },
    actions: testActions().actions,
    store: createFileStore(dir),
    auth: { tokens: [TOKEN] },
    logger: recordingLogger(),
    routes: [{ playbook: 'web-restart', match: { alertname: 'WebDown' } }],
  });
  cleanups.push(() => server.close({ graceMs: 0 }));
  return { server, dir, input: { url: target.url, instance: 'web-1' } };
}

/** `"x"` wrapped in `depth` JSON arrays, as text (JSON.parse reads it back fine). */
const deepJson = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;

const errorOf = (res: { body: Record<string, unknown> }) =>
  res.body.error as { code: string; message: string };

test('run ids ".", "..", with a slash or too long are a 400 E_RUN_ID_INVALID, and nothing is stored', async () => {
  const { server, dir, input } = await start();
  for (const runId of ['.', '..', '../x', 'a/b', 'a b', '', 'x'.repeat(201)]) {
    const res = await post(`${server.url}/runs`, { playbook: 'web-restart', input, runId }, AUTH);
    expect({ runId, status: res.status, code: errorOf(res).code }).toEqual({
      runId,
      status: 400,
      code: 'E_RUN_ID_INVALID',
    });
  }
  const lookup = await get(`${server.url}/runs/..%2Fetc`, AUTH);
  expect(lookup.status).toBe(400);
  expect(errorOf(lookup).code).toBe('E_RUN_ID_INVALID');
  // The odd but valid ones still work.
  const ok = await post(
    `${server.url}/runs?wait=true`,
    { playbook: 'web-restart', input, runId: '...' },
    AUTH,
  );
  expect(ok.status).toBe(200);
  expect(await readdir(dir)).toContain('....json');
});

test('a trigger nested 5,000 deep is a 400 E_DATA_LIMIT at the door, never a run', async () => {
  const { server, dir, input } = await start();
  const body = `{"playbook": "web-restart", "input": ${JSON.stringify(input)}, "trigger": ${deepJson(5000)}}`;
  const res = await post(`${server.url}/runs`, body, AUTH);
  expect(res.status).toBe(400);
  expect(errorOf(res)).toEqual({
    code: 'E_DATA_LIMIT',
    message: `body.trigger${'[0]'.repeat(63)}: nested deeper than 64 levels`,
  });
  expect((await get(`${server.url}/runs`, AUTH)).body.runs).toEqual([]);
  expect(await readdir(dir)).toEqual([]);
});

test('__proto__, constructor and prototype keys in an input or a webhook are a 400 E_UNSAFE_KEY', async () => {
  const { server, input } = await start();
  const raw = `{"playbook": "web-restart", "input": {"url": "${input.url}", "instance": "web-1", "__proto__": {"instance": "evil"}}}`;
  const res = await post(`${server.url}/runs`, raw, AUTH);
  expect(res.status).toBe(400);
  expect(errorOf(res)).toEqual({
    code: 'E_UNSAFE_KEY',
    message: `body.input: the key "__proto__" is refused: it would reach the object's prototype`,
  });
  const webhook = {
    version: '4',
    status: 'firing',
    alerts: [{ status: 'firing', labels: { alertname: 'WebDown', constructor: 'x' }, annotations: {} }],
  };
  const hook = await post(`${server.url}/alertmanager`, webhook, AUTH);
  expect(hook.status).toBe(400);
  expect(errorOf(hook).code).toBe('E_UNSAFE_KEY');
  const wide = await post(
    `${server.url}/alertmanager`,
    { alerts: Array.from({ length: 10_001 }, () => 0) },
    AUTH,
  );
  expect(wide.status).toBe(400);
  expect(errorOf(wide).message).toBe('body.alerts: has 10001 items; at most 10000');
  const sns = await post(`${server.url}/sns`, `{"Type": "Notification", "x": ${deepJson(100)}}`);
  expect(sns.status).toBe(400);
  expect(errorOf(sns).code).toBe('E_DATA_LIMIT');
});

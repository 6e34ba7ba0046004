import { request } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryStore } from '@firstline/core';
import type { RunStore } from '@firstline/core';
import { serve } from '@firstline/server';
import type { FirstlineServer, ServeOptions } from '@firstline/server';
import { AUTH, get, post, recordingLogger, startTarget, TOKEN, testActions, webRestart } from './support.js';

const servers: FirstlineServer[] = [];
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(overrides: Partial<ServeOptions> = {}) {
  const target = await startTarget();
  closers.push(target.close);
  const actions = testActions();
  const logger = recordingLogger();
  const server = await serve({
    playbooks: { 'web-restart': webRestart },
    actions: actions.actions,
    auth: { tokens: [TOKEN] },
    logger,
    ...overrides,
  });
  servers.push(server);
  return { server, target, actions, logger, input: { url: target.url, instance: 'web-1' } };
}

describe('POST /runs', () => {
  test('starts a run: 202 with its id and a Location; ?wait=true answers with the outcome', async () => {
    const { server, input, actions } = await start();
    const queued = await post(`${server.url}/runs`, { playbook: 'web-restart', input }, AUTH);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ playbook: 'web-restart', duplicate: false });
    expect(['queued', 'running']).toContain(queued.body.status);
    expect(queued.headers.get('location')).toBe(`/runs/${String(queued.body.runId)}`);

    const waited = await post(
      `${server.url}/runs?wait=true`,
      { playbook: 'web-restart', input, runId: 'deploy-42' },
      AUTH,
    );
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({
      runId: 'deploy-42',
      status: 'done',
      outcome: 'healthy',
      inputs: input,
    });
    expect(actions.restarts).toEqual([]);
  });

  test('a runId that exists is a duplicate, not a second run', async () => {
    const { server, input } = await start();
    await post(`${server.url}/runs?wait=true`, { playbook: 'web-restart', input, runId: 'once' }, AUTH);
    const again = await post(`${server.url}/runs`, { playbook: 'web-restart', input, runId: 'once' }, AUTH);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ runId: 'once', playbook: 'web-restart', status: 'done', duplicate: true });
  });

  test('auth: 401 without a token or with a wrong one; 403 when the server has no auth configured', async () => {
    const { server, input } = await start();
    expect((await post(`${server.url}/runs`, { playbook: 'web-restart', input })).status).toBe(401);
    const wrong = await post(
      `${server.url}/runs`,
      { playbook: 'web-restart', input },
      { Authorization: `Bearer ${TOKEN}x` },
    );
    expect(wrong.status).toBe(401);
    expect((await get(`${server.url}/runs/anything`)).status).toBe(401);

    const open = await start({ auth: undefined });
    const refused = await post(`${open.server.url}/runs`, { playbook: 'web-restart', input }, AUTH);
    expect(refused.status).toBe(403);
    expect((refused.body.error as { message: string }).message).toMatch(/set auth: \{ tokens/);

    const explicit = await start({ auth: false });
    expect(
      (await post(`${explicit.server.url}/runs?wait=1`, { playbook: 'web-restart', input: explicit.input }))
        .status,
    ).toBe(200);
  });

  test('malformed JSON is a 400 saying where it breaks', async () => {
    const { server } = await start();
    const res = await post(`${server.url}/runs`, '{"playbook": "web-restart", "input": }', AUTH);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'E_BAD_REQUEST',
      message: `body is not JSON: unexpected "}" at position 37 (line 1, column 38)`,
    });
    const empty = await post(`${server.url}/runs`, '', AUTH);
    expect((empty.body.error as { message: string }).message).toBe('body is empty; expected a JSON object');
  });

  test('schema-invalid bodies are 400s naming the field', async () => {
    const { server, input } = await start();
    const cases: Array<[unknown, RegExp]> = [
      [[1, 2], /body must be an object/],
      [{ input }, /playbook must be the name/],
      [{ playbook: 'web-restart', inputs: input }, /unknown field inputs \(did you mean input\?\)/],
      [{ playbook: 'web-restart', input: 'url=x' }, /input must be an object/],
      [{ playbook: 'web-restart', input, runId: '../etc/passwd' }, /runId "..\/etc\/passwd" is invalid/],
    ];
    for (const [body, message] of cases) {
      const res = await post(`${server.url}/runs`, body, AUTH);
      expect(res.status).toBe(400);
      expect((res.body.error as { message: string }).message).toMatch(message);
    }
  });

  test("inputs the playbook refuses are a 400 with core's problems; an unknown playbook is a 404", async () => {
    const { server, target } = await start();
    const res = await post(
      `${server.url}/runs`,
      { playbook: 'web-restart', input: { url: target.url, instance: 'a b' } },
      AUTH,
    );
    expect(res.status).toBe(400);
    const error = res.body.error as { code: string; problems: Array<{ path: string }> };
    expect(error.code).toBe('E_INPUT_INVALID');
    expect(error.problems.map((p) => p.path)).toEqual(['inputs.instance']);
    const missing = await post(`${server.url}/runs`, { playbook: 'nope', input: {} }, AUTH);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'E_PLAYBOOK_NOT_FOUND', playbooks: ['web-restart'] });
  });

  test('a body over maxBodyBytes is a 413, whether Content-Length says so or not', async () => {
    const { server, input } = await start({ maxBodyBytes: 1024 });
    const big = { playbook: 'web-restart', input, trigger: { padding: 'x'.repeat(5000) } };
    const res = await post(`${server.url}/runs`, big, AUTH);
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({
      code: 'E_PAYLOAD_TOO_LARGE',
      message: 'body is larger than the limit of 1024 bytes',
    });
    // Chunked: no Content-Length, so the limit is found while reading.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/runs`,
        { method: 'POST', headers: { ...AUTH, 'Transfer-Encoding': 'chunked' } },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(500));
      req.end();
    });
    expect(chunked).toBe(413);
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
  });

  test('wrong method is a 405 with Allow; an unknown path a 404', async () => {
    const { server } = await start();
    const res = await fetch(`${server.url}/alertmanager`, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    const del = await fetch(`${server.url}/runs/x`, { method: 'DELETE', headers: AUTH });
    expect(del.status).toBe(405);
    expect((await get(`${server.url}/nothing-here`)).status).toBe(404);
  });

  test('an unexpected failure is a 500 with a request id that the log has; the server goes on', async () => {
    const broken: RunStore = {
      ...createMemoryStore(),
      load: () => Promise.reject(new Error('disk on fire')),
    };
    const { server, input, logger } = await start({ store: broken, resumeOnStart: false });
    const res = await post(`${server.url}/runs`, { playbook: 'web-restart', input }, AUTH);
    expect(res.status).toBe(500);
    const error = res.body.error as { code: string; requestId: string; message: string };
    expect(error.code).toBe('E_INTERNAL');
    expect(error.message).not.toMatch(/disk on fire/);
    expect(res.headers.get('x-request-id')).toBe(error.requestId);
    expect(logger.lines.find((l) => l.level === 'error')?.message).toMatch(
      new RegExp(`${error.requestId}.*disk on fire`, 's'),
    );
    expect((await get(`${server.url}/healthz`)).body).toMatchObject({ status: 'ok', running: 0, queued: 0 });
  });
});

describe('GET /runs', () => {
  test('an unknown run is a 404; the list shows stored runs', async () => {
    const { server, input } = await start();
    const missing = await get(`${server.url}/runs/no-such-run`, AUTH);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ code: 'E_NOT_FOUND', message: 'no run no-such-run' });
    await post(`${server.url}/runs?wait=true`, { playbook: 'web-restart', input, runId: 'listed' }, AUTH);
    const list = await get(`${server.url}/runs?status=done`, AUTH);
    expect(list.body).toEqual({ runs: [{ runId: 'listed', status: 'done' }] });
    expect((await get(`${server.url}/runs?status=weird`, AUTH)).status).toBe(400);
  });
});

describe('runs that cannot start, and shadow mode', () => {
  test('a run whose secrets do not resolve is answered as failed, with why', async () => {
    const withSecret = {
      ...webRestart,
      name: 'needs-secret',
      secrets: { apiKey: { env: 'FIRSTLINE_TEST_MISSING' } },
    };
    const { server, input, logger } = await start({ playbooks: { 'needs-secret': withSecret }, env: {} });
    const res = await post(
      `${server.url}/runs?wait=true`,
      { playbook: 'needs-secret', input, runId: 'no-secret' },
      AUTH,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      runId: 'no-secret',
      status: 'done',
      outcome: 'failed',
      error: { code: 'E_SECRET_UNRESOLVED' },
    });
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('no-secret'))).toBe(true);
  });

  test('mode shadow: probes run, the restart is only planned', async () => {
    const { server, target, actions } = await start({ mode: 'shadow' });
    target.status.code = 500;
    const res = await post(
      `${server.url}/runs?wait=true`,
      { playbook: 'web-restart', input: { url: target.url, instance: 'web-1' } },
      AUTH,
    );
    expect(res.body).toMatchObject({ status: 'done', outcome: 'recovered' });
    expect((res.body.steps as Record<string, { plan?: string }>).restart!.plan).toBeDefined();
    expect(actions.restarts).toEqual([]);
  });
});

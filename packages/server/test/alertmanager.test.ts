import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createMemoryStore } from '@firstline/core';
import type { RunStore } from '@firstline/core';
import { serve } from '@firstline/server';
import type { AlertmanagerAlert, FirstlineServer } from '@firstline/server';
import { AUTH, get, post, recordingLogger, startTarget, TOKEN, testActions, webRestart } from './support.js';
import type { TestActions } from './support.js';

// The webhook body as Alertmanager sends it (payload version 4, per the Prometheus docs' webhook_config).
function webhook(target: string, alerts: Array<Partial<AlertmanagerAlert>>) {
  return {
    version: '4',
    groupKey: '{}/{severity="page"}:{alertname="HighLatency"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'firstline',
    groupLabels: { alertname: 'HighLatency' },
    commonLabels: { alertname: 'HighLatency', job: 'web', severity: 'page' },
    commonAnnotations: { summary: 'p99 latency over 2s' },
    externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((alert) => ({
      status: 'firing',
      labels: { alertname: 'HighLatency', instance: 'web-1:9100', job: 'web', severity: 'page' },
      annotations: { summary: 'p99 latency over 2s', url: target },
      startsAt: '2024-05-01T12:00:00.000Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=latency_p99+%3E+2',
      fingerprint: 'a1b2c3d4e5f60718',
      ...alert,
    })),
  };
}

let server: FirstlineServer;
let target: Awaited<ReturnType<typeof startTarget>>;
let test$: TestActions;
let store: RunStore;
const logger = recordingLogger();

beforeEach(async () => {
  target = await startTarget();
  test$ = testActions();
  store = createMemoryStore();
  server = await serve({
    playbooks: { 'web-restart': webRestart },
    actions: test$.actions,
    store,
    logger,
    auth: { tokens: ['another-token', TOKEN] },
    routes: [
      {
        playbook: 'web-restart',
        match: { alertname: 'HighLatency', severity: /^(page|critical)$/ },
        inputs: (alert) => ({ url: alert.annotations.url, instance: alert.labels.instance }),
      },
    ],
  });
});

afterEach(async () => {
  await server.close({ graceMs: 0 });
  await target.close();
});

async function finished(runId: string) {
  const res = await get(`${server.url}/runs/${runId}?wait=true`, AUTH);
  expect(res.body.status).toBe('done');
  return res.body;
}

describe('POST /alertmanager', () => {
  test('a firing alert starts a run of its route; GET /runs/:id shows its trace', async () => {
    target.status.code = 503;
    const res = await post(`${server.url}/alertmanager`, webhook(target.url, [{}]), AUTH);
    expect(res.status).toBe(202);
    const runs = res.body.runs as Array<{ runId: string; playbook: string; duplicate: boolean }>;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ playbook: 'web-restart', duplicate: false });
    expect(runs[0]!.runId).toMatch(/^am-[0-9a-f]{32}$/);

    const run = await finished(runs[0]!.runId);
    expect(run).toMatchObject({ outcome: 'recovered', inputs: { url: target.url, instance: 'web-1:9100' } });
    // A 5xx is the target's verdict: http.check ends `fail`, which the playbook routes to the restart.
    expect((run.steps as Record<string, { outcome: string; error: string }>).probe).toMatchObject({
      outcome: 'fail',
      error: expect.stringMatching(/503/) as unknown,
    });
    const types = (run.trace as Array<{ type: string; step?: string }>).map(
      (e) => `${e.type}${e.step ? `:${e.step}` : ''}`,
    );
    expect(types).toContain('step.end:probe');
    expect(types).toContain('step.end:restart');
    expect(types.at(-1)).toBe('run.end');
    expect(test$.restarts).toEqual(['web-1:9100']);
  });

  test('the same webhook sent again names the same run and starts nothing more', async () => {
    target.status.code = 500;
    const body = webhook(target.url, [{}]);
    const first = await post(`${server.url}/alertmanager`, body, AUTH);
    const again = await post(`${server.url}/alertmanager`, body, AUTH);
    const [a] = first.body.runs as Array<{ runId: string }>;
    const [b] = again.body.runs as Array<{ runId: string; duplicate: boolean }>;
    expect(b!.runId).toBe(a!.runId);
    expect(b!.duplicate).toBe(true);
    await finished(a!.runId);
    const late = await post(`${server.url}/alertmanager`, body, AUTH);
    expect(late.body.runs).toEqual([
      { runId: a!.runId, playbook: 'web-restart', status: 'done', duplicate: true },
    ]);
    expect(test$.restarts).toEqual(['web-1:9100']);
    expect(await store.list()).toEqual([a!.runId]);
  });

  test('a new firing of the alert (a new startsAt) is a new run', async () => {
    const first = await post(`${server.url}/alertmanager`, webhook(target.url, [{}]), AUTH);
    const later = await post(
      `${server.url}/alertmanager`,
      webhook(target.url, [{ startsAt: '2024-05-01T13:00:00.000Z' }]),
      AUTH,
    );
    const ids = [first, later].map((r) => (r.body.runs as Array<{ runId: string }>)[0]!.runId);
    expect(new Set(ids).size).toBe(2);
  });

  test('resolved and unrouted alerts are ignored and listed', async () => {
    const res = await post(
      `${server.url}/alertmanager`,
      webhook(target.url, [
        { status: 'resolved', fingerprint: 'f1' },
        { fingerprint: 'f2', labels: { alertname: 'DiskFull', severity: 'page' } },
        { fingerprint: 'f3', labels: { alertname: 'HighLatency', severity: 'ticket' } },
      ]),
      AUTH,
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      runs: [],
      rejected: [],
      ignored: [
        { fingerprint: 'f1', reason: 'resolved' },
        { fingerprint: 'f2', reason: 'no route matches its labels' },
        { fingerprint: 'f3', reason: 'no route matches its labels' },
      ],
    });
    expect(await store.list()).toEqual([]);
  });

  test("an alert the playbook's inputs refuse is a 400 naming the input; nothing runs", async () => {
    const res = await post(
      `${server.url}/alertmanager`,
      webhook(target.url, [
        { labels: { alertname: 'HighLatency', severity: 'page', instance: 'web 1; rm -rf /' } },
      ]),
      AUTH,
    );
    expect(res.status).toBe(400);
    const error = res.body.error as { code: string; message: string; rejected: Array<{ problems: unknown }> };
    expect(error.code).toBe('E_INPUT_INVALID');
    expect(error.message).toMatch(/instance/);
    expect(error.rejected[0]!.problems).toEqual([expect.objectContaining({ path: 'inputs.instance' })]);
    expect(await store.list()).toEqual([]);
  });

  test('a payload of the wrong shape is a 400 naming the field', async () => {
    const bad = webhook(target.url, [{}]);
    (bad.alerts[0] as Record<string, unknown>).labels = { alertname: 7 };
    const res = await post(`${server.url}/alertmanager`, bad, AUTH);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'E_BAD_REQUEST',
      message: 'alerts[0].labels.alertname must be a string',
    });
    const noAlerts = await post(`${server.url}/alertmanager`, { version: '4', status: 'firing' }, AUTH);
    expect((noAlerts.body.error as { message: string }).message).toBe(
      'alerts must be a list (is this an Alertmanager webhook?)',
    );
  });

  test('needs the bearer token (Alertmanager http_config.authorization): 401 without or with a wrong one', async () => {
    const body = webhook(target.url, [{}]);
    const none = await post(`${server.url}/alertmanager`, body);
    const wrong = await post(`${server.url}/alertmanager`, body, { Authorization: 'Bearer not-the-token' });
    for (const res of [none, wrong]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((none.body.error as { message: string }).message).toMatch(/missing bearer token/);
    expect((wrong.body.error as { message: string }).message).toBe('the bearer token is not valid');
    expect(await store.list()).toEqual([]);
  });
});

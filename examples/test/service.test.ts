import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { startApp } from '../service/embed.js';

// examples/service/embed.ts: an existing node:http app with Firstline mounted under /firstline,
// started on an OS-chosen port and driven through one Alertmanager-started run.

const token = 'example-token';
const auth = { Authorization: `Bearer ${token}` };
let dir: string;
let app: Awaited<ReturnType<typeof startApp>>;
let base: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-service-'));
  app = await startApp({ runsDir: dir, token });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await app.close(0);
  await rm(dir, { recursive: true, force: true });
});

test('an Alertmanager webhook to /firstline/alertmanager runs the playbook; the app keeps its own routes', async () => {
  const webhook = {
    version: '4',
    status: 'firing',
    receiver: 'firstline',
    groupLabels: { alertname: 'WebDown' },
    commonLabels: {},
    commonAnnotations: {},
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'WebDown', instance: 'web-1' },
        annotations: { url: `${base}/health` },
        startsAt: '2024-05-01T12:00:00Z',
        fingerprint: '5e1f0c9a7d2b3c4e',
      },
    ],
  };
  const started = await fetch(`${base}/firstline/alertmanager`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(webhook),
  });
  expect(started.status).toBe(202);
  const { runs } = (await started.json()) as { runs: Array<{ runId: string }> };

  const run = await fetch(`${base}/firstline/runs/${runs[0]!.runId}?wait=true`, { headers: auth });
  const body = (await run.json()) as { status: string; outcome: string; inputs: unknown };
  expect(body).toMatchObject({ status: 'done', outcome: 'healthy', inputs: { instance: 'web-1' } });

  expect((await fetch(`${base}/health`)).status).toBe(200);
  expect((await fetch(`${base}/firstline/runs/${runs[0]!.runId}`)).status).toBe(401);
  expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
});

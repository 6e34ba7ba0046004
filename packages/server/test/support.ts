// Shared helpers of the server's tests: playbooks, a recording remediation, a probe held by a
// test-controlled gate, a loopback target for http.check, and a log that keeps its lines.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineAction } from '@firstline/core';
import type { AnyActionDefinition, Logger } from '@firstline/core';
import { createHttpCheck } from '@firstline/actions-net';

/** http.check, then a restart when the probe fails: what the Alertmanager and SNS routes run. */
export const webRestart = {
  firstline: 1,
  name: 'web-restart',
  inputs: {
    url: { type: 'string' },
    instance: { type: 'string', pattern: '^[a-zA-Z0-9.:_-]+$' },
  },
  steps: [
    {
      id: 'probe',
      action: 'http.check',
      with: { url: '{{ inputs.url }}', expectStatus: 200, maxLatency: '5s' },
      retry: { attempts: 1 },
      on: { pass: 'healthy', fail: 'restart', error: 'restart' },
    },
    { id: 'restart', action: 'test.restart', with: { instance: '{{ inputs.instance }}' } },
    { id: 'fixed', end: 'recovered' },
    { id: 'healthy', end: 'healthy' },
  ],
};

/** Takes what a CloudWatch alarm offers: its name and the instance of its InstanceId dimension. */
export const ec2Restart = {
  firstline: 1,
  name: 'ec2-restart',
  inputs: {
    instanceId: { type: 'string', pattern: '^i-[0-9a-f]{8,17}$' },
    alarmName: { type: 'string' },
    region: { type: 'string', default: 'us-east-1' },
  },
  steps: [
    { id: 'restart', action: 'test.restart', with: { instance: '{{ inputs.instanceId }}' } },
    { id: 'done', end: 'recovered' },
  ],
};

/** A probe that waits for the test's gate, then a restart: runs that stay in flight on demand. */
export const holdThenRestart = {
  firstline: 1,
  name: 'hold-then-restart',
  inputs: { instance: { type: 'string' } },
  steps: [
    { id: 'hold', action: 'test.hold', with: { instance: '{{ inputs.instance }}' }, timeout: '10m' },
    { id: 'restart', action: 'test.restart', with: { instance: '{{ inputs.instance }}' } },
    { id: 'done', end: 'recovered' },
  ],
};

/** The test actions, their calls, and the gate the held probe waits for. */
export interface TestActions {
  actions: AnyActionDefinition[];
  /** Instances restarted, in order. */
  restarts: string[];
  /** Instances whose held probe has started, in order. */
  held: string[];
  /** Lets every held probe (running or future) pass. */
  release(): void;
  /** Resolves once `count` held probes have started. */
  heldCount(count: number): Promise<void>;
}

/** Fresh test actions: `test.restart` records, `test.hold` waits for release() (or its abort signal). */
export function testActions(): TestActions {
  const restarts: string[] = [];
  const held: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const watchers: Array<() => void> = [];
  const restart = defineAction<{ instance: string }, { restarted: string }>({
    id: 'test.restart',
    kind: 'remediation',
    description: 'Restarts an instance (records the call).',
    input: { type: 'object', required: ['instance'], properties: { instance: { type: 'string' } } },
    run: (input) => {
      restarts.push(input.instance);
      return Promise.resolve({ restarted: input.instance });
    },
  });
  const hold = defineAction<{ instance: string }, { held: string }>({
    id: 'test.hold',
    kind: 'probe',
    description: 'Waits for the test to release it.',
    input: { type: 'object', required: ['instance'], properties: { instance: { type: 'string' } } },
    run: (input, ctx) => {
      held.push(input.instance);
      for (const watcher of watchers.splice(0)) watcher();
      return new Promise((resolve, reject) => {
        void gate.then(() => resolve({ held: input.instance }));
        ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    },
  });
  const heldCount = (count: number): Promise<void> =>
    held.length >= count
      ? Promise.resolve()
      : new Promise((resolve) => watchers.push(() => void heldCount(count).then(resolve)));
  return { actions: [createHttpCheck(), restart, hold], restarts, held, release, heldCount };
}

/** A loopback HTTP target whose status the test sets: what http.check probes. */
export async function startTarget(): Promise<{
  url: string;
  status: { code: number };
  close: () => Promise<void>;
}> {
  const status = { code: 200 };
  const server: Server = createServer((_req, res) => {
    res.writeHead(status.code, { 'Content-Type': 'text/plain' });
    res.end(status.code === 200 ? 'ok' : 'down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health`,
    status,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A logger that keeps its lines, so tests stay quiet and can assert on what was logged. */
export function recordingLogger(): Logger & { lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  const log = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A temp directory, removed by the returned function. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'firstline-server-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** POSTs JSON (or raw text) and returns the status, headers and parsed body. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** GETs a URL and returns the status and parsed body. */
export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** The bearer token the tests configure. */
export const TOKEN = 'test-token-0123456789';
/** The Authorization header for {@link TOKEN}. */
export const AUTH = { Authorization: `Bearer ${TOKEN}` };

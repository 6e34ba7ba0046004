// Shared helpers of the integration tests: the fixtures globalSetup provides, local servers on
// OS-chosen loopback ports, and the test kit's context on the real clock for calling an action directly.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { runPlaybook, systemClock } from '@firstline/core';
import type { ActionDefinition, Clock, RunOptions, RunResult } from '@firstline/core';
import { createTestContext } from '@firstline/core/testing';
import type { TestContext, TestContextOptions } from '@firstline/core/testing';

/** What globalSetup tells the SSH tests (or why they are skipped). */
export interface SshFixture {
  port: number;
  user: string;
  dir: string;
  privateKey: string;
  hostKeyLine: string;
  rsaHostKeyLine: string;
  hostFingerprint: string;
  otherFingerprint: string;
  otherHostKeyLine: string;
}

/** What globalSetup tells the Prometheus tests: the server and the instant its data ends at. */
export interface PrometheusFixture {
  url: string;
  nowMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    ssh: SshFixture | { skip: string };
    prometheus: PrometheusFixture | { skip: string };
  }
}

/**
 * The kit's test context on the real clock: these actions do real network I/O, and their own timeouts
 * (on `ctx.clock`) must pass in real time while they wait for an answer.
 */
export function liveContext(options: TestContextOptions<Clock> = {}): TestContext<Clock> {
  return createTestContext<Clock>({ clock: systemClock, ...options });
}

/** A clock whose now() is fixed (data in a test server is at known times) while its timers are real. */
export function fixedClock(nowMs: number): Clock {
  return {
    now: () => nowMs,
    setTimeout: (fn, ms) => systemClock.setTimeout(fn, ms),
    clearTimeout: (handle) => systemClock.clearTimeout(handle),
  };
}

/** Runs a playbook live on the system clock with the given actions. */
export function runLive(
  playbook: object,
  actions: ActionDefinition[],
  options: Omit<RunOptions, 'actions'> = {},
): Promise<RunResult> {
  return runPlaybook(playbook, { mode: 'live', clock: systemClock, ...options, actions });
}

/** A request a local server received. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local HTTP(S) server on a loopback port, with the requests it received. */
export interface LocalServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0; `tls` makes it HTTPS. The handler sees each request with its body read. */
export async function startServer(
  handler: (req: SeenRequest, res: http.ServerResponse) => void,
  tls?: { key: string; cert: string },
): Promise<LocalServer> {
  const requests: SeenRequest[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(seen);
      handler(seen, res);
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

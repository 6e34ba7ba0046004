import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionError } from '@firstline/core';
import { createTcpCheck } from '@firstline/actions-net';
import { runLive, liveContext } from './support.js';

const check = createTcpCheck();
let listening: net.Server;
let openPort: number;
let closedPort: number;
let accepted = 0;

beforeAll(async () => {
  listening = net.createServer((socket) => {
    accepted++;
    socket.end();
  });
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  openPort = (listening.address() as AddressInfo).port;
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(() => new Promise((resolve) => listening.close(resolve)));

describe('tcp.check against local ports', () => {
  it('connects to a listening port and reports the connect latency and address', async () => {
    const before = accepted;
    const output = await check.run({ host: '127.0.0.1', port: openPort }, liveContext());
    expect(output.address).toBe(`127.0.0.1:${openPort}`);
    expect(output.latencyMs).toBeGreaterThan(0);
    expect(output.dnsMs).toBeUndefined();
    await expect.poll(() => accepted).toBe(before + 1);
  });

  it('resolves a name first and reports the lookup time', async () => {
    const output = await check.run({ host: 'localhost', port: openPort }, liveContext());
    expect(output.dnsMs).toBeGreaterThanOrEqual(0);
  });

  it('fails on a closed port: connection refused, a verdict about the port, retryable', async () => {
    const error = await check.run({ host: '127.0.0.1', port: closedPort }, liveContext()).then(
      () => expect.fail('expected a failure'),
      (e: unknown) => e as ActionError,
    );
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toBe(`tcp.check: 127.0.0.1:${closedPort}: connection refused (ECONNREFUSED)`);
    expect(error.retry).toEqual({ retryable: true, kind: 'network' });
    expect(error.verdict).toBe(true);
  });

  it('runs through the engine with expect over its output; a closed port fails the run', async () => {
    const playbook = (port: number) => ({
      firstline: 1,
      name: 'tcp',
      steps: [
        {
          id: 'port',
          action: 'tcp.check',
          with: { host: '127.0.0.1', port, connectTimeout: '2s' },
          expect: 'output.latencyMs < 500',
        },
      ],
    });
    expect((await runLive(playbook(openPort), [check])).steps.port?.outcome).toBe('pass');
    const closed = await runLive(playbook(closedPort), [check]);
    expect(closed.steps.port?.outcome).toBe('fail');
    expect(closed.steps.port?.error).toContain('ECONNREFUSED');
  });
});

import net from 'node:net';
import { defineAction } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { networkFailure, verdict } from '../shared/failure.js';
import { duration, latencyMs, port } from '../shared/schemas.js';
import { durationMs, round } from '../shared/time.js';

const ID = 'tcp.check';
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

const tcpCheckInput = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port'],
  properties: {
    host: { type: 'string', minLength: 1 },
    port,
    connectTimeout: { ...duration, description: 'Default 10s.' },
  },
} as const satisfies JSONSchema;

const tcpCheckOutput = {
  examples: [{ latencyMs: 3.1, address: '10.0.1.23:5432', dnsMs: 0.8 }],
  type: 'object',
  additionalProperties: false,
  required: ['latencyMs'],
  properties: {
    latencyMs: {
      ...latencyMs,
      description: 'Until the connection was accepted, name resolution included.',
    },
    address: { type: 'string', description: 'The address:port connected to.' },
    dnsMs: { type: 'number', description: 'Name resolution (absent for an IP address).' },
  },
} as const satisfies JSONSchema;

/** Input of `tcp.check`. */
export type TcpCheckInput = FromSchema<typeof tcpCheckInput>;

/** Output of `tcp.check`. */
export type TcpCheckOutput = FromSchema<typeof tcpCheckOutput>;

/**
 * Builds `tcp.check`: whether a TCP port accepts a connection within the connect timeout, and how
 * fast. Refused, reset or no answer in time is the port's verdict, `fail`; a host name that does not
 * resolve or no route from here is `error`.
 */
export function createTcpCheck(): ActionDefinition<TcpCheckInput, TcpCheckOutput> {
  return defineAction({
    id: ID,
    kind: 'probe',
    description: 'Opens a TCP connection; passes when it is accepted within the connect timeout.',
    idempotent: true,
    input: tcpCheckInput,
    output: tcpCheckOutput,
    run: (input, ctx) => connect(input, ctx),
  });
}

function connect(input: TcpCheckInput, ctx: ActionContext): Promise<TcpCheckOutput> {
  const target = `${input.host}:${input.port}`;
  const timeoutMs = durationMs(input.connectTimeout, DEFAULT_CONNECT_TIMEOUT_MS);
  const start = performance.now();
  return new Promise<TcpCheckOutput>((resolve, reject) => {
    if (ctx.signal.aborted) {
      reject(networkFailure(ID, target, ctx.signal.reason, ctx.signal));
      return;
    }
    let lookedUp: number | undefined;
    const socket = net.connect({ host: input.host, port: input.port });
    // The connect timeout is about a real socket, so it runs on a real timer, not the run's clock.
    const timer = setTimeout(() => {
      finish();
      reject(
        verdict(ID, `${target}: no connection within ${input.connectTimeout ?? '10s'} (ETIMEDOUT)`, {
          retryable: true,
          kind: 'timeout',
        }),
      );
    }, timeoutMs);
    const onAbort = () => {
      finish();
      reject(networkFailure(ID, target, ctx.signal.reason, ctx.signal));
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
    };
    socket.once('lookup', () => (lookedUp = performance.now()));
    socket.once('connect', () => {
      const end = performance.now();
      const address = `${socket.remoteAddress ?? input.host}:${socket.remotePort ?? input.port}`;
      finish();
      resolve({
        latencyMs: round(end - start),
        address,
        ...(lookedUp !== undefined && { dnsMs: round(lookedUp - start) }),
      });
    });
    socket.once('error', (error) => {
      finish();
      reject(networkFailure(ID, target, error, ctx.signal));
    });
  });
}

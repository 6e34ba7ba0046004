// Slow and numerous clients: the connection cap and the header/request timeouts of serve(). Short
// limits, raw sockets; the tests wait on socket events, never on a clock.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { CONNECTION_DEFAULTS, serve } from '@firstline/server';
import type { FirstlineServer, ServeOptions } from '@firstline/server';
import { get, recordingLogger, testActions, webRestart } from './support.js';

let server: FirstlineServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close({ graceMs: 0 });
  server = undefined;
});

const start = async (limits: Partial<ServeOptions>) =>
  (server = await serve({
    playbooks: { web: webRestart },
    actions: testActions().actions,
    logger: recordingLogger(),
    auth: false,
    ...limits,
  }));

/** A raw connection: what it was sent back, and a promise of that once the server closes it. */
interface Slow {
  received: () => string;
  closed: Promise<string>;
}

/** Connects, writes `first`, and resolves once connected. */
async function open(url: string, first: string): Promise<Slow> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(data)));
  socket.on('error', () => {}); // a reset from the server is a close here
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(first);
  return { received: () => data, closed };
}

const PARTIAL = 'GET /healthz HTTP/1.1\r\nHost: firstline\r\nX-Slow: ';

test('defaults are documented and sane', () => {
  expect(CONNECTION_DEFAULTS).toEqual({
    maxConnections: 1024,
    headersTimeout: 10_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
  });
});

test('past maxConnections new connections are closed at once; the slow ones go at headersTimeout', async () => {
  // 3 s: long enough that all 45 connections are accepted or refused first, even on a busy machine.
  const { url } = await start({ maxConnections: 5, headersTimeout: 3_000, requestTimeout: 6_000 });
  const held: Slow[] = [];
  for (let i = 0; i < 5; i += 1) held.push(await open(url, PARTIAL));
  // 40 more slow clients: each is closed by the server without an answer, long before any timeout.
  const extra = await Promise.all(Array.from({ length: 40 }, () => open(url, PARTIAL)));
  const extraAnswers = await Promise.all(extra.map((slow) => slow.closed));
  expect(extraAnswers.every((answer) => answer === '')).toBe(true);
  // The five within the cap were still open while the others were being refused...
  expect(held.map((slow) => slow.received())).toEqual(['', '', '', '', '']);
  // ...until their headers took too long: 408 and closed.
  const answers = await Promise.all(held.map((slow) => slow.closed));
  for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  // With the slow clients gone the server answers again.
  expect((await get(`${url}/healthz`)).status).toBe(200);
}, 30_000);

test('a client trickling its headers a byte at a time is dropped at headersTimeout', async () => {
  const { url } = await start({ headersTimeout: 300, requestTimeout: 1_000 });
  const slow = await open(url, 'GET /healthz HTTP/1.1\r\n');
  const socket = sockets.at(-1)!;
  // Never idle: a byte every 20 ms, so only the headers deadline can end it.
  const trickle = setInterval(() => socket.writable && socket.write('X'), 20);
  try {
    expect(await slow.closed).toMatch(/^HTTP\/1\.1 408 /);
  } finally {
    clearInterval(trickle);
  }
});

test('a body that never finishes arriving is dropped at requestTimeout', async () => {
  const { url } = await start({ headersTimeout: 200, requestTimeout: 400 });
  const slow = await open(
    url,
    'POST /runs HTTP/1.1\r\nHost: firstline\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"play',
  );
  expect(await slow.closed).toMatch(/^HTTP\/1\.1 408 /);
});

test('limits that cannot work are refused at start', async () => {
  await expect(start({ maxConnections: 0 })).rejects.toThrow(/maxConnections must be a whole number/);
  await expect(start({ headersTimeout: 5_000, requestTimeout: 1_000 })).rejects.toThrow(
    /headersTimeout \(5000\) must not be longer than requestTimeout \(1000\)/,
  );
});

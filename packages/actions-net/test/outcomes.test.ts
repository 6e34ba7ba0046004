// The outcome table of the README, case by case, through the engine against real loopback servers:
// `fail` when the target answered badly (or not at all), `error` when the check could not be done.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netActions } from '@firstline/actions-net';
import { startDnsResponder } from './dnsResponder.js';
import type { DnsResponder } from './dnsResponder.js';
import { runLive, startServer } from './support.js';
import type { LocalServer } from './support.js';

let web: LocalServer;
let expired: LocalServer;
let untrusted: LocalServer;
let expiredCa: string;
let closedPort: number;
let hangUp: net.Server;
let hangUpPort: number;
let dns: DnsResponder;
let dir: string;
let silentPing: string;
// A name that never resolves (RFC 6761); without a network the resolver may say EAI_AGAIN instead.
const NO_SUCH_HOST = 'no-such-host.invalid';

beforeAll(async () => {
  web = await startServer((req, res) => {
    // /status/503, also as a prefix (/status/503/api/v1/query for a Prometheus URL).
    const status = Number(/^\/status\/(\d{3})(\/|$)/.exec(req.url)?.[1] ?? 200);
    if (req.url === '/hang-up') return res.socket?.destroy();
    if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    return res.writeHead(status, status === 429 ? { 'retry-after': '1' } : {}).end(`status ${status}`);
  });
  // A certificate that expired yesterday, trusted through `ca`: only its dates are wrong.
  const day = 86_400_000;
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 30 * day),
    notAfterDate: new Date(Date.now() - day),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  expiredCa = pems.cert;
  expired = await startServer((_req, res) => res.writeHead(200).end('ok'), {
    key: pems.private,
    cert: pems.cert,
  });
  // A valid certificate nobody here trusts (self-signed, no `ca` given).
  const selfSigned = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
  });
  untrusted = await startServer((_req, res) => res.writeHead(200).end('ok'), {
    key: selfSigned.private,
    cert: selfSigned.cert,
  });
  const closed = await startServer(() => undefined);
  closedPort = closed.port;
  await closed.close();
  // Accepts a connection and drops it at once: a port that is open but serves nothing.
  hangUp = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
  hangUpPort = (hangUp.address() as AddressInfo).port;
  dns = await startDnsResponder({
    answers: {
      'app.firstline.test A': [{ name: 'app.firstline.test', type: 'A', ttl: 60, data: '10.0.0.1' }],
    },
    rcodes: { 'broken.firstline.test': 'SERVFAIL', 'private.firstline.test': 'REFUSED' },
  });
  // A stand-in for ping printing what iputils prints when no reply comes back (a real host that never
  // answers is not reproducible here); the parsing of real ping output is tested in icmp.test.ts.
  dir = await mkdtemp(join(tmpdir(), 'firstline-outcomes-'));
  silentPing = join(dir, 'ping');
  await writeFile(
    silentPing,
    [
      '#!/bin/sh',
      'echo "PING 192.0.2.1 (192.0.2.1) 56(84) bytes of data."',
      'echo',
      'echo "--- 192.0.2.1 ping statistics ---"',
      'echo "2 packets transmitted, 0 received, 100% packet loss, time 1001ms"',
      'exit 1',
      '',
    ].join('\n'),
  );
  await chmod(silentPing, 0o755);
});

afterAll(async () => {
  await web.close();
  await expired.close();
  await untrusted.close();
  await new Promise((resolve) => hangUp.close(resolve));
  await dns.close();
  await rm(dir, { recursive: true, force: true });
});

const actions = () => netActions({ pingPath: silentPing });

/** One step of `action` through the engine: its outcome and error; with the real ping for `realPing`. */
async function step(action: string, withInput: Record<string, unknown>, realPing = false) {
  const result = await runLive(
    { firstline: 1, name: 'outcome', steps: [{ id: 'probe', action, with: withInput, timeout: '10s' }] },
    realPing ? netActions() : actions(),
  );
  return { outcome: result.steps.probe?.outcome, error: result.steps.probe?.error ?? '' };
}

describe('fail: the target answered badly, or not at all', () => {
  it.each([
    ['http.check, HTTP 503', () => ['http.check', { url: `${web.url}/status/503` }], /answered HTTP 503/],
    ['http.check, HTTP 500', () => ['http.check', { url: `${web.url}/status/500` }], /answered HTTP 500/],
    ['http.check, HTTP 404', () => ['http.check', { url: `${web.url}/status/404` }], /answered HTTP 404/],
    [
      'http.check, connection refused',
      () => ['http.check', { url: `http://127.0.0.1:${closedPort}/` }],
      /\(ECONNREFUSED\)/,
    ],
    ['http.check, connection reset', () => ['http.check', { url: `${web.url}/hang-up` }], /\(ECONNRESET\)/],
    ['http.check, redirect loop', () => ['http.check', { url: `${web.url}/loop` }], /redirect loop/],
    [
      'http.check, body not as expected',
      () => ['http.check', { url: `${web.url}/status/200`, expectBody: 'healthy' }],
      /does not match healthy/,
    ],
    [
      'http.check, slower than maxLatency',
      () => ['http.check', { url: `${web.url}/status/200`, maxLatency: '0ms' }],
      /more than maxLatency 0ms/,
    ],
    [
      'http.check, expired certificate',
      () => ['http.check', { url: `${expired.url}/`, ca: expiredCa }],
      /\(CERT_HAS_EXPIRED/,
    ],
    [
      'tcp.check, connection refused',
      () => ['tcp.check', { host: '127.0.0.1', port: closedPort }],
      /connection refused \(ECONNREFUSED\)$/,
    ],
    [
      'dns.check, NXDOMAIN',
      () => ['dns.check', { name: 'nope.firstline.test', resolver: dns.address }],
      /NXDOMAIN.*\(ENOTFOUND\)$/,
    ],
    [
      'dns.check, NODATA',
      () => ['dns.check', { name: 'app.firstline.test', type: 'TXT', resolver: dns.address }],
      /NODATA.*\(ENODATA\)$/,
    ],
    [
      'dns.check, SERVFAIL',
      () => ['dns.check', { name: 'broken.firstline.test', resolver: dns.address }],
      /SERVFAIL.*\(ESERVFAIL\)$/,
    ],
    [
      'dns.check, expected answer missing',
      () => ['dns.check', { name: 'app.firstline.test', resolver: dns.address, expectAnswer: '10.9.9.9' }],
      /expected "10.9.9.9"/,
    ],
    [
      'icmp.ping, no reply',
      () => ['icmp.ping', { host: '192.0.2.1', count: 2 }],
      /no reply: 2 sent, 0 received, 100% loss$/,
    ],
    [
      'ssh.check, connection refused',
      () => ['ssh.check', { host: '127.0.0.1', port: closedPort, user: 'probe', insecureHostKey: true }],
      /\(ECONNREFUSED\)$/,
    ],
    [
      'ssh.check, port open but no SSH',
      () => ['ssh.check', { host: '127.0.0.1', port: hangUpPort, user: 'probe', insecureHostKey: true }],
      /SSH protocol failure|\(ECONNRESET\)/,
    ],
  ] as const)('%s', async (_name, make, message) => {
    const [action, input] = make() as [string, Record<string, unknown>];
    const { outcome, error } = await step(action, input);
    expect(error).toMatch(message);
    expect(outcome).toBe('fail');
  });
});

describe('error: the check could not be done', () => {
  it.each([
    [
      'http.check, HTTP 401 (our credentials)',
      () => ['http.check', { url: `${web.url}/status/401` }],
      /answered HTTP 401.*credentials were refused/,
    ],
    [
      'http.check, HTTP 403 (our credentials)',
      () => ['http.check', { url: `${web.url}/status/403` }],
      /answered HTTP 403/,
    ],
    [
      'http.check, HTTP 429 (throttled)',
      () => ['http.check', { url: `${web.url}/status/429` }],
      /answered HTTP 429/,
    ],
    [
      'http.check, untrusted certificate',
      () => ['http.check', { url: `${untrusted.url}/` }],
      /TLS verification failed/,
    ],
    [
      'http.check, a host name that does not resolve',
      () => ['http.check', { url: `http://${NO_SUCH_HOST}/` }],
      /\((ENOTFOUND|EAI_AGAIN)\)/,
    ],
    [
      'tcp.check, a host name that does not resolve',
      () => ['tcp.check', { host: NO_SUCH_HOST, port: 80 }],
      /\((ENOTFOUND|EAI_AGAIN)\)/,
    ],
    [
      'dns.check, the server refuses the query',
      () => ['dns.check', { name: 'private.firstline.test', resolver: dns.address }],
      /REFUSED.*\(EREFUSED\)$/,
    ],
    [
      'dns.check, the resolver name does not resolve',
      () => ['dns.check', { name: 'app.firstline.test', resolver: NO_SUCH_HOST }],
      /^dns\.check: resolver no-such-host\.invalid: /,
    ],
    [
      'icmp.ping, a host name that does not resolve',
      () => ['icmp.ping', { host: NO_SUCH_HOST, count: 1 }],
      /ping no-such-host\.invalid/,
    ],
    [
      'ssh.check, a host name that does not resolve',
      () => ['ssh.check', { host: NO_SUCH_HOST, user: 'probe', insecureHostKey: true }],
      /(ENOTFOUND|EAI_AGAIN)/,
    ],
    [
      'prometheus.query, Prometheus refusing connections',
      () => ['prometheus.query', { url: `http://127.0.0.1:${closedPort}`, query: 'up' }],
      /\(ECONNREFUSED\)$/,
    ],
    [
      'prometheus.query, Prometheus answering 503',
      () => ['prometheus.query', { url: `${web.url}/status/503`, query: 'up' }],
      /answered HTTP 503 without a Prometheus API body/,
    ],
  ] as const)('%s', async (_name, make, message) => {
    const [action, input] = make() as [string, Record<string, unknown>];
    // ping itself finds the name does not resolve, before sending anything: the real one is asked.
    const { outcome, error } = await step(action, input, action === 'icmp.ping');
    expect(error).toMatch(message);
    expect(outcome).toBe('error');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'selfsigned';
import { ActionError } from '@firstline/core';
import { createHttpCheck } from '@firstline/actions-net';
import type { HttpCheckInput } from '@firstline/actions-net';
import { runLive, startServer, liveContext } from './support.js';
import type { LocalServer } from './support.js';

const check = createHttpCheck();
const run = (input: HttpCheckInput) => check.run(input, liveContext());
const failure = async (input: HttpCheckInput): Promise<ActionError> => {
  const error = await run(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionError);
  return error as ActionError;
};

let server: LocalServer;
let other: LocalServer;
const aborted: string[] = [];

beforeAll(async () => {
  other = await startServer((_req, res) => res.writeHead(200).end('other origin'));
  server = await startServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    switch (path) {
      case '/ok':
        return res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"status":"healthy","db":"up"}');
      case '/echo':
        return res.writeHead(201).end(`${req.method} ${req.body}`);
      case '/boom':
        return res.writeHead(500).end('database connection pool exhausted');
      case '/missing':
        return res.writeHead(404).end('no such page');
      case '/busy':
        return res.writeHead(429, { 'retry-after': '7' }).end('slow down');
      case '/maintenance':
        return res.writeHead(503, { 'retry-after': '30' }).end('back soon');
      case '/auth':
        return res.writeHead(401).end('bad token');
      case '/hop1':
        return res.writeHead(302, { location: '/hop2' }).end();
      case '/hop2':
        return res.writeHead(301, { location: `${server.url}/ok` }).end();
      case '/post-redirect':
        return res.writeHead(303, { location: '/echo' }).end();
      case '/loop-a':
        return res.writeHead(302, { location: '/loop-b' }).end();
      case '/loop-b':
        return res.writeHead(302, { location: '/loop-a' }).end();
      case '/away':
        return res.writeHead(307, { location: `${other.url}/landing` }).end();
      case '/hang-up':
        return req.headers.host && res.socket?.destroy();
      case '/never':
        // Answers only when the client gives up: the "slow server" without any real waiting.
        res.on('close', () => aborted.push(path));
        return undefined;
      default: {
        const chain = /^\/chain(\d+)$/.exec(path);
        if (chain) return res.writeHead(302, { location: `/chain${Number(chain[1]) + 1}` }).end();
        return res.writeHead(418).end();
      }
    }
  });
});

afterAll(async () => {
  await server.close();
  await other.close();
});

describe('http.check against a local server', () => {
  it('passes a 200 and reports status, latency, timings, headers and a body excerpt', async () => {
    const output = await run({ url: `${server.url}/ok`, expectBody: '"db":"up"' });
    expect(output).toMatchObject({ status: 200, redirects: 0, url: `${server.url}/ok`, bodyBytes: 30 });
    expect(output.bodyExcerpt).toBe('{"status":"healthy","db":"up"}');
    expect(output.headers?.['content-type']).toBe('application/json');
    expect(output.latencyMs).toBeGreaterThan(0);
    expect(output.timings?.connectMs).toBeGreaterThanOrEqual(0);
    expect(output.timings?.firstByteMs).toBeGreaterThanOrEqual(0);
    expect(server.requests.at(-1)?.headers['user-agent']).toMatch(/^firstline-actions-net/);
  });

  it('sends method, headers and body; expectStatus takes a code, a list and ranges', async () => {
    const input = {
      url: `${server.url}/echo`,
      method: 'PUT',
      body: 'payload',
      headers: { 'X-Probe': 'yes' },
    } as const;
    expect((await run({ ...input, expectStatus: 201 })).bodyExcerpt).toBe('PUT payload');
    expect(server.requests.at(-1)).toMatchObject({
      method: 'PUT',
      body: 'payload',
      headers: { 'x-probe': 'yes' },
    });
    await run({ ...input, expectStatus: [200, 201] });
    await run({ ...input, expectStatus: '200-299' });
    await run({ url: `${server.url}/missing`, expectStatus: '4xx' });
    const error = await failure({ ...input, expectStatus: 200 });
    expect(error.message).toContain('answered HTTP 201, expected 200');
  });

  it('fails a 500 by default (2xx expected), retryable as 5xx, naming the status and the body', async () => {
    const error = await failure({ url: `${server.url}/boom` });
    expect(error.message).toContain(`GET ${server.url}/boom answered HTTP 500, expected 2xx`);
    expect(error.message).toContain('database connection pool exhausted');
    expect(error.retry).toEqual({ retryable: true, kind: '5xx' });
    expect(error.verdict).toBe(true);
    expect((await failure({ url: `${server.url}/missing` })).retry.retryable).toBe(false);
  });

  it('turns a 429 into a throttled error with Retry-After as afterMs', async () => {
    const error = await failure({ url: `${server.url}/busy` });
    expect(error.retry).toEqual({ retryable: true, kind: 'throttled', afterMs: 7000 });
  });

  it("fails a 503 as the target's verdict, carrying its Retry-After", async () => {
    const error = await failure({ url: `${server.url}/maintenance` });
    expect(error.retry).toEqual({ retryable: true, kind: '5xx', afterMs: 30_000 });
    expect(error.verdict).toBe(true);
  });

  it('fails a body that does not match, as a substring or a /regex/', async () => {
    await run({ url: `${server.url}/ok`, expectBody: '/"status":\\s*"HEALTHY"/i' });
    const error = await failure({ url: `${server.url}/ok`, expectBody: 'degraded' });
    expect(error.message).toContain('does not match degraded');
  });

  it('fails when slower than maxLatency', async () => {
    const error = await failure({ url: `${server.url}/ok`, maxLatency: '0ms' });
    expect(error.message).toMatch(/took [\d.]+ ms, more than maxLatency 0ms/);
    expect(error.retry).toEqual({ retryable: true, kind: 'timeout' });
  });

  it('follows redirects up to the limit and reports the final URL', async () => {
    const output = await run({ url: `${server.url}/hop1` });
    expect(output).toMatchObject({ status: 200, redirects: 2, url: `${server.url}/ok` });
    const posted = await run({
      url: `${server.url}/post-redirect`,
      method: 'POST',
      body: 'x',
      expectStatus: 201,
    });
    expect(posted.bodyExcerpt).toBe('GET '); // 303 turns a POST into a GET without a body
    const unfollowed = await run({ url: `${server.url}/hop1`, maxRedirects: 0, expectStatus: 302 });
    expect(unfollowed).toMatchObject({ status: 302, redirects: 0 });
  });

  it('refuses more redirects than maxRedirects, and a redirect loop', async () => {
    const tooMany = await failure({ url: `${server.url}/chain1`, maxRedirects: 2 });
    expect(tooMany.message).toContain('more than 2 redirects');
    expect(tooMany.retry.retryable).toBe(false);
    const loop = await failure({ url: `${server.url}/loop-a` });
    expect(loop.message).toContain('redirect loop');
  });

  it('does not carry credentials to another origin, and never puts them in messages', async () => {
    const token = 'fake-token-123';
    await run({ url: `${server.url}/away`, headers: { Authorization: `Bearer ${token}` } });
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
    expect(other.requests.at(-1)?.headers.authorization).toBeUndefined();
    const url = new URL(`${server.url}/auth`);
    url.username = 'probe';
    url.password = 'fake-password-456';
    const error = await failure({ url: url.href, headers: { Authorization: `Bearer ${token}` } });
    expect(error.message).toContain('answered HTTP 401');
    expect(error.message).not.toContain(token);
    expect(error.message).not.toContain('fake-password-456');
    expect(error.retry.retryable).toBe(false);
  });

  it('reports a connection closed by the server as a retryable network error', async () => {
    const error = await failure({ url: `${server.url}/hang-up` });
    expect(error.message).toMatch(/ECONNRESET/);
    expect(error.retry).toMatchObject({ retryable: true, kind: 'network' });
  });

  it('reports a refused connection', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const error = await failure({ url: `${closed.url}/` });
    expect(error.message).toContain('connection refused (ECONNREFUSED)');
  });
});

describe('http.check over TLS (self-signed certificate made in the test)', () => {
  let tls: LocalServer;
  let cert: string;
  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    cert = pems.cert;
    tls = await startServer((_req, res) => res.writeHead(200).end('secure'), { key: pems.private, cert });
  });
  afterAll(() => tls.close());

  it('rejects the certificate by default, not retryable, naming the TLS error code', async () => {
    const error = await failure({ url: `${tls.url}/` });
    expect(error.message).toMatch(
      /TLS verification failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/,
    );
    expect(error.retry.retryable).toBe(false);
  });

  it('accepts it with insecure: true, and with the certificate given as ca', async () => {
    const output = await run({ url: `${tls.url}/`, insecure: true });
    expect(output).toMatchObject({ status: 200, bodyExcerpt: 'secure' });
    expect(output.timings?.tlsMs).toBeGreaterThan(0);
    const viaCa = await run({ url: `https://localhost:${tls.port}/`, ca: cert });
    expect(viaCa.status).toBe(200);
    expect(viaCa.timings?.dnsMs).toBeGreaterThanOrEqual(0);
  });
});

describe('http.check through the engine', () => {
  it('runs live with expect over its output', async () => {
    const result = await runLive(
      {
        firstline: 1,
        name: 'http',
        steps: [
          {
            id: 'site',
            action: 'http.check',
            with: { url: `${server.url}/ok`, expectStatus: 200, maxLatency: '2s' },
            expect: 'output.latencyMs < 500 and output.status = 200',
          },
        ],
      },
      [check],
    );
    expect(result.steps.site?.outcome).toBe('pass');
    expect(result.outcome).not.toBe('failed');
  });

  it('a step timeout aborts a request the server never answers', async () => {
    const before = aborted.length;
    const result = await runLive(
      {
        firstline: 1,
        name: 'slow',
        steps: [{ id: 'slow', action: 'http.check', timeout: '200ms', with: { url: `${server.url}/never` } }],
      },
      [check],
    );
    expect(result.steps.slow?.outcome).toBe('timeout');
    expect(result.outcome).toBe('failed');
    await expect.poll(() => aborted.length).toBe(before + 1);
  });

  it('credentials refused are an error step with the reason, and secrets stay out of the trace', async () => {
    const result = await runLive(
      {
        firstline: 1,
        name: 'secret',
        secrets: { token: { env: 'PROBE_TOKEN' } },
        steps: [
          {
            id: 'api',
            action: 'http.check',
            with: { url: `${server.url}/auth`, headers: { Authorization: 'Bearer {{ secrets.token }}' } },
          },
        ],
      },
      [check],
      { env: { PROBE_TOKEN: 'fake-token-123' } },
    );
    expect(result.steps.api?.outcome).toBe('error');
    expect(result.steps.api?.error).toContain('answered HTTP 401');
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer fake-token-123');
    expect(JSON.stringify(result)).not.toContain('fake-token-123');
  });
});

import { spawnSync } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createVirtualClock } from '@firstline/core';
import { createLatencyMonitor, serveMetrics } from '@firstline/actions-net/monitor';
import type { LatencyTarget } from '@firstline/actions-net/monitor';
import { startDnsResponder } from './dnsResponder.js';
import type { DnsResponder } from './dnsResponder.js';
import { startServer } from './support.js';
import type { LocalServer } from './support.js';

const canPing = spawnSync('ping', ['-n', '-c', '1', '-W', '1', '127.0.0.1']).status === 0;

let web: LocalServer;
let dns: DnsResponder;
let closedPort: number;

/** The value of one sample line of the text format, e.g. `http_health_check_total{target="api",status="success"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  web = await startServer((_req, res) => res.writeHead(200).end('ok'));
  dns = await startDnsResponder({
    answers: { 'api.firstline.test A': [{ name: 'api.firstline.test', type: 'A', data: '10.0.0.7' }] },
  });
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
  await web.close();
  await dns.close();
});

describe('createLatencyMonitor on a virtual clock, probing local servers', () => {
  const targets = (): LatencyTarget[] => [
    { kind: 'http', name: 'api', input: { url: `${web.url}/health` }, every: '15s', slo: '300ms' },
    {
      kind: 'tcp',
      name: 'api-port',
      input: { host: '127.0.0.1', port: web.port },
      every: '15s',
      slo: '50ms',
    },
    { kind: 'tcp', name: 'down', input: { host: '127.0.0.1', port: closedPort }, every: '30s', slo: '50ms' },
    {
      kind: 'dns',
      name: 'api-dns',
      input: { name: 'api.firstline.test', resolver: dns.address },
      every: '15s',
      slo: '100ms',
    },
  ];

  it('probes at start and on every interval: histograms for successes, counters for both outcomes', async () => {
    const clock = createVirtualClock();
    const monitor = createLatencyMonitor({ targets: targets(), clock });
    monitor.start();
    clock.advance(0);
    await monitor.idle();
    let text = await monitor.metrics();
    expect(sample(text, 'http_response_time_seconds_count{target="api"}')).toBe(1);
    expect(sample(text, 'http_health_check_total{target="api",status="success"}')).toBe(1);
    expect(sample(text, 'http_health_check_total{target="api",status="failure"}')).toBe(0);
    expect(sample(text, 'tcp_health_check_total{target="down",status="failure"}')).toBe(1);
    expect(sample(text, 'tcp_connect_time_seconds_count{target="down"}')).toBeUndefined();
    expect(sample(text, 'dns_resolution_time_seconds_count{target="api-dns"}')).toBe(1);
    expect(web.requests).toHaveLength(1);

    clock.advance(15_000);
    await monitor.idle();
    clock.advance(15_000);
    await monitor.idle();
    text = await monitor.metrics();
    expect(sample(text, 'http_response_time_seconds_count{target="api"}')).toBe(3);
    expect(sample(text, 'tcp_connect_time_seconds_count{target="api-port"}')).toBe(3);
    expect(sample(text, 'tcp_health_check_total{target="down",status="failure"}')).toBe(2); // every 30s
    expect(sample(text, 'http_response_time_seconds_sum{target="api"}')).toBeGreaterThan(0);

    monitor.stop();
    clock.advance(60_000);
    await monitor.idle();
    expect(web.requests).toHaveLength(3);
    expect(clock.pending()).toBe(0);
  });

  it('chooses buckets around each SLO: the SLO is a bound, not the prom-client defaults', async () => {
    const monitor = createLatencyMonitor({
      targets: targets(),
      clock: createVirtualClock(),
      buckets: 'clustered',
    });
    await monitor.runOnce();
    const text = await monitor.metrics();
    const bounds = (metric: string) =>
      [...text.matchAll(new RegExp(`^${metric}_bucket\\{le="([^"]+)",target="api-port"\\}`, 'gm'))].map(
        (m) => m[1],
      );
    expect(bounds('tcp_connect_time_seconds')).toEqual([
      '0.005',
      '0.0125',
      '0.025',
      '0.0333333',
      '0.0416667',
      '0.05',
      '0.0583333',
      '0.0666667',
      '0.075',
      '0.1',
      '0.2',
      '0.4',
      '+Inf',
    ]);
    expect(text).toContain('http_response_time_seconds_bucket{le="0.3",target="api"} 1');
    expect(text).not.toContain('le="10"'); // prom-client's default top bucket
  });

  it.skipIf(!canPing)('observes every ping reply', async () => {
    const monitor = createLatencyMonitor({
      targets: [
        { kind: 'ping', name: 'lo', input: { host: '127.0.0.1', count: 2, interval: '200ms' }, slo: '10ms' },
      ],
      clock: createVirtualClock(),
    });
    const [result] = await monitor.runOnce();
    expect(result).toMatchObject({ kind: 'ping', target: 'lo', ok: true });
    expect(result?.observed).toHaveLength(2);
    expect(sample(await monitor.metrics(), 'ping_rtt_seconds_count{target="lo"}')).toBe(2);
  });

  it('checks target inputs up front', () => {
    expect(() =>
      createLatencyMonitor({
        targets: [{ kind: 'http', name: 'bad', input: { url: 'ftp://x' }, slo: '1s' }],
      }),
    ).toThrow(/latency target bad: input does not match http.check: \/url/);
    expect(() =>
      createLatencyMonitor({
        targets: [{ kind: 'tcp', name: 'x', input: { host: 'h', port: 1 }, slo: 'soon' }],
      }),
    ).toThrow('not a latency objective');
  });
});

describe('serveMetrics', () => {
  it('serves the monitor registry on /metrics over loopback in the Prometheus text format', async () => {
    const registry = new Registry();
    const monitor = createLatencyMonitor({
      targets: [{ kind: 'http', name: 'api', input: { url: `${web.url}/` }, slo: '300ms' }],
      registry,
    });
    await monitor.runOnce();
    const server = await serveMetrics({ port: 0, monitor });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const text = await res.text();
      expect(text).toContain('# TYPE http_response_time_seconds histogram');
      expect(text).toContain('http_health_check_total{target="api",status="success"} 1');
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

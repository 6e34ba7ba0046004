import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVirtualClock } from '@firstline/core';
import { netActions } from '@firstline/actions-net';
import { createCapturingIo, runCli } from '@firstline/cli';
import type { CliIo } from '@firstline/cli';
import { startDnsResponder } from '../../actions-net/test/dnsResponder.js';
import type { DnsResponder } from '../../actions-net/test/dnsResponder.js';

// `firstline monitor` in-process through runCli, against real loopback targets: an HTTP server, a TCP
// listener and a DNS responder; the served mode on a virtual clock, stopped by an injected abort.

const canPing = spawnSync('ping', ['-n', '-c', '1', '-W', '1', '127.0.0.1']).status === 0;
let dir: string;
let web: Server;
let webPort: number;
let tcp: net.Server;
let tcpPort: number;
let dns: DnsResponder;

const listen = async <T extends Server | net.Server>(server: T): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-monitor-'));
  web = createServer((_req, res) => res.end('ok'));
  webPort = await listen(web);
  tcp = net.createServer((socket) => socket.end());
  tcpPort = await listen(tcp);
  dns = await startDnsResponder({
    answers: { 'api.firstline.test A': [{ name: 'api.firstline.test', type: 'A', data: '10.0.0.7' }] },
  });
});
afterAll(async () => {
  await new Promise((resolve) => web.close(resolve));
  await new Promise((resolve) => tcp.close(resolve));
  await dns.close();
  await rm(dir, { recursive: true, force: true });
});

const config = () => `port: 0
targets:
  - kind: http
    name: api
    input: { url: "http://127.0.0.1:${webPort}/health" }
    slo: 300ms
  - kind: tcp
    name: db
    input: { host: 127.0.0.1, port: ${tcpPort} }
    slo: 50ms
  - kind: dns
    name: api-dns
    input: { name: api.firstline.test, resolver: "${dns.address}" }
    slo: 100ms
    every: 30s
`;

async function configFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function monitorCli(argv: string[], io: Partial<CliIo> = {}, clock = createVirtualClock()) {
  const captured = createCapturingIo({ cwd: dir, ...io });
  const code = runCli(['monitor', ...argv], { io: captured, actions: netActions(), host: { clock } });
  return { code, io: captured, clock };
}

/** The value of one sample line of the text format. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('firstline monitor --once', () => {
  it('probes each target once and prints histograms with each SLO as a bucket bound', async () => {
    const { code, io } = monitorCli([await configFile('once.yaml', config()), '--once']);
    expect(await code).toBe(0);
    const text = io.stdout();
    // Each SLO is a bound (a loaded machine may put the one observation above it, never off the list).
    expect(sample(text, 'http_response_time_seconds_bucket{le="0.3",target="api"}')).toBeTypeOf('number');
    expect(sample(text, 'http_response_time_seconds_bucket{le="+Inf",target="api"}')).toBe(1);
    expect(sample(text, 'http_response_time_seconds_count{target="api"}')).toBe(1);
    expect(sample(text, 'tcp_connect_time_seconds_bucket{le="0.05",target="db"}')).toBeTypeOf('number');
    expect(sample(text, 'tcp_connect_time_seconds_count{target="db"}')).toBe(1);
    expect(sample(text, 'dns_resolution_time_seconds_bucket{le="0.1",target="api-dns"}')).toBeTypeOf(
      'number',
    );
    expect(sample(text, 'dns_health_check_total{target="api-dns",status="success"}')).toBe(1);
    expect(dns.asked).toContain('api.firstline.test A');
    expect(io.stderr()).toMatch(/^(ok {2}|slow) {2}http api {2}[\d.]+ms \(slo 300ms\)$/m);
  });

  it('exits 1 and names the target when a probe fails', async () => {
    const closed = net.createServer();
    const closedPort = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const file = await configFile(
      'down.yaml',
      `targets:\n  - { kind: tcp, name: gone, input: { host: 127.0.0.1, port: ${closedPort} }, slo: 50ms }\n`,
    );
    const { code, io } = monitorCli([file, '--once']);
    expect(await code).toBe(1);
    expect(sample(io.stdout(), 'tcp_health_check_total{target="gone",status="failure"}')).toBe(1);
    expect(io.stderr()).toMatch(/^fail {2}tcp gone {2}.*ECONNREFUSED/m);
  });

  it.skipIf(!canPing)('pings, one observation per reply', async () => {
    const file = await configFile(
      'ping.yaml',
      'targets:\n  - { kind: ping, name: lo, input: { host: 127.0.0.1, count: 2, interval: 200ms }, slo: 5ms }\n',
    );
    const { code, io } = monitorCli([file, '--once']);
    expect(await code).toBe(0);
    expect(sample(io.stdout(), 'ping_rtt_seconds_count{target="lo"}')).toBe(2);
    expect(sample(io.stdout(), 'ping_rtt_seconds_bucket{le="0.005",target="lo"}')).toBeDefined();
  });
});

describe('firstline monitor (served)', () => {
  it('serves /metrics, probes on the clock, and stops cleanly when aborted: exit 0, port closed', async () => {
    const stop = new AbortController();
    let serving: (line: string) => void;
    const served = new Promise<string>((resolve) => (serving = resolve));
    const out: string[] = [];
    const { code, clock, io } = monitorCli([await configFile('served.yaml', config())], {
      suspend: stop.signal,
      out: (text) => {
        out.push(text);
        if (text.startsWith('serving ')) serving(text);
      },
    });
    const line = await served;
    expect(line).toMatch(
      /^serving http:\/\/127\.0\.0\.1:\d+\/metrics {2}watching http api \(slo 300ms, every 15s\), tcp db \(slo 50ms, every 15s\), dns api-dns \(slo 100ms, every 30s\)/,
    );
    const url = /http:\/\/\S+\/metrics/.exec(line)![0];
    const scrape = async () => (await fetch(url)).text();
    // Series exist before the first probe, so rate() works from the first scrape.
    expect(sample(await scrape(), 'http_health_check_total{target="api",status="success"}')).toBe(0);

    clock.advance(0); // the first round is due at start
    await vi.waitFor(async () =>
      expect(sample(await scrape(), 'http_health_check_total{target="api",status="success"}')).toBe(1),
    );
    clock.advance(15_000); // http and tcp again; dns is every 30s
    await vi.waitFor(async () => {
      const text = await scrape();
      expect(sample(text, 'http_response_time_seconds_count{target="api"}')).toBe(2);
      expect(sample(text, 'tcp_connect_time_seconds_count{target="db"}')).toBe(2);
      expect(sample(text, 'dns_resolution_time_seconds_count{target="api-dns"}')).toBe(1);
      expect(sample(text, 'http_response_time_seconds_bucket{le="0.3",target="api"}')).toBeTypeOf('number');
    });

    stop.abort();
    expect(await code).toBe(0);
    expect(io.stderr()).toContain('monitor stopped');
    await expect(fetch(url)).rejects.toThrow();
    expect(out).toHaveLength(1);
  });

  it('says which port is taken, exit 2', async () => {
    const busy = net.createServer();
    const busyPort = await listen(busy);
    try {
      const { code, io } = monitorCli([await configFile('busy.yaml', config()), '--port', String(busyPort)]);
      expect(await code).toBe(2);
      expect(io.stderr()).toContain(`127.0.0.1:${busyPort} is already in use`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('refuses a --port that is not one, exit 2', async () => {
    const { code, io } = monitorCli([await configFile('p.yaml', config()), '--port', '70000']);
    expect(await code).toBe(2);
    expect(io.stderr()).toContain('expected a port from 0 to 65535');
  });
});

describe('firstline monitor: config errors at file:line:col, E_MONITOR_CONFIG, exit 2', () => {
  const errors = async (name: string, text: string) => {
    const { code, io } = monitorCli([await configFile(name, text), '--once']);
    return { code: await code, stderr: io.stderr() };
  };

  it('reports every problem at once at its place, with the allowed keys and a suggestion', async () => {
    const { code, stderr } = await errors(
      'shape.yaml',
      `port: 9464
evry: 15s
targets:
  - kind: htp
    name: api
    input: { url: "http://127.0.0.1/" }
    slo: fast
  - kind: tcp
    name: db
    input: { host: 127.0.0.1 }
    slo: 50
    timeot: 1s
`,
    );
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      'shape.yaml:2:1  E_MONITOR_CONFIG  unknown key "evry" (allowed: port, host, every, buckets, bucketCount, targets); did you mean "every"?',
      'shape.yaml:4:11  E_MONITOR_CONFIG  `kind` must be one of http, tcp, dns, ping',
      'shape.yaml:7:10  E_MONITOR_CONFIG  `slo` is not a duration: write it like 300ms, 15s or 1m30s',
      'shape.yaml:10:12  E_MONITOR_CONFIG  tcp.check input: missing `port`',
      'shape.yaml:11:10  E_MONITOR_CONFIG  `slo` must be a duration with its unit, like 300ms, 15s or 1m30s',
      'shape.yaml:12:5  E_MONITOR_CONFIG  unknown key "timeot" (allowed: kind, name, input, every, slo, timeout); did you mean "timeout"?',
    ]);
  });

  it("checks each input against its probe's schema, and names unique per kind", async () => {
    const { code, stderr } = await errors(
      'inputs.yaml',
      `targets:
  - kind: tcp
    name: db
    input: { host: 127.0.0.1 }
    slo: 50ms
  - kind: http
    name: db
    input: { url: "http://127.0.0.1/", metod: GET }
    slo: 0ms
  - kind: tcp
    name: db
    input: { host: 127.0.0.1, port: 5432 }
    slo: 50ms
`,
    );
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe('inputs.yaml:4:12  E_MONITOR_CONFIG  tcp.check input: missing `port`');
    expect(lines[1]).toMatch(
      /^inputs\.yaml:8:40 {2}E_MONITOR_CONFIG {2}http\.check input: unknown key "metod" .*did you mean "method"\?$/,
    );
    expect(lines[2]).toBe(
      'inputs.yaml:9:10  E_MONITOR_CONFIG  `slo` must be more than 0 and at most 24 days, not 0ms',
    );
    expect(lines[3]).toBe(
      'inputs.yaml:11:11  E_MONITOR_CONFIG  targets[0] is already the tcp target "db"; names must be unique per kind',
    );
    expect(lines).toHaveLength(4);
  });

  it('bad YAML, an empty file, a missing file', async () => {
    const yaml = await errors('yaml.yaml', 'targets:\n  - kind: http\n   name: x\n');
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toMatch(/^yaml\.yaml:3:\d+ {2}E_MONITOR_CONFIG {2}invalid YAML: /);
    expect(await errors('empty.yaml', '')).toEqual({
      code: 2,
      stderr:
        'empty.yaml:1:1  E_MONITOR_CONFIG  the file is empty: a monitor config is a mapping with `targets:`\n',
    });
    expect(await errors('none.yaml', 'port: 1\n')).toEqual({
      code: 2,
      stderr: 'none.yaml:1:1  E_MONITOR_CONFIG  missing `targets`: the list of targets to probe\n',
    });
    const { code, io } = monitorCli(['nowhere.yaml']);
    expect(await code).toBe(2);
    expect(io.stderr()).toBe('nowhere.yaml:1:1  E_MONITOR_CONFIG  cannot read the file: no such file\n');
  });
});

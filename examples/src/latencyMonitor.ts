// Seed scenario 4, the latency monitor: HTTP, TCP, DNS and ICMP checks every 15 s, exported as
// Prometheus histograms whose buckets are chosen around each SLO, so P90/P95/P99 are read off real
// bounds instead of the library's defaults. Not a playbook (it never ends): a service embeds it.
//
//   node --import tsx examples/src/latencyMonitor.ts   then   curl http://127.0.0.1:9464/metrics
import { createLatencyMonitor, serveMetrics } from '@firstline/actions-net/monitor';
import type { Clock } from '@firstline/core';

/** What the monitor watches; each target's SLO becomes a bucket bound of its histogram. */
export interface LatencyTargets {
  /** An HTTP health endpoint. */
  url: string;
  /** A host whose TCP port must accept connections. */
  tcp: { host: string; port: number };
  /** A name that must resolve, optionally through a given resolver (host or host:port). */
  dns: { name: string; resolver?: string };
  /** A host to ping. */
  ping: string;
}

/** Starts the four checks every 15 s and serves `/metrics`; returns the monitor and the server to stop them. */
export async function startLatencyMonitor(
  targets: LatencyTargets,
  options: { port?: number; clock?: Clock } = {},
) {
  const monitor = createLatencyMonitor({
    ...(options.clock && { clock: options.clock }),
    targets: [
      { kind: 'http', name: 'app', input: { url: targets.url }, every: '15s', slo: '300ms' },
      { kind: 'tcp', name: 'db', input: targets.tcp, every: '15s', slo: '50ms' },
      {
        kind: 'dns',
        name: 'resolver',
        input: { name: targets.dns.name, ...(targets.dns.resolver && { resolver: targets.dns.resolver }) },
        every: '15s',
        slo: '20ms',
      },
      { kind: 'ping', name: 'gateway', input: { host: targets.ping, count: 3 }, every: '15s', slo: '5ms' },
    ],
  });
  monitor.start();
  const server = await serveMetrics({ port: options.port ?? 9464, monitor });
  return { monitor, server };
}

// Run directly: watch this machine's own loopback services.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { server } = await startLatencyMonitor({
    url: 'http://127.0.0.1:8080/health',
    tcp: { host: '127.0.0.1', port: 22 },
    dns: { name: 'localhost' },
    ping: '127.0.0.1',
  });
  console.log(`metrics at ${server.url}`);
}

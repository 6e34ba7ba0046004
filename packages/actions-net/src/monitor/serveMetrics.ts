import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Options of {@link serveMetrics}. */
export interface ServeMetricsOptions {
  /** Port to listen on; 0 picks a free one (see the returned url). */
  port: number;
  /** Address to listen on (default 127.0.0.1: exposing metrics wider is a decision to make explicitly). */
  host?: string;
  /** Where the metrics come from: a latency monitor, or any prom-client registry. */
  monitor?: { registry: Registry };
  registry?: Registry;
  /** Path of the metrics (default /metrics). */
  path?: string;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** Full URL of the metrics, e.g. http://127.0.0.1:9464/metrics. */
  url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Serves a registry in the Prometheus text format on `/metrics`, small enough to embed in any service. */
export async function serveMetrics(options: ServeMetricsOptions): Promise<MetricsServer> {
  const registry = options.registry ?? options.monitor?.registry;
  if (!registry) throw new TypeError('serveMetrics: give a monitor or a registry');
  const path = options.path ?? '/metrics';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(url.pathname === path ? 405 : 404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) =>
        res
          .writeHead(200, { 'content-type': registry.contentType })
          .end(req.method === 'HEAD' ? undefined : text),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

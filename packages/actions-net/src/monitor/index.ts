// `@firstline/actions-net/monitor`: the latency monitor (seed 4) and its Prometheus histograms. Apart from the
// package's root so that reading a playbook with the network actions installed never loads prom-client.
export { sloBuckets } from './sloBuckets.js';
export type { SloBucketsOptions } from './sloBuckets.js';
export { createLatencyMonitor } from './createLatencyMonitor.js';
export type {
  LatencyMonitor,
  LatencyMonitorOptions,
  LatencyTarget,
  ProbeKind,
  ProbeResult,
} from './createLatencyMonitor.js';
export { serveMetrics } from './serveMetrics.js';
export type { MetricsServer, ServeMetricsOptions } from './serveMetrics.js';

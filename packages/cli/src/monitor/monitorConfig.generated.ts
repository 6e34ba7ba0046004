// Generated from monitorConfig.schema.json by scripts/gen-monitor-types.mjs. Do not edit by hand.

/**
 * A duration: a whole number and a unit (ms, s, m, h), optionally combined: 300ms, 15s, 1m30s.
 */
export type Duration = string;

/**
 * A `firstline monitor` configuration: targets probed on an interval, served as Prometheus histograms whose buckets are chosen around each target's SLO.
 */
export interface MonitorConfig {
  /**
   * Port /metrics is served on (default 9464; 0 picks a free one). --port wins.
   */
  port?: number;
  /**
   * Address /metrics listens on (default 127.0.0.1; 0.0.0.0 exposes it to the network).
   */
  host?: string;
  every?: Duration;
  /**
   * Bucket style of every histogram: exponential (doubling bounds, default) or clustered (dense around the SLO).
   */
  buckets?: 'exponential' | 'clustered';
  /**
   * Bucket bounds per SLO (default 12).
   */
  bucketCount?: number;
  /**
   * What to probe; each target's SLO becomes a bucket bound of its kind's histogram.
   *
   * @minItems 1
   */
  targets: [MonitorTarget, ...MonitorTarget[]];
}
/**
 * One probed target.
 */
export interface MonitorTarget {
  /**
   * The probe: http (http.check), tcp (tcp.check), dns (dns.check) or ping (icmp.ping).
   */
  kind: 'http' | 'tcp' | 'dns' | 'ping';
  /**
   * The `target` label of its series; unique per kind.
   */
  name: string;
  /**
   * The probe's input, as in a playbook step's `with:` (e.g. { url: ... } for http).
   */
  input: {
    [k: string]: unknown;
  };
  every?: Duration;
  slo: Duration;
  timeout?: Duration;
}

import { createActionRegistry, systemClock } from '@firstline/core';
import type { ActionContext, ActionDefinition, Clock, Logger } from '@firstline/core';
import { Counter, Histogram, Registry } from 'prom-client';
import { createDnsCheck } from '../dns/dnsCheck.js';
import { createHttpCheck } from '../http/httpCheck.js';
import { createIcmpPing } from '../icmp/icmpPing.js';
import type { IcmpPingOutput } from '../icmp/icmpPing.js';
import { createTcpCheck } from '../tcp/tcpCheck.js';
import { durationMs } from '../shared/time.js';
import { sloBuckets, sloSeconds } from './sloBuckets.js';

/** What a latency monitor probes. */
export type ProbeKind = 'http' | 'tcp' | 'dns' | 'ping';

/** One monitored target: a probe's input (as in a playbook's `with:`), its interval and its SLO. */
export interface LatencyTarget {
  kind: ProbeKind;
  /** The `target` label; unique per kind. */
  name: string;
  /** The input of http.check, tcp.check, dns.check or icmp.ping. */
  input: Record<string, unknown>;
  /** Interval (default 15s). */
  every?: string;
  /** The latency objective the buckets are chosen around, e.g. 300ms. */
  slo: string;
  /** A probe running longer is aborted and counted as a failure (default: `every`). */
  timeout?: string;
}

/** Options of {@link createLatencyMonitor}. */
export interface LatencyMonitorOptions {
  targets: LatencyTarget[];
  /** Schedules the probes (default the system clock; a virtual clock in tests). */
  clock?: Clock;
  /** Where the metrics are registered (default a new Registry, never prom-client's global one). */
  registry?: Registry;
  /** Bucket style for every histogram (default exponential); see {@link sloBuckets}. */
  buckets?: 'exponential' | 'clustered';
  /** Bounds per SLO (default 12). */
  bucketCount?: number;
  /** Where probe failures are logged (default nowhere; they are counted either way). */
  logger?: Logger;
  /** The probe definitions to use (default built here; pass netActions() output to share its options). */
  actions?: ActionDefinition[];
}

/** How one probe of one target went. */
export interface ProbeResult {
  kind: ProbeKind;
  target: string;
  ok: boolean;
  /** Seconds observed into the histogram (several for ping: one per reply). */
  observed: number[];
  error?: string;
}

/** A running (or startable) latency monitor. */
export interface LatencyMonitor {
  /** The registry holding the histograms and counters. */
  readonly registry: Registry;
  /** Probes every target now, then every `every` on the clock. */
  start(): void;
  /** Stops scheduling and aborts probes in flight. */
  stop(): void;
  /** Probes every target once, now, and records the results. */
  runOnce(): Promise<ProbeResult[]>;
  /** Resolves when no probe is in flight. */
  idle(): Promise<void>;
  /** The metrics in the Prometheus text format. */
  metrics(): Promise<string>;
}

const KINDS: Record<ProbeKind, { action: string; histogram: string; help: string }> = {
  http: { action: 'http.check', histogram: 'http_response_time_seconds', help: 'HTTP check response time' },
  tcp: { action: 'tcp.check', histogram: 'tcp_connect_time_seconds', help: 'TCP connect time' },
  dns: { action: 'dns.check', histogram: 'dns_resolution_time_seconds', help: 'DNS resolution time' },
  ping: {
    action: 'icmp.ping',
    histogram: 'ping_rtt_seconds',
    help: 'ICMP echo round-trip time, one observation per reply',
  },
};

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Creates a latency monitor (seed scenario 4): HTTP, TCP, DNS and ICMP probes on an interval, as
 * Prometheus histograms `<kind>_…_seconds{target}` with buckets around each SLO, and
 * `<kind>_health_check_total{target,status="success"|"failure"}`. Latency is observed for successful
 * probes only, so failures (fast 500s, refused connections) do not flatter the percentiles.
 *
 * @example
 * const monitor = createLatencyMonitor({ targets: [{ kind: 'http', name: 'api', input: { url }, every: '15s', slo: '300ms' }] });
 * monitor.start();
 * const server = await serveMetrics({ port: 9464, monitor });
 */
export function createLatencyMonitor(options: LatencyMonitorOptions): LatencyMonitor {
  const clock = options.clock ?? systemClock;
  const registry = options.registry ?? new Registry();
  const logger = options.logger ?? silent;
  const actions = options.actions ?? [
    createHttpCheck(),
    createTcpCheck(),
    createDnsCheck(),
    createIcmpPing(),
  ];
  const checker = createActionRegistry(actions, { builtins: false });
  const seen = new Set<string>();
  for (const target of options.targets) {
    const kind = KINDS[target.kind];
    if (!kind) throw new TypeError(`latency target ${target.name}: kind must be http, tcp, dns or ping`);
    if (seen.has(`${target.kind}:${target.name}`))
      throw new TypeError(`latency target ${target.kind} ${target.name} is listed twice`);
    seen.add(`${target.kind}:${target.name}`);
    sloSeconds(target.slo);
    durationMs(target.every, 15_000);
    if (!checker.has(kind.action))
      throw new TypeError(`latency target ${target.name}: no ${kind.action} action given`);
    const problems = checker.checkInput(kind.action, target.input);
    if (problems.length > 0)
      throw new TypeError(
        `latency target ${target.name}: input does not match ${kind.action}: ${problems.map((p) => `${p.instancePath || '(input)'} ${p.message ?? ''}`).join('; ')}`,
      );
  }

  // One histogram per kind: its buckets are the union of its targets' SLO buckets, so every SLO is a bound.
  const histograms = new Map<ProbeKind, Histogram>();
  const counters = new Map<ProbeKind, Counter>();
  for (const kind of new Set(options.targets.map((t) => t.kind))) {
    const bounds = new Set<number>();
    for (const t of options.targets.filter((x) => x.kind === kind))
      for (const b of sloBuckets({
        slo: t.slo,
        style: options.buckets ?? 'exponential',
        count: options.bucketCount ?? 12,
      }))
        bounds.add(b);
    const spec = KINDS[kind];
    histograms.set(
      kind,
      new Histogram({
        name: spec.histogram,
        help: spec.help,
        labelNames: ['target'],
        buckets: [...bounds].sort((a, b) => a - b),
        registers: [registry],
      }),
    );
    const counter = new Counter({
      name: `${kind}_health_check_total`,
      help: `${spec.help}: checks by outcome`,
      labelNames: ['target', 'status'],
      registers: [registry],
    });
    // Both series exist from the start, so rate() and ratios work before the first failure.
    for (const t of options.targets.filter((x) => x.kind === kind)) {
      counter.inc({ target: t.name, status: 'success' }, 0);
      counter.inc({ target: t.name, status: 'failure' }, 0);
    }
    counters.set(kind, counter);
  }

  const inFlight = new Map<LatencyTarget, Promise<ProbeResult>>();
  const controllers = new Set<AbortController>();
  const timers = new Map<LatencyTarget, unknown>();
  let running = false;

  const probe = (target: LatencyTarget): Promise<ProbeResult> => {
    const current = inFlight.get(target);
    if (current) {
      logger.warn(`latency probe ${target.kind} ${target.name} still running at its next interval; skipped`);
      return current;
    }
    const promise = probeOnce(target).finally(() => inFlight.delete(target));
    inFlight.set(target, promise);
    return promise;
  };

  const probeOnce = async (target: LatencyTarget): Promise<ProbeResult> => {
    const spec = KINDS[target.kind];
    const action = checker.get(spec.action)!;
    const controller = new AbortController();
    controllers.add(controller);
    // Probes do real I/O: their deadline is a real timer, whatever clock schedules them.
    const timer = setTimeout(
      () => controller.abort(new Error('probe timeout')),
      durationMs(target.timeout ?? target.every, 15_000),
    );
    timer.unref();
    const ctx: ActionContext = {
      signal: controller.signal,
      runId: 'latency-monitor',
      stepId: `${target.kind}:${target.name}`,
      attempt: 1,
      idempotencyKey: `latency-monitor:${target.kind}:${target.name}:${clock.now()}`,
      clock,
      logger,
      secrets: {},
    };
    const labels = { target: target.name };
    try {
      const output = (await action.run(target.input, ctx)) as { latencyMs: number } & Partial<IcmpPingOutput>;
      const observed =
        target.kind === 'ping'
          ? (output.rttsMs ?? [output.latencyMs]).map((ms) => ms / 1000)
          : [output.latencyMs / 1000];
      for (const seconds of observed) histograms.get(target.kind)!.observe(labels, seconds);
      counters.get(target.kind)!.inc({ ...labels, status: 'success' });
      return { kind: target.kind, target: target.name, ok: true, observed };
    } catch (error) {
      counters.get(target.kind)!.inc({ ...labels, status: 'failure' });
      const message = error instanceof Error ? error.message : String(error);
      logger.warn(`latency probe ${target.kind} ${target.name} failed: ${message}`);
      return { kind: target.kind, target: target.name, ok: false, observed: [], error: message };
    } finally {
      clearTimeout(timer);
      controllers.delete(controller);
    }
  };

  const schedule = (target: LatencyTarget, due: number) => {
    const every = durationMs(target.every, 15_000);
    timers.set(
      target,
      clock.setTimeout(
        () => {
          if (!running) return;
          void probe(target);
          // Fixed rate from the start, so a slow probe or a late timer does not make the interval drift.
          schedule(target, due + every);
        },
        Math.max(0, due - clock.now()),
      ),
    );
  };

  return {
    registry,
    start() {
      if (running) return;
      running = true;
      const now = clock.now();
      for (const target of options.targets) schedule(target, now);
    },
    stop() {
      running = false;
      for (const timer of timers.values()) clock.clearTimeout(timer);
      timers.clear();
      for (const controller of controllers) controller.abort(new Error('latency monitor stopped'));
    },
    runOnce: () => Promise.all(options.targets.map(probe)),
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
    },
    metrics: () => registry.metrics(),
  };
}

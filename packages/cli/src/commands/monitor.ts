import { resolve } from 'node:path';
import { parseDuration, systemClock } from '@firstline/core';
import type { Clock, Logger } from '@firstline/core';
import type { LatencyMonitor, LatencyTarget, ProbeResult } from '@firstline/actions-net/monitor';
import { EXIT, UsageError } from '../context.js';
import type { CliContext } from '../context.js';
import { paletteFor } from '../io.js';
import { loadMonitorConfig } from '../monitor/loadMonitorConfig.js';
import type { LoadedMonitorConfig } from '../monitor/loadMonitorConfig.js';
import { displayPath } from '../displayPath.js';

/** Options of `firstline monitor`. */
export interface MonitorFlags {
  /** Port /metrics is served on; wins over the config's `port`. */
  port?: number;
  /** Probe every target once, print the metrics and exit (0 when every probe passed, 1 otherwise). */
  once?: boolean;
}

/** What `firstline monitor` runs with besides its context; tests give a virtual clock. */
export interface MonitorHost {
  /** Schedules the probes (default the system clock). */
  clock?: Clock;
}

/**
 * `firstline monitor <config.yaml>`: probes the config's targets on their intervals and serves
 * Prometheus histograms, bucketed around each target's SLO, on `/metrics` until the io's `suspend`
 * or `signal` is aborted (SIGINT, SIGTERM): then it stops its timers, closes the server and exits 0.
 * With `once`, it probes every target once and prints the metrics instead of serving them.
 */
export async function monitorCommand(
  path: string,
  flags: MonitorFlags,
  ctx: CliContext,
  host: MonitorHost = {},
): Promise<number> {
  const { io } = ctx;
  const file = resolve(io.cwd, path);
  const loaded = await loadMonitorConfig(file, ctx.actions, displayPath(file, io.cwd));
  const net = await import('@firstline/actions-net/monitor');
  const clock = host.clock ?? systemClock;
  // Probes aborted by the stop itself are not failures worth a line each.
  let stopping = false;
  const monitor = net.createLatencyMonitor({
    targets: loaded.targets,
    clock,
    buckets: loaded.buckets,
    bucketCount: loaded.bucketCount,
    actions: [...ctx.actions],
    // --once prints one line per target itself; a served monitor logs each failure as it happens.
    ...(!flags.once && { logger: stderrLogger(ctx, clock, () => stopping) }),
  });
  if (flags.once) return probeOnce(monitor, loaded, ctx);

  const port = flags.port ?? loaded.port;
  const server = await net.serveMetrics({ port, host: loaded.host, monitor }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(
        `cannot serve /metrics: ${loaded.host}:${port} is already in use`,
        'give another port with --port, or `port:` in the config (0 picks a free one)',
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new UsageError(`cannot serve /metrics: ${loaded.host} is not an address of this machine`);
    throw error;
  });
  const stopped = whenAborted(io.suspend, io.signal);
  monitor.start();
  const palette = paletteFor(io);
  io.out(
    `${palette.bold('serving')} ${server.url}  watching ${describeTargets(loaded.targets)}  ${palette.dim('(Ctrl-C stops)')}\n`,
  );
  await stopped;
  stopping = true;
  monitor.stop();
  await monitor.idle();
  await server.close();
  io.err(`${palette.dim('monitor stopped')}\n`);
  return EXIT.ok;
}

/** `--once`: one round of probes, the metrics on stdout, one line per target on stderr. */
async function probeOnce(monitor: LatencyMonitor, loaded: LoadedMonitorConfig, ctx: CliContext) {
  const { io } = ctx;
  const palette = paletteFor(io);
  const results = await monitor.runOnce();
  io.out(await monitor.metrics());
  for (const [i, result] of results.entries()) io.err(`${resultLine(result, loaded.targets[i]!, palette)}\n`);
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.bad;
}

function resultLine(
  result: ProbeResult,
  target: LatencyTarget,
  palette: ReturnType<typeof paletteFor>,
): string {
  const name = `${result.kind} ${palette.cyan(result.target)}`;
  if (!result.ok) return `${palette.red('fail')}  ${name}  ${result.error ?? 'failed'}`;
  const worst = Math.max(...result.observed);
  const slo = target.slo;
  const within = worst * 1000 <= (parseDuration(slo) ?? Infinity);
  const latency = `${Number((worst * 1000).toPrecision(3))}ms`;
  return `${within ? palette.green('ok  ') : palette.yellow('slow')}  ${name}  ${latency} (slo ${slo})`;
}

/** "http app (slo 300ms, every 15s), tcp db (…)"; long lists end with "and N more". */
function describeTargets(targets: readonly LatencyTarget[]): string {
  const shown = targets
    .slice(0, 6)
    .map((t) => `${t.kind} ${t.name} (slo ${t.slo}, every ${t.every ?? '15s'})`)
    .join(', ');
  return targets.length > 6 ? `${shown} and ${targets.length - 6} more` : shown;
}

/** Probe failures on stderr, one timestamped line each; the counters record them either way. */
function stderrLogger(ctx: CliContext, clock: Clock, quiet: () => boolean): Logger {
  const line = (message: string) => {
    if (!quiet()) ctx.io.err(`${new Date(clock.now()).toISOString()}  ${message}\n`);
  };
  return { debug: () => undefined, info: () => undefined, warn: line, error: line };
}

/** Resolves when any of the signals is aborted; never, when none is given. */
function whenAborted(...signals: Array<AbortSignal | undefined>): Promise<void> {
  return new Promise((done) => {
    for (const signal of signals) {
      if (!signal) continue;
      if (signal.aborted) return done();
      signal.addEventListener('abort', () => done(), { once: true });
    }
  });
}

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock, Logger } from '../actions/types.js';
import type { RunContext } from './types.js';
import type { CompiledPlaybook } from '../compile/compilePlaybook.js';
import { FirstlineError } from '../errors.js';
import { renderBudgets, renderKey } from './safety.js';
import type { RunBudget } from './safety.js';
import type { SecretRef } from '../format/playbook.generated.js';
import { envSecretResolver, resolveSecrets } from './secrets.js';
import type { SecretResolvers } from './secrets.js';
import type { LeaseHolder, RunStore, TraceListener } from './types.js';

/** What the host gives a run, whether it starts one or resumes one. */
export interface HostOptions {
  /** The run's time source. Simulations default to a virtual clock; a virtual clock is driven to completion. */
  clock?: Clock;
  /** Cancels the run: the running action's signal aborts and the run ends `cancelled`. */
  signal?: AbortSignal;
  /** Receives every trace event as it happens. */
  onEvent?: TraceListener;
  /** How `secrets:` references are resolved; environment variables are built in. */
  secrets?: SecretResolvers;
  /** Environment the built-in env resolver reads (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Where action log lines go besides the trace (secret values redacted). */
  logger?: Logger;
  /** Jitter source; defaults to a generator seeded by the run id in simulations, Math.random otherwise. */
  random?: () => number;
  /**
   * Clock time (ms) by which the host must get the run back (a Lambda's end, less a margin): a wait that
   * would end later stops the run there, stored and resumable, with outcome `suspended`. Needs a store.
   */
  suspendBefore?: number;
  /**
   * Hands the run back, stored and resumable (a service shutting down, SIGTERM), with outcome
   * `suspended`; unlike `signal` it does not end the run. It takes effect at the next safe point: at
   * once during a probe or a wait (restarted on resume), after a remediation or notification in flight
   * has ended (up to `suspendGraceMs`). Needs a store.
   */
  suspend?: AbortSignal;
  /**
   * How long a hand-back waits for a side effect in flight to end (default 10 s). Past it the run is
   * handed back anyway; the side effect is then known as started, not finished, and a resume does not
   * repeat it (it re-checks instead).
   */
  suspendGraceMs?: number;
  /**
   * A wait longer than this (ms; default 1 s) parks the run in this process: its XState actor is stopped
   * and dropped, the run keeps only its persisted snapshot and one timer, and a new actor is made from
   * that snapshot when the wait ends (or the run is cancelled, handed back or reaches its deadline).
   * Nothing in the trace, the record or the result tells a parked run from one that was not. `false`
   * never parks. Runs on a virtual clock (simulations) never park: their waits take no time.
   */
  parkWaitsOver?: number | false;
  /**
   * Base URL of the operator console (`@firstline/server`), for the `approval.url` an approval's request
   * links to (`<consoleUrl>/approvals?id=…`). Default: the `FIRSTLINE_CONSOLE_URL` environment variable;
   * without either, `approval.url` is empty.
   */
  consoleUrl?: string;
}

/** The logger used when the host gives none: the trace has every line anyway. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Resolves a playbook's secrets with the host's resolvers, the env resolver built in. */
export function resolveRunSecrets(
  specs: Record<string, SecretRef> | undefined,
  options: HostOptions,
): Promise<Record<string, string>> {
  return resolveSecrets(specs, {
    resolvers: { env: envSecretResolver(options.env), ...options.secrets },
    // Already cancelled: the run still starts, and ends `cancelled` (notifying) instead of throwing.
    ...(options.signal && !options.signal.aborted && { signal: options.signal }),
  });
}

/**
 * Runs `fn` holding the run's lease in the store, so one host at a time runs or resumes a run, and
 * gives it back however `fn` ends. Throws E_RUN_BUSY while another live host holds it.
 */
export async function withLease<T>(
  store: RunStore | undefined,
  runId: string,
  fn: () => Promise<T>,
): Promise<T> {
  if (!store?.acquire) return fn();
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  if (!(await store.acquire(runId, owner))) {
    // Only for the message: a store that cannot say, or fails to, still refuses the same way.
    const holder = await store.leaseHolder?.(runId).catch(() => undefined);
    throw new FirstlineError(
      'E_RUN_BUSY',
      `run ${runId} is being run or resumed elsewhere right now (its lease is held${holderText(holder)}); not running it twice`,
    );
  }
  try {
    return await fn();
  } finally {
    await store.release?.(runId, owner).catch(() => undefined);
  }
}

/** ` by <owner> until <time>`, as much of it as the store knows. */
function holderText(holder: LeaseHolder | undefined): string {
  if (!holder) return '';
  const until = holder.until !== undefined ? ` until ${new Date(holder.until).toISOString()}` : '';
  return ` by ${holder.owner}${until}`;
}

/** Where an approval's request links to: the console's approvals page for that approval, or nothing. */
export function approvalLinks(options: Pick<HostOptions, 'consoleUrl' | 'env'>): { consoleUrl?: string } {
  const base = options.consoleUrl ?? (options.env ?? process.env).FIRSTLINE_CONSOLE_URL;
  return base ? { consoleUrl: base.replace(/\/+$/, '') } : {};
}

/** Waits longer than this (ms) park a run when the host does not say otherwise (see HostOptions.parkWaitsOver). */
export const DEFAULT_PARK_WAITS_OVER_MS = 1_000;

/** The host's suspension and parking settings, as executeRun takes them; throws E_HOST_OPTIONS on a bad value. */
export function suspensionOf(
  options: HostOptions,
): Pick<HostOptions, 'suspendBefore' | 'suspend' | 'suspendGraceMs' | 'parkWaitsOver'> {
  const park = options.parkWaitsOver;
  if (
    park !== undefined &&
    park !== false &&
    !(typeof park === 'number' && park >= 0 && Number.isFinite(park))
  )
    throw new FirstlineError(
      'E_HOST_OPTIONS',
      `parkWaitsOver must be a number of milliseconds (0 or more) or false, not ${String(park)}`,
    );
  return {
    ...(options.suspendBefore !== undefined && { suspendBefore: options.suspendBefore }),
    ...(options.suspend && { suspend: options.suspend }),
    ...(options.suspendGraceMs !== undefined && { suspendGraceMs: options.suspendGraceMs }),
    ...(park !== undefined && { parkWaitsOver: park }),
  };
}

/**
 * The lock key and budget keys of a run, rendered from its context before any step runs; only those the
 * store can enforce (a run without such a store, e.g. a plain simulation, renders none).
 */
export async function renderSafety(
  compiled: CompiledPlaybook,
  context: RunContext,
  clock: Clock,
  store: RunStore | undefined,
): Promise<{ lockKey?: string; budgets: RunBudget[] }> {
  const lock = store?.lock ? compiled.ir.lock : undefined;
  const budgets = store?.spend ? compiled.ir.budgets : [];
  if (!lock && budgets.length === 0) return { budgets: [] };
  const scope = { inputs: context.inputs, trigger: context.trigger, run: context.run, name: compiled.name };
  return {
    ...(lock && { lockKey: await renderKey(lock.key, scope, clock, 'lock.key') }),
    budgets: await renderBudgets(budgets, scope, clock),
  };
}

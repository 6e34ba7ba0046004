import type { Clock } from '../actions/types.js';
import type { BudgetSettings, LockSettings } from '../compile/ir.js';
import { FirstlineError } from '../errors.js';
import { formatDuration } from '../format/duration.js';
import { renderTemplates } from './evaluate.js';
import { sleep } from './retry.js';
import type { RunStore, SkipReason } from './types.js';

// Per-resource locks and remediation budgets: what keeps two alarms from rebooting one instance at
// once, and a flapping instance from being rebooted all night. Both live in the run store, so every
// host sharing the store (Lambda invocations, service replicas) sees the same locks and counts.

/** How often a queued run asks for a held lock again (and sooner when the holder's lock lapses). */
export const LOCK_POLL_MS = 5_000;

/** A budget with its key rendered for this run. */
export interface RunBudget extends Omit<BudgetSettings, 'key'> {
  key: string;
}

/** What lock and budget keys may read: known before any step runs. */
export interface KeyScope {
  inputs: Record<string, unknown>;
  trigger: unknown;
  run: object;
  name: string;
}

/** Renders a lock or budget key; a key that is empty or not text-like throws E_LOCK_KEY before anything runs. */
export async function renderKey(
  template: string,
  scope: KeyScope,
  clock: Clock,
  what: string,
): Promise<string> {
  let value: unknown;
  try {
    value = await renderTemplates(template, scope, clock);
  } catch (error) {
    throw new FirstlineError(
      'E_LOCK_KEY',
      `${what} "${template}" cannot be rendered: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if ((typeof value !== 'string' && typeof value !== 'number') || String(value).trim() === '')
    throw new FirstlineError(
      'E_LOCK_KEY',
      `${what} "${template}" rendered ${value === undefined ? 'nothing' : JSON.stringify(value)}; it must name a resource (a non-empty string)`,
    );
  return String(value);
}

/** The playbook's budgets with their keys rendered for this run. */
export async function renderBudgets(
  budgets: readonly BudgetSettings[],
  scope: KeyScope,
  clock: Clock,
): Promise<RunBudget[]> {
  const rendered: RunBudget[] = [];
  for (const [i, budget] of budgets.entries())
    rendered.push({ ...budget, key: await renderKey(budget.key, scope, clock, `budgets[${i}].key`) });
  return rendered;
}

/** How taking a lock went: held until `expiresAt`, or refused with the reason the run is skipped. */
export type LockTaken =
  { ok: true; expiresAt: number } | { ok: false; skip: SkipReason & { reason: 'lock' } };

/** What {@link takeLock} needs. */
export interface TakeLock {
  store: RunStore & Required<Pick<RunStore, 'lock'>>;
  settings: LockSettings;
  key: string;
  runId: string;
  clock: Clock;
  /** Trace a decision (queued, taken after a wait). */
  decide(message: string): void;
  /** Stops queueing (the run was cancelled or must be handed back). */
  signal?: AbortSignal;
  /** Queue no later than this clock time (a Lambda's end). */
  until?: number;
  /** Marks store I/O in flight, so a virtual clock does not jump meanwhile. */
  busy(delta: 1 | -1): void;
}

/**
 * Takes the resource lock for the run (owner: its id, so a resume in another process keeps it). Held by
 * another run: skip at once, or with `whenLocked: queue` ask again every {@link LOCK_POLL_MS} (or when the
 * holder's lock lapses, if sooner) until `queueFor` is spent.
 */
export async function takeLock(options: TakeLock): Promise<LockTaken> {
  const { store, settings, key, runId, clock } = options;
  const queueEnd = Math.min(clock.now() + settings.queueForMs, options.until ?? Infinity);
  let queued = false;
  for (;;) {
    const now = clock.now();
    const expiresAt = now + settings.ttlMs;
    options.busy(1);
    const result = await store.lock(key, runId, expiresAt, now).finally(() => options.busy(-1));
    if (result.acquired) {
      if (queued) options.decide(`lock ${key} taken after queueing`);
      return { ok: true, expiresAt };
    }
    const skip = { reason: 'lock' as const, key, holder: result.holder, expiresAt: result.expiresAt };
    if (settings.whenLocked !== 'queue' || now >= queueEnd || options.signal?.aborted)
      return { ok: false, skip };
    if (!queued)
      options.decide(
        `lock ${key} is held by run ${result.holder}: queued for up to ${formatDuration(queueEnd - now)}`,
      );
    queued = true;
    const next = Math.min(now + LOCK_POLL_MS, Math.max(result.expiresAt, now + 1), queueEnd);
    try {
      await sleep(clock, next - now, options.signal);
    } catch {
      return { ok: false, skip };
    }
  }
}

/** The sentence a skipped run's trace and notifications carry. */
export function skipMessage(skip: SkipReason, clock: Clock): string {
  if (skip.reason === 'lock')
    return `lock ${skip.key} is held by run ${skip.holder} for ${formatDuration(Math.max(0, skip.expiresAt - clock.now()))} more: skipped (that run is handling it)`;
  if (skip.reason === 'approval')
    return skip.outcome === 'denied'
      ? `${skip.step} was denied${skip.by !== undefined ? ` by ${skip.by}` : ''}: not remediating, escalating instead`
      : `nobody approved ${skip.step} in time: not remediating, escalating instead`;
  return `budget for ${skip.action} on ${skip.key} is spent: ${skip.uses.length} of ${skip.max} in the last ${formatDuration(skip.windowMs)}; not running ${skip.step}, escalating instead`;
}

import type { ActionNode } from '../compile/ir.js';
import { skipMessage } from './safety.js';
import type { RunServices } from './services.js';
import type { StepOutcome } from '../format/types.js';
import type { JournalEntry, StepRecord } from './types.js';

// Where a side effect's visit goes on when a run is resumed: its journal says what already happened,
// and its budgets whether it may run at all.

/** How a step ends early, without (more) attempts. */
export interface EarlyEnd {
  done: { outcome: StepOutcome; attempts: number; extra?: Partial<StepRecord> };
}

/**
 * Where a side effect's visit goes on, from its journal: done before (not repeated), started but never
 * finished (uncertain, not repeated unless idempotent; a resendable notification is sent again), or the
 * attempt to start with; and its budget.
 */
export async function resumePoint(
  services: RunServices,
  node: ActionNode,
  visit: number,
  idempotent: boolean,
  resendable: boolean,
): Promise<EarlyEnd | { first: number; prior?: JournalEntry; resend?: boolean }> {
  const prior = lastJournaled(services.journal, node.id, visit);
  if (prior?.status === 'done' && prior.outcome === 'pass') {
    services.decide(`${node.id}: finished before the run was interrupted; not repeated`, node.id);
    return { done: { outcome: 'pass', attempts: prior.attempt, extra: { output: prior.output } } };
  }
  // A notification is better twice than never: sent again, its key de-duplicating it (at least once).
  const resend = prior?.status === 'started' && !idempotent && resendable;
  if (resend)
    services.decide(
      `${node.id}: ${node.action} was started before the run was interrupted and may not have gone out; sent again (at least once, de-duplicated by the notifier)`,
      node.id,
    );
  if (prior?.status === 'started' && !idempotent && !resend) {
    const error = `${node.action} was started before the run was interrupted and its result is unknown; not repeated (the run re-checks instead)`;
    services.decide(`${node.id}: ${error}`, node.id);
    return { done: { outcome: 'pass', attempts: prior.attempt, extra: { uncertain: true, error } } };
  }
  const first = !prior ? 1 : prior.status === 'started' ? prior.attempt : prior.attempt + 1;
  if (first > node.retry.attempts)
    return {
      done: {
        outcome: prior?.outcome ?? 'error',
        attempts: prior?.attempt ?? 0,
        extra: prior?.error !== undefined ? { error: prior.error } : {},
      },
    };
  // Only a store that keeps budgets, and a playbook that has them, costs a call here.
  const refused =
    services.spend && services.budgets.length > 0 ? await spendBudgets(services, node, visit) : undefined;
  if (refused) return { done: { outcome: 'skipped', attempts: 0, extra: { error: refused } } };
  return { first, ...(prior && { prior }), ...(resend && { resend }) };
}

/**
 * Spends one use of every budget that counts this step's action (once per visit: retries and resumes
 * spend the same use). Returns why the step must not run when one is spent, after recording that the
 * run escalates; undefined when it may run.
 */
async function spendBudgets(
  services: RunServices,
  node: ActionNode,
  visit: number,
): Promise<string | undefined> {
  if (!services.spend) return undefined;
  for (const budget of services.budgets) {
    if (!budget.actions.includes(node.action)) continue;
    const use = {
      id: `${services.runId}:${node.id}:${visit}`,
      at: services.clock.now(),
      max: budget.max,
      windowMs: budget.windowMs,
    };
    const result = await services.spend(budget.key, use);
    if (result.allowed) continue;
    services.skip = {
      reason: 'budget',
      key: budget.key,
      step: node.id,
      action: node.action,
      max: budget.max,
      windowMs: budget.windowMs,
      uses: result.uses,
    };
    const message = skipMessage(services.skip, services.clock);
    services.decide(message, node.id);
    return message;
  }
  return undefined;
}

/** The latest journal entry of a step's visit: `done` wins over `started` for the same attempt. */
function lastJournaled(
  journal: readonly JournalEntry[],
  step: string,
  visit: number,
): JournalEntry | undefined {
  let best: JournalEntry | undefined;
  for (const entry of journal) {
    if (entry.step !== step || entry.visit !== visit) continue;
    if (!best || entry.attempt > best.attempt || (entry.attempt === best.attempt && entry.status === 'done'))
      best = entry;
  }
  return best;
}

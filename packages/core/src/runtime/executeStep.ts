import type { ActionContext, Logger } from '../actions/types.js';
import type { ActionNode } from '../compile/ir.js';
import type { StepInput } from '../compile/buildMachine.js';
import { formatDuration } from '../format/duration.js';
import type { StepOutcome } from '../format/types.js';
import { evaluateExpression, renderTemplates, truthy } from './evaluate.js';
import { attemptOnce, scopeOf, stoppedByRun, stoppedOutcome } from './attempt.js';
import { retryDelay, shouldRetry, sleep } from './retry.js';
import { skipMessage } from './safety.js';
import type { Invoke, RunServices } from './services.js';
import type { JournalEntry, StepRecord } from './types.js';

/** A logger for one step: lines go to the run's logger and the trace, secret values redacted. */
export function stepLogger(services: RunServices, step: string): Logger {
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
      const clean = services.redactor.string(message);
      const cleanFields = fields && services.redactor.value(fields);
      try {
        services.logger[level](clean, { step, ...cleanFields });
      } catch {
        // The host's log sink failing is not the action's failure; the trace below still has the line.
      }
      services.emit({
        type: 'log',
        level,
        step,
        message: clean,
        ...(cleanFields && { fields: cleanFields }),
      });
    };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/**
 * Runs one action step: `when`, templates, input check, then attempts with a timeout each and retries
 * with backoff, `expect` on the output. Side effects are journaled before they start, so a resumed
 * run reuses what finished and never repeats what may have happened.
 */
export async function executeActionStep(
  services: RunServices,
  node: ActionNode,
  input: StepInput,
  signal: AbortSignal,
  invoke: Invoke,
): Promise<StepRecord> {
  const { clock } = services;
  const startedAt = clock.now();
  const def = services.registry.get(node.action);
  const finish = (outcome: StepOutcome, attempts: number, extra: Partial<StepRecord> = {}): StepRecord =>
    endStep(services, signal, {
      id: node.id,
      action: node.action,
      outcome,
      attempts,
      visits: input.visit,
      startedAt,
      endedAt: clock.now(),
      ...extra,
    });
  services.emit({ type: 'step.start', step: node.id, action: node.action, visit: input.visit });
  if (!def) return finish('error', 0, { error: `action ${node.action} is not registered` });

  let actionInput: unknown;
  try {
    if (
      node.when !== undefined &&
      !truthy(await evaluateExpression(node.when, scopeOf(services, input), clock))
    ) {
      return finish('skipped', 0, { error: `when: ${node.when} is false` });
    }
    actionInput = hasTemplates(node.with)
      ? await renderTemplates(node.with, scopeOf(services, input), clock, {
          simulated: services.mode === 'simulate',
        })
      : node.with;
  } catch (error) {
    return finish('error', 0, { error: `step ${node.id}: ${services.redactor.error(error)}` });
  }
  const problems = services.registry.checkInput(def.id, actionInput);
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.instancePath || '(input)'} ${p.message ?? ''}`.trim()).join('; ');
    return finish('error', 0, { error: services.redactor.string(`input does not match ${def.id}: ${list}`) });
  }

  const sideEffect = def.kind !== 'probe' && services.mode !== 'shadow';
  const idempotent = node.idempotent ?? def.idempotent ?? false;
  let first = 1;
  let prior: JournalEntry | undefined;
  if (sideEffect) {
    prior = lastJournaled(services.journal, node.id, input.visit);
    if (prior?.status === 'done' && prior.outcome === 'pass') {
      services.emit({
        type: 'decision',
        step: node.id,
        message: `${node.id}: finished before the run was interrupted; not repeated`,
      });
      return finish('pass', prior.attempt, { output: prior.output });
    }
    if (prior?.status === 'started' && !idempotent) {
      const error = `${node.action} was started before the run was interrupted and its result is unknown; not repeated (the run re-checks instead)`;
      services.emit({ type: 'decision', step: node.id, message: `${node.id}: ${error}` });
      return finish('pass', prior.attempt, { uncertain: true, error });
    }
    if (prior) first = prior.status === 'started' ? prior.attempt : prior.attempt + 1;
    if (first > node.retry.attempts)
      return finish(prior?.outcome ?? 'error', prior?.attempt ?? 0, {
        ...(prior?.error !== undefined && { error: prior.error }),
      });
    // Only a store that keeps budgets, and a playbook that has them, costs a call here.
    const refused =
      services.spend && services.budgets.length > 0
        ? await spendBudgets(services, node, input.visit)
        : undefined;
    if (refused) return finish('skipped', 0, { error: refused });
  }

  const logger = stepLogger(services, node.id);
  let last: { outcome: StepOutcome; output?: unknown; error?: string; plan?: string } = { outcome: 'error' };
  let attempt = first;
  for (; ; attempt++) {
    // A run stopped while this step was getting ready must not start a side effect now.
    if (signal.aborted)
      return finish(stoppedOutcome(services, signal), attempt - 1, { error: 'stopped before it ran' });
    const key = `${services.runId}:${node.id}:${input.visit}:${attempt}`;
    const journal = (entry: Partial<JournalEntry> & Pick<JournalEntry, 'status'>) =>
      sideEffect
        ? services.record({
            key,
            step: node.id,
            action: node.action,
            visit: input.visit,
            attempt,
            at: clock.now(),
            ...entry,
          })
        : Promise.resolve();
    // Claimed once across hosts before it starts: a second host (a duplicate delivery, a resume racing
    // a slow host) finds the claim and does not start the same side effect again.
    if (
      sideEffect &&
      services.claim &&
      !(idempotent && attempt === first && prior) &&
      !(await services.claim(key))
    ) {
      const error = `${node.action} was already started for this step by another host; not started again (the run re-checks instead)`;
      services.emit({ type: 'decision', step: node.id, message: `${node.id}: ${error}` });
      return finish('pass', attempt, { uncertain: true, error });
    }
    await journal({ status: 'started' });
    const attemptStart = clock.now();
    services.emit({
      type: 'attempt.start',
      step: node.id,
      action: node.action,
      attempt,
      input: actionInput,
    });
    const ctx: ActionContext = {
      signal,
      runId: services.runId,
      stepId: node.id,
      attempt,
      // One key per visit, not per attempt: a retry after an ambiguous failure sends the same client
      // token, so the remote side de-duplicates it. The journal keeps its per-attempt key.
      idempotencyKey: `${services.runId}:${node.id}:${input.visit}`,
      clock,
      logger,
      secrets: services.secrets,
    };
    const result = await attemptOnce(services, def, actionInput, ctx, node, invoke, input);
    if (result.stopped) {
      // No `done` entry: a side effect cut short may or may not have happened.
      return finish(result.stopped, attempt, { error: result.error ?? 'stopped' });
    }
    last = result;
    await journal({
      status: 'done',
      outcome: result.outcome,
      output: clean(services, result.output),
      ...(result.error !== undefined && { error: result.error }),
    });
    const retry = attempt < node.retry.attempts && shouldRetry(node.retry, result.outcome, result.failure);
    const delay = retry
      ? retryDelay(node.retry, attempt, services.random, result.failure?.afterMs)
      : undefined;
    services.emit({
      type: 'attempt.end',
      step: node.id,
      action: node.action,
      attempt,
      outcome: result.outcome,
      durationMs: clock.now() - attemptStart,
      ...(result.error !== undefined && { error: result.error }),
      ...(delay !== undefined && { retryInMs: delay }),
    });
    if (delay === undefined) break;
    try {
      await sleep(clock, delay, signal);
    } catch {
      return finish(stoppedOutcome(services, signal), attempt, {
        error: `stopped while waiting ${formatDuration(delay)} to retry`,
      });
    }
  }
  return finish(last.outcome, attempt, {
    ...(last.output !== undefined && { output: clean(services, last.output) }),
    ...(last.error !== undefined && { error: last.error }),
    ...(last.plan !== undefined && { plan: last.plan }),
  });
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
    services.emit({ type: 'decision', step: node.id, message });
    return message;
  }
  return undefined;
}

/**
 * Reports a step's end in the trace and returns its record. A step the run itself stopped (deadline,
 * cancel) is reported by the machine as it stops it, so it is not reported twice.
 */
export function endStep(services: RunServices, signal: AbortSignal, record: StepRecord): StepRecord {
  if (!stoppedByRun(signal))
    services.emit({
      type: 'step.end',
      step: record.id,
      outcome: record.outcome,
      attempts: record.attempts,
      durationMs: record.endedAt - record.startedAt,
      ...(record.error !== undefined && { error: record.error }),
      ...(record.uncertain && { uncertain: true }),
    });
  return record;
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

/** A value with secret values taken out; as it is when there are no secrets to take out. */
function clean<T>(services: RunServices, value: T): T {
  return services.redactor.active ? services.redactor.value(value) : value;
}

// A `with:` without a `{{` is the same for every run: it is used as it is, frozen, so no action can
// change what the next run (or the trace) sees.
const staticInputs = new WeakMap<object, boolean>();

/** True when a `with:` holds a template; a static one is deep-frozen on first sight. */
function hasTemplates(value: Record<string, unknown>): boolean {
  let templated = staticInputs.get(value);
  if (templated === undefined) {
    templated = JSON.stringify(value).includes('{{');
    if (!templated) deepFreeze(value);
    staticInputs.set(value, templated);
  }
  return templated;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
}

import type { StopSignal } from './stepStop.js';
import type { InputSchemaError } from '../actions/registry.js';
import type { ActionNode } from '../compile/ir.js';
import type { StepInput } from './types.js';
import { formatDuration } from '../format/duration.js';
import type { StepOutcome } from '../format/types.js';
import { evaluateExpression, NOT_PLAIN, renderPlainTemplates, renderTemplates, truthy } from './evaluate.js';
import { AttemptRace, attemptOnce, scopeOf, stoppedOutcome } from './attempt.js';
import type { AttemptResult } from './attempt.js';
import type { AnyActionDefinition } from '../actions/registry.js';
import { retryDelay, shouldRetry, sleep } from './retry.js';
import { resumePoint } from './resumePoint.js';
import type { EarlyEnd } from './resumePoint.js';
import { taintedView } from './taint.js';
import type { Invoke, RunServices } from './services.js';
import type { UnstampedEvent } from './execute/traceSink.js';
import type { JournalEntry, StepRecord } from './types.js';
import type { StepEnding } from './stepRecorder.js';

/**
 * Runs one action step: `when`, templates, input check, then attempts with a timeout each and retries
 * with backoff, `expect` on the output. Side effects are journaled before they start, so a resumed
 * run reuses what finished and never repeats what may have happened.
 */
export async function executeActionStep(
  services: RunServices,
  node: ActionNode,
  input: StepInput,
  signal: StopSignal,
  invoke: Invoke,
): Promise<StepRecord> {
  const finish: Finish = (outcome, attempts, extra = {}) =>
    services.steps.end(
      { id: node.id, action: node.action, outcome, attempts, visits: input.visit, ...extra },
      signal,
    );
  services.steps.start(node.id, input.visit, node.action);
  const def = services.registry.get(node.action);
  if (!def) return finish('error', 0, { error: `action ${node.action} is not registered` });
  // Most steps have no `when:`, and templates (if any) that read plain paths: their input is ready
  // without a turn of the event loop.
  const prepared =
    node.when === undefined
      ? (readyInput(services, node, def, input) ?? (await prepareInput(services, node, def, input)))
      : await prepareInput(services, node, def, input);
  if ('skip' in prepared) return finish('skipped', 0, { error: prepared.skip });
  if ('error' in prepared) return finish('error', 0, { error: prepared.error });

  const sideEffect = def.kind !== 'probe' && services.strategy.journalsSideEffects;
  const idempotent = node.idempotent ?? def.idempotent ?? false;
  const resendable = def.kind === 'notify' && def.resendable === true;
  const resume = sideEffect
    ? await resumePoint(services, node, input.visit, idempotent, resendable)
    : { first: 1 };
  if ('done' in resume) return finish(resume.done.outcome, resume.done.attempts, resume.done.extra);
  const step: AttemptStep = {
    services,
    node,
    def,
    input,
    signal,
    invoke,
    actionInput: prepared.value,
    // What the trace keeps of it: a value rendered from a secret stays secret, however transformed.
    shownInput: taintedView(node.with, prepared.value, services.redactor),
    sideEffect,
    // An idempotent step (or a notification sent again) re-running its own interrupted attempt may
    // take its claim again.
    reclaim: (idempotent || resume.resend === true) && resume.prior !== undefined,
    resend: resume.resend === true,
    // A timed-out attempt of a remediation that is not idempotent may have acted: it is not repeated.
    atMostOnce: def.kind === 'remediation' && !idempotent,
    first: resume.first,
    idempotencyKey: `${services.runId}:${node.id}:${input.visit}`,
  };
  let last: AttemptResult = { outcome: 'error' };
  let attempt = resume.first;
  for (; ; attempt++) {
    // A run stopped while this step was getting ready must not start a side effect now.
    if (signal.aborted)
      return finish(stoppedOutcome(services, signal), attempt - 1, { error: 'stopped before it ran' });
    const ran = await runAttempt(step, attempt);
    if ('done' in ran) return finish(ran.done.outcome, ran.done.attempts, ran.done.extra);
    last = ran.result;
    if (ran.delay === undefined) break;
    try {
      await sleep(services.clock, ran.delay, signal);
    } catch {
      return finish(stoppedOutcome(services, signal), attempt, {
        error: `stopped while waiting ${formatDuration(ran.delay)} to retry`,
      });
    }
  }
  // Field by field, in the order a record has always had: no spread of optional parts per step.
  const ending: StepEnding = {
    id: node.id,
    action: node.action,
    outcome: last.outcome,
    attempts: attempt,
    visits: input.visit,
  };
  if (last.output !== undefined) ending.output = clean(services, last.output);
  if (last.error !== undefined) ending.error = last.error;
  if (last.plan !== undefined) ending.plan = last.plan;
  if (last.changes) ending.changes = last.changes;
  if (last.synthesized !== undefined) {
    ending.synthesized = true;
    ending.synthesizedFrom = last.synthesized;
  }
  return services.steps.end(ending, signal);
}

type Finish = (outcome: StepOutcome, attempts: number, extra?: Partial<StepRecord>) => StepRecord;

/** The input of a step without `when:` whose templates read only plain paths that are there, checked; else undefined. */
function readyInput(
  services: RunServices,
  node: ActionNode,
  def: AnyActionDefinition,
  input: StepInput,
): { value: unknown } | { error: string } | undefined {
  if (!hasTemplates(node.with)) return checkInput(services, def, node.with);
  let value: unknown;
  try {
    value = renderPlainTemplates(node.with, scopeOf(services, input));
  } catch {
    // An output's getter that throws, say: prepareInput renders it again and reports the error.
    return undefined;
  }
  return value === NOT_PLAIN ? undefined : checkInput(services, def, value);
}

/** `when:`, then the templates rendered and the input checked against the action's schema. */
async function prepareInput(
  services: RunServices,
  node: ActionNode,
  def: AnyActionDefinition,
  input: StepInput,
): Promise<{ value: unknown } | { skip: string } | { error: string }> {
  let value: unknown;
  try {
    // The scope is a copy of the run's context: made only for a step that reads it.
    const templated = hasTemplates(node.with);
    const scope = node.when !== undefined || templated ? scopeOf(services, input) : undefined;
    if (node.when !== undefined && !truthy(await evaluateExpression(node.when, scope!, services.clock)))
      return { skip: `when: ${node.when} is false` };
    value = templated
      ? // A simulation's scripted steps have no output: what reads one renders as a placeholder.
        await renderTemplates(node.with, scope!, services.clock, { simulated: services.strategy.scripted })
      : node.with;
  } catch (error) {
    return { error: `step ${node.id}: ${services.redactor.error(error)}` };
  }
  return checkInput(services, def, value);
}

/** The input checked against the action's schema. */
function checkInput(
  services: RunServices,
  def: AnyActionDefinition,
  value: unknown,
): { value: unknown } | { error: string } {
  const problems = services.registry.checkInput(def.id, value);
  if (problems.length === 0) return { value };
  return { error: services.redactor.string(schemaMismatch('input', def.id, problems)) };
}

/** How a step's error reads when a value does not match the action's schema; `@firstline/core/testing` says it the same way. */
export function schemaMismatch(
  what: 'input' | 'output',
  actionId: string,
  problems: readonly InputSchemaError[],
): string {
  const list = problems.map((p) => `${p.instancePath || `(${what})`} ${p.message ?? ''}`.trim()).join('; ');
  return `${what} does not match ${actionId}: ${list}`;
}

/** What every attempt of one step visit shares. */
interface AttemptStep {
  services: RunServices;
  node: ActionNode;
  def: AnyActionDefinition;
  input: StepInput;
  signal: StopSignal;
  invoke: Invoke;
  actionInput: unknown;
  shownInput: unknown;
  sideEffect: boolean;
  reclaim: boolean;
  /** The first attempt sends again a notification an interrupted run may have sent. */
  resend: boolean;
  /** A remediation that is not idempotent: an attempt that timed out is never tried again. */
  atMostOnce: boolean;
  first: number;
  /**
   * One key per visit, not per attempt: a retry after an ambiguous failure sends the same client token,
   * so the remote side de-duplicates it. The journal keeps its per-attempt key.
   */
  idempotencyKey: string;
}

/**
 * One attempt, journaled around its side effect: claimed across hosts, `started` stored before it runs
 * and `done` after, all inside one side-effect bracket so a hand-back waits for it. Returns its result
 * and the retry delay, if it is to be retried.
 */
async function runAttempt(
  step: AttemptStep,
  attempt: number,
): Promise<EarlyEnd | { result: AttemptResult; delay?: number }> {
  const { services, node, sideEffect } = step;
  const { clock } = services;
  const key = sideEffect ? `${step.idempotencyKey}:${attempt}` : undefined;
  const ended = sideEffect ? services.sideEffect() : undefined;
  let result: AttemptResult;
  const attemptStart = clock.now();
  try {
    // Claimed once across hosts before it starts: a second host (a duplicate delivery, a resume racing
    // a slow host) finds the claim and does not start the same side effect again.
    if (
      key !== undefined &&
      services.claim &&
      !(step.reclaim && attempt === step.first) &&
      !(await services.claim(key))
    ) {
      const error = `${node.action} was already started for this step by another host; not started again (the run re-checks instead)`;
      services.decide(`${node.id}: ${error}`, node.id);
      return { done: { outcome: 'pass', attempts: attempt, extra: { uncertain: true, error } } };
    }
    // Always one turn before the call, even with nothing to journal: a cancel or deadline sent as the
    // run starts (an already-aborted signal) reaches the step before it calls anything.
    await (key !== undefined ? journalStarted(step, key, attempt) : undefined);
    services.emit({
      type: 'attempt.start',
      step: node.id,
      action: node.action,
      attempt,
      input: step.shownInput,
    });
    const race = new AttemptRace(
      services,
      node.id,
      attempt,
      step.idempotencyKey,
      step.resend && attempt === step.first,
    );
    result = await attemptOnce(
      services,
      step.def,
      step.actionInput,
      race,
      step.signal,
      node,
      step.invoke,
      step.input,
    );
    // No `done` entry for a side effect cut short: it may or may not have happened.
    if (result.stopped)
      return {
        done: { outcome: result.stopped, attempts: attempt, extra: { error: result.error ?? 'stopped' } },
      };
    if (key !== undefined) await journalDone(step, key, attempt, result);
  } finally {
    ended?.();
  }
  const retry =
    attempt < node.retry.attempts && shouldRetry(node.retry, result.outcome, result.failure, step.atMostOnce);
  const delay = retry ? retryDelay(node.retry, attempt, services.random, result.failure?.afterMs) : undefined;
  const event: UnstampedEvent<'attempt.end'> = {
    type: 'attempt.end',
    step: node.id,
    action: node.action,
    attempt,
    outcome: result.outcome,
    durationMs: clock.now() - attemptStart,
  };
  if (result.error !== undefined) event.error = result.error;
  if (result.output !== undefined) event.output = result.output;
  if (delay !== undefined) event.retryInMs = delay;
  services.emit(event);
  return delay === undefined ? { result } : { result, delay };
}

/** A journal entry of one attempt of a side effect (`key` is the attempt's), field by field in the entry's order. */
function journalEntry(
  step: AttemptStep,
  key: string,
  attempt: number,
  status: JournalEntry['status'],
): JournalEntry {
  const { services, node, input } = step;
  return {
    key,
    step: node.id,
    action: node.action,
    visit: input.visit,
    attempt,
    at: services.clock.now(),
    status,
  };
}

/** The `started` journal entry of one attempt of a side effect: stored before it runs. */
function journalStarted(step: AttemptStep, key: string, attempt: number): Promise<void> {
  return step.services.record(journalEntry(step, key, attempt, 'started'));
}

/** The `done` journal entry of one attempt of a side effect: its outcome and output after the common fields. */
function journalDone(step: AttemptStep, key: string, attempt: number, result: AttemptResult): Promise<void> {
  const entry = journalEntry(step, key, attempt, 'done');
  entry.outcome = result.outcome;
  entry.output = clean(step.services, result.output);
  if (result.error !== undefined) entry.error = result.error;
  return step.services.record(entry);
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

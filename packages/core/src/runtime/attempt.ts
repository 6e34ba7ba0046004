import type { StopSignal } from './stepStop.js';
import type { ActionContext, Logger } from '../actions/types.js';
import { stepLogger } from './stepLogger.js';
import type { Redactor } from './redact.js';
import type { UnstampedEvent } from './execute/traceSink.js';
import type { AnyActionDefinition } from '../actions/registry.js';
import type { ActionNode } from '../compile/ir.js';
import type { StepInput } from './types.js';
import { nameActionError } from '../errors.js';
import { formatDuration } from '../format/duration.js';
import type { StepOutcome } from '../format/types.js';
import { evaluateExpression, truthy } from './evaluate.js';
import { classify } from './retry.js';
import type { Failure } from './retry.js';
import type { Invoke, InvokeResult, RunServices } from './services.js';
import type { SynthesisSource } from './synthesize/index.js';

// One attempt of an action step: the action raced against its timeout and the step being stopped,
// then judged by `expect`. Retries, journaling and the step's record are executeStep's business.

/** The scope expressions of a step read: the run's context plus secrets and the playbook name. */
export function scopeOf(services: RunServices, input: StepInput, output?: unknown): Record<string, unknown> {
  // Field by field, not a spread: one object shape for every step, and no copy loop.
  const from = input.scope;
  const scope: Record<string, unknown> = {
    inputs: from.inputs,
    trigger: from.trigger,
    run: from.run,
    steps: from.steps,
    secrets: services.secrets,
    name: services.playbookName,
  };
  if (from.approval !== undefined) scope.approval = from.approval;
  if (output !== undefined) scope.output = output;
  return scope;
}

/** Why a parallel group stopped one of its steps (quorum settled, or the group timed out); the run's own stops carry other reasons. */
export class StepStopped extends Error {
  constructor(readonly why: 'not needed' | 'group timeout') {
    super(`step stopped: ${why}`);
  }
}

class AttemptTimeout extends Error {}

/** True when the run (its deadline or a cancel), not a group's quorum or timeout, stopped the step. */
export function stoppedByRun(signal: StopSignal): boolean {
  return signal.aborted && !(signal.reason instanceof StepStopped);
}

/** How a step stopped from outside is reported. */
export function stoppedOutcome(services: RunServices, signal: StopSignal): StepOutcome {
  // Any other reason is the run's own stop: its deadline (then `timedOut` is set) or a cancel.
  const why = signal.reason instanceof StepStopped ? signal.reason.why : undefined;
  if (services.timedOut || why === 'group timeout') return 'timeout';
  return why === 'not needed' ? 'skipped' : 'error';
}

/**
 * One attempt's context and race, in one object: the action's `ctx` (its signal made only when the
 * action reads it: an AbortController costs more than a whole step of an action that never looks at
 * it) and the promise that settles the race from outside (the attempt's timeout or the step stopped),
 * made only when the answer does not come at once.
 */
export class AttemptRace implements ActionContext {
  readonly resend?: boolean;
  abortedWith: { reason: unknown } | undefined;
  private controller: AbortController | undefined;
  private stopped: Promise<never> | undefined;
  private rejectStop: ((reason: unknown) => void) | undefined;
  private madeLogger: Logger | undefined;

  /** The context of attempt `attempt` of a visit of `stepId`; `idempotencyKey` is the visit's. */
  constructor(
    private readonly services: RunServices,
    readonly stepId: string,
    readonly attempt: number,
    readonly idempotencyKey: string,
    resend: boolean,
  ) {
    if (resend) this.resend = true;
  }

  /** The run this call belongs to. */
  get runId(): string {
    return this.services.runId;
  }

  /** The run's clock. */
  get clock(): ActionContext['clock'] {
    return this.services.clock;
  }

  /** The playbook's resolved secrets. */
  get secrets(): ActionContext['secrets'] {
    return this.services.secrets;
  }

  /** The step's logger, made when the action first logs. */
  get logger(): Logger {
    return (this.madeLogger ??= stepLogger(this.services, this.stepId));
  }

  /** The run's redactor for text: one function per run, so it may be passed around unbound. */
  get redact(): (text: string) => string {
    return redactTextOf(this.services.redactor);
  }

  /** Aborted on the attempt's timeout and when the step is stopped; reflects an abort made before it was read. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedWith) this.controller.abort(this.abortedWith.reason);
    }
    return this.controller.signal;
  }

  /** Rejects when the race is ended from outside; already rejected when it was ended before this was read. */
  get stop(): Promise<never> {
    if (!this.stopped) {
      this.stopped = new Promise<never>((_, reject) => (this.rejectStop = reject));
      if (this.abortedWith) this.rejectStop?.(this.abortedWith.reason);
      // Whatever the action does after it lost the race, it must never surface as an unhandled rejection.
      this.stopped.catch(() => undefined);
    }
    return this.stopped;
  }

  /** Ends the race (once) and aborts the action's signal if it was read. */
  abort(reason: unknown): void {
    if (this.abortedWith) return;
    this.abortedWith = { reason };
    this.controller?.abort(reason);
    this.rejectStop?.(reason);
  }
}

const redactTexts = new WeakMap<Redactor, (text: string) => string>();

function redactTextOf(redactor: Redactor): (text: string) => string {
  let redact = redactTexts.get(redactor);
  if (!redact) redactTexts.set(redactor, (redact = (text) => redactor.string(text)));
  return redact;
}

/** How one attempt ended, and whether a retry may help. */
export interface AttemptResult {
  outcome: StepOutcome;
  output?: unknown;
  error?: string;
  plan?: string;
  changes?: Array<{ resource: string; change: string }>;
  synthesized?: SynthesisSource;
  failure?: Failure;
  stopped?: StepOutcome;
}

/**
 * Runs one attempt of an action step: the call raced against its timeout and the run's stop, then `expect`.
 * Not async: an answer given at once is judged at once, without a frame or a promise of its own.
 */
export function attemptOnce(
  services: RunServices,
  def: AnyActionDefinition,
  actionInput: unknown,
  race: AttemptRace,
  parent: StopSignal,
  node: ActionNode,
  invoke: Invoke,
  input: StepInput,
): AttemptResult | Promise<AttemptResult> {
  if (parent.aborted) race.abort(parent.reason);
  let work: InvokeResult | Promise<InvokeResult>;
  try {
    // A step stopped before its attempt began (cancelled, run timed out) must not start a side effect.
    if (race.abortedWith) throw race.abortedWith.reason;
    // On a fast clock a real call is work in flight: the clock follows real time until it ends.
    const fast = (services.clock as { followsRealTimeWhileBusy?: boolean }).followsRealTimeWhileBusy === true;
    work =
      fast && services.realWork
        ? services.realWork(async () => invoke(def, actionInput, race, services))
        : invoke(def, actionInput, race, services);
  } catch (error) {
    work = Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  // An answer given at once (a scripted outcome) has nothing to race: no timer, no listener.
  if (!isThenable(work)) return judge(services, def, node, input, work);
  return raceAttempt(services, def, node, race, parent, Promise.resolve(work)).then((done) =>
    'outcome' in done ? done : judge(services, def, node, input, done),
  );
}

function isThenable(value: unknown): value is PromiseLike<InvokeResult> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The call raced against the attempt's timeout and the step being stopped; how it failed, if it did. */
async function raceAttempt(
  services: RunServices,
  def: AnyActionDefinition,
  node: ActionNode,
  race: AttemptRace,
  parent: StopSignal,
  work: Promise<InvokeResult>,
): Promise<InvokeResult | AttemptResult> {
  const { clock } = services;
  work.catch(() => undefined);
  const onParentAbort = () => race.abort(parent.reason);
  parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = clock.setTimeout(() => race.abort(new AttemptTimeout()), node.timeoutMs);
  try {
    return await Promise.race([work, race.stop]);
  } catch (error) {
    if (parent.aborted)
      return {
        outcome: 'error',
        stopped: stoppedOutcome(services, parent),
        error: `stopped: ${stoppedOutcome(services, parent) === 'timeout' ? 'the run timed out' : 'cancelled'}`,
      };
    if (error instanceof AttemptTimeout)
      return {
        outcome: 'timeout',
        error: `no answer within ${formatDuration(node.timeoutMs)}`,
        failure: { kind: 'timeout', retryable: true },
      };
    // An action kit error names no action: this is the one place that knows which action threw it.
    nameActionError(error, def.id);
    const failure = classify(error);
    // The target's own bad answer is a verdict (`fail`); anything else means the check could not be done.
    return { outcome: failure.verdict ? 'fail' : 'error', error: services.redactor.error(error), failure };
  } finally {
    clock.clearTimeout(timer);
    parent.removeEventListener('abort', onParentAbort);
  }
}

/**
 * What the action answered, judged: a forced outcome (script, plan) as it is, else by `expect`. Not
 * async: only `expect` waits (on JSONata), a forced or unchecked answer is judged at once.
 */
function judge(
  services: RunServices,
  def: AnyActionDefinition,
  node: ActionNode,
  input: StepInput,
  done: InvokeResult,
): AttemptResult | Promise<AttemptResult> {
  if (done.plan !== undefined) {
    const plan: UnstampedEvent<'plan'> = {
      type: 'plan',
      step: node.id,
      action: def.id,
      summary: services.redactor.string(done.plan),
    };
    if (done.changes) plan.changes = done.changes;
    services.emit(plan);
  }
  // Field by field: no spreads of optional parts for every attempt.
  let result: AttemptResult;
  if (done.forced) {
    result = { outcome: done.forced, output: done.output };
    // Only a script forces a failure: say so, or the timeline shows a failure with no reason.
    if (done.forced !== 'pass') result.error = `scripted ${done.forced}`;
    if (done.plan !== undefined) result.plan = done.plan;
  } else if (node.expect === undefined) result = { outcome: 'pass', output: done.output };
  else return judgeExpect(services, node, node.expect, input, done);
  return made(result, done);
}

/** What an answer made besides its output (a synthesized part, a plan's changes), onto its result. */
function made(result: AttemptResult, done: InvokeResult): AttemptResult {
  if (done.synthesized !== undefined) result.synthesized = done.synthesized;
  if (done.changes) result.changes = done.changes;
  return result;
}

/** An answer judged by the step's `expect`. */
async function judgeExpect(
  services: RunServices,
  node: ActionNode,
  expect: string,
  input: StepInput,
  done: InvokeResult,
): Promise<AttemptResult> {
  let ok: boolean;
  try {
    ok = truthy(await evaluateExpression(expect, scopeOf(services, input, done.output), services.clock));
  } catch (error) {
    return {
      outcome: 'error',
      output: done.output,
      error: `step ${node.id}: ${services.redactor.error(error)}`,
      failure: { kind: 'error', retryable: false },
    };
  }
  return ok
    ? made({ outcome: 'pass', output: done.output }, done)
    : made(
        {
          outcome: 'fail',
          output: done.output,
          error: `expected ${expect}`,
          failure: { kind: 'fail', retryable: true },
        },
        done,
      );
}

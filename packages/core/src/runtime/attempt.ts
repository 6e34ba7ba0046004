import type { ActionContext } from '../actions/types.js';
import type { AnyActionDefinition } from '../actions/registry.js';
import type { ActionNode } from '../compile/ir.js';
import type { StepInput } from '../compile/buildMachine.js';
import { formatDuration } from '../format/duration.js';
import type { StepOutcome } from '../format/types.js';
import { evaluateExpression, truthy } from './evaluate.js';
import { classify } from './retry.js';
import type { FailureKind } from './retry.js';
import type { Invoke, RunServices } from './services.js';

// One attempt of an action step: the action raced against its timeout and the step being stopped,
// then judged by `expect`. Retries, journaling and the step's record are executeStep's business.

/** The scope expressions of a step read: the run's context plus secrets and the playbook name. */
export function scopeOf(services: RunServices, input: StepInput, output?: unknown): Record<string, unknown> {
  const scope: Record<string, unknown> = {
    ...input.scope,
    secrets: services.secrets,
    name: services.playbookName,
  };
  if (output !== undefined) scope.output = output;
  return scope;
}

/** Why a step's signal was aborted from outside: the reason decides how the step is reported. */
export class StepStopped extends Error {
  constructor(readonly why: 'cancelled' | 'timed_out' | 'not needed' | 'group timeout') {
    super(`step stopped: ${why}`);
  }
}

class AttemptTimeout extends Error {}

/** True when the run (its deadline or a cancel), not a group's quorum or timeout, stopped the step. */
export function stoppedByRun(signal: AbortSignal): boolean {
  return signal.aborted && !(signal.reason instanceof StepStopped);
}

/** How a step stopped from outside is reported. */
export function stoppedOutcome(services: RunServices, signal: AbortSignal): StepOutcome {
  const why = signal.reason instanceof StepStopped ? signal.reason.why : 'cancelled';
  if (services.timedOut || why === 'timed_out' || why === 'group timeout') return 'timeout';
  return why === 'not needed' ? 'skipped' : 'error';
}

/** How one attempt ended, and whether a retry may help. */
export interface AttemptResult {
  outcome: StepOutcome;
  output?: unknown;
  error?: string;
  plan?: string;
  failure?: { kind: FailureKind; retryable: boolean; afterMs?: number };
  stopped?: StepOutcome;
}

export async function attemptOnce(
  services: RunServices,
  def: AnyActionDefinition,
  actionInput: unknown,
  outer: ActionContext,
  node: ActionNode,
  invoke: Invoke,
  input: StepInput,
): Promise<AttemptResult> {
  const { clock } = services;
  const parent = outer.signal;
  // The action's signal is made when the action first reads it: an AbortController costs more than
  // a whole step of an action that never looks at it. Once made, it reflects any abort so far.
  let controller: AbortController | undefined;
  let abortedWith: { reason: unknown } | undefined;
  const signalOf = () => {
    if (!controller) {
      controller = new AbortController();
      if (abortedWith) controller.abort(abortedWith.reason);
    }
    return controller.signal;
  };
  // One promise settles the race from outside: the attempt's timeout or the step being stopped.
  let rejectStop!: (reason: unknown) => void;
  const stop = new Promise<never>((_, reject) => (rejectStop = reject));
  // Whatever the action does after it lost the race, it must never surface as an unhandled rejection.
  stop.catch(() => undefined);
  const abort = (reason: unknown) => {
    if (abortedWith) return;
    abortedWith = { reason };
    controller?.abort(reason);
    rejectStop(reason);
  };
  const onParentAbort = () => abort(parent.reason);
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = clock.setTimeout(() => abort(new AttemptTimeout()), node.timeoutMs);
  const ctx: ActionContext = Object.defineProperty({ ...outer }, 'signal', {
    get: signalOf,
    enumerable: true,
    configurable: true,
  });
  let work: Promise<Awaited<ReturnType<Invoke>>>;
  try {
    // A step stopped before its attempt began (cancelled, run timed out) must not start a side effect.
    if (abortedWith) throw abortedWith.reason;
    work = invoke(def, actionInput, ctx, services);
  } catch (error) {
    work = Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  work.catch(() => undefined);
  try {
    const done = await Promise.race([work, stop]);
    if (done.plan !== undefined)
      services.emit({
        type: 'plan',
        step: node.id,
        action: def.id,
        summary: services.redactor.string(done.plan),
        ...(done.changes && { changes: done.changes }),
      });
    if (done.forced)
      return {
        outcome: done.forced,
        output: done.output,
        ...(done.plan !== undefined && { plan: done.plan }),
        // Only a script forces a failure: say so, or the timeline shows a failure with no reason.
        ...(done.forced !== 'pass' && { error: `scripted ${done.forced}` }),
      };
    if (node.expect === undefined) return { outcome: 'pass', output: done.output };
    let ok: boolean;
    try {
      ok = truthy(await evaluateExpression(node.expect, scopeOf(services, input, done.output), clock));
    } catch (error) {
      return {
        outcome: 'error',
        output: done.output,
        error: `step ${node.id}: ${services.redactor.error(error)}`,
        failure: { kind: 'error', retryable: false },
      };
    }
    return ok
      ? { outcome: 'pass', output: done.output }
      : {
          outcome: 'fail',
          output: done.output,
          error: `expected ${node.expect}`,
          failure: { kind: 'fail', retryable: true },
        };
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
    return { outcome: 'error', error: services.redactor.error(error), failure: classify(error) };
  } finally {
    clock.clearTimeout(timer);
    parent.removeEventListener('abort', onParentAbort);
  }
}

import { randomUUID } from 'node:crypto';
import type { ActionContext, Clock } from '../actions/types.js';
import { ActionError, FirstlineError } from '../errors.js';
import { describeCall } from '../actions/describeCall.js';
import { createVirtualClock, systemClock } from './clock.js';
import { seededRandom } from './retry.js';
import { complete, synthesize } from './synthesize/index.js';
import type { SynthesisSeed } from './synthesize/index.js';
import type { Invoke, ScriptPlayer } from './services.js';
import type { ApprovalOutcome, RunMode } from './types.js';

/**
 * Everything a run's mode decides, in one place: how an attempt is carried out, whether side effects
 * are journaled, locks and budgets apply and a run can be handed back, and the defaults for the clock,
 * jitter, run ids and secrets. Nothing else in the runtime asks which mode a run is in.
 */
export interface ModeStrategy {
  readonly mode: RunMode;
  /** How one attempt of an action is carried out. */
  readonly invoke: Invoke;
  /** Remediations and notifications are journaled, claimed and budgeted (not in shadow mode: nothing happens). */
  readonly journalsSideEffects: boolean;
  /** The resource lock and the budgets apply (not in shadow mode, which must never block a real run). */
  readonly enforcesSafety: boolean;
  /** A run can be handed back to a store and resumed later (not a simulation). */
  readonly handsBack: boolean;
  /** Secret references become placeholders unless the host gives resolvers (simulations need no real secrets). */
  readonly placeholderSecrets: boolean;
  /** Outcomes come from a script, and calls are recorded. */
  readonly scripted: boolean;
  /**
   * What an approve step does: ask a person and hold the run for the decision (live), say it would
   * ask and go on as approved (shadow), or take the decision from the script (simulation).
   */
  readonly approvals: 'asked' | 'planned' | 'scripted';
  /** The clock a run uses when the host gives none. */
  defaultClock(): Clock;
  /** The jitter source when the host gives none; `seed` names the run (and whether it is resumed). */
  defaultRandom(seed: string): () => number;
  /** A new run's id when the host gives none; `stable` is a hash of the playbook, inputs and trigger. */
  runId(stable: () => string): string;
}

const real = {
  defaultClock: () => systemClock,
  defaultRandom: () => Math.random,
  runId: () => randomUUID(),
  placeholderSecrets: false,
  scripted: false,
  handsBack: true,
};

/** Live mode: the action really runs. */
export const liveInvoke: Invoke = async (def, input, ctx) => ({
  output: (await def.run(input, ctx)) as unknown,
});

/** The seed of a step visit's synthesized output: its idempotency key is `runId:stepId:visit`. */
function seedOf(ctx: ActionContext): SynthesisSeed {
  const visit = Number(ctx.idempotencyKey.slice(ctx.idempotencyKey.lastIndexOf(':') + 1));
  return { runId: ctx.runId, stepId: ctx.stepId, visit: Number.isInteger(visit) && visit > 0 ? visit : 1 };
}

/**
 * Shadow mode: probes really run, so the run follows the branches the real world decides; remediations
 * and notifications only say what they would do (their `plan`, or a sentence naming the call). Their
 * output is synthesized from the action's output schema, so later steps that read it still run; the
 * plan goes beside it, in the trace's `plan` event and the step's record.
 */
export const shadowInvoke: Invoke = async (def, input, ctx, services) => {
  if (def.kind === 'probe') return liveInvoke(def, input, ctx, services);
  const plan = def.plan
    ? await def.plan(input, ctx)
    : { summary: `would ${describeCall(def, input) ?? `call ${def.id}`}` };
  const summary = plan.summary.startsWith('would') ? plan.summary : `would ${plan.summary}`;
  if (plan.preflight && !plan.preflight.ok)
    throw new ActionError(def.id, `preflight refused: ${plan.preflight.detail ?? 'not allowed'}`, {
      retryable: false,
    });
  const made = synthesize(def.output, seedOf(ctx));
  return {
    output: made.value,
    ...(def.output && { synthesized: made.from }),
    forced: 'pass',
    plan: summary,
    ...(plan.changes && { changes: plan.changes }),
  };
};

/** What a scenario may script for one attempt of a step. */
export type ScriptedOutcome =
  | 'pass'
  | 'fail'
  | 'error'
  | 'timeout'
  | 'throttled'
  | '5xx'
  | 'network'
  | ApprovalOutcome
  | Record<string, unknown>;

/** Scripted outcomes per step id: one value, or a list consumed one per attempt, the last one repeating. */
export type ScriptedOutcomes = Record<string, ScriptedOutcome | readonly ScriptedOutcome[]>;

const WORDS = new Set(['pass', 'fail', 'error', 'timeout', 'throttled', '5xx', 'network']);
/** What an approve step may be scripted to: a decision, or nobody deciding in time. */
export const APPROVAL_WORDS: ReadonlySet<string> = new Set<ApprovalOutcome>([
  'approved',
  'denied',
  'expired',
]);

/** Checks a script's shape up front, so a typo is an error and not a silently unscripted step. */
export function createScript(
  outcomes: ScriptedOutcomes | undefined,
  stepIds: ReadonlySet<string>,
  approvalIds: ReadonlySet<string> = new Set(),
): ScriptPlayer {
  const lists = new Map<string, readonly ScriptedOutcome[]>();
  const used = new Map<string, number>();
  for (const [step, value] of Object.entries(outcomes ?? {})) {
    const approval = approvalIds.has(step);
    if (!stepIds.has(step) && !approval) {
      const known = [...stepIds, ...approvalIds].filter((id) => !id.startsWith('notify.')).join(', ');
      throw new FirstlineError(
        'E_SIMULATION',
        `outcomes.${step}: no step with this id runs an action (steps that do: ${known})`,
      );
    }
    const list = Array.isArray(value) ? (value as readonly ScriptedOutcome[]) : [value as ScriptedOutcome];
    if (list.length === 0) throw new FirstlineError('E_SIMULATION', `outcomes.${step}: the list is empty`);
    list.forEach((item, i) => {
      if (approval) {
        if (typeof item !== 'string' || !APPROVAL_WORDS.has(item))
          throw new FirstlineError(
            'E_SIMULATION',
            `outcomes.${step}[${i}]: ${JSON.stringify(item)} is not approved, denied or expired (${step} is an approval)`,
          );
        return;
      }
      const ok = typeof item === 'string' ? WORDS.has(item) : item !== null && typeof item === 'object';
      if (!ok)
        throw new FirstlineError(
          'E_SIMULATION',
          `outcomes.${step}[${i}]: ${JSON.stringify(item)} is not pass, fail, error, timeout, throttled, 5xx, network or an output object`,
        );
    });
    lists.set(step, list);
  }
  return {
    next(stepId) {
      const list = lists.get(stepId);
      if (!list) return undefined;
      const i = used.get(stepId) ?? 0;
      used.set(stepId, i + 1);
      return list[Math.min(i, list.length - 1)];
    },
  };
}

/**
 * Simulation: no action's `run` is ever called. Each attempt takes the step's next scripted outcome;
 * unscripted steps pass. A pass with no output, or a partial one, gets its output synthesized from the
 * action's output schema (see `synthesizeOutput`). `timeout` hangs until the step's timeout fires on the virtual clock, so the
 * timeline shows the time a real hang would cost.
 */
export const scriptedInvoke: Invoke = (def, input, ctx, services) => {
  const calls = services.calls;
  if (calls) {
    const list = calls.get(def.id) ?? [];
    list.push(services.redactor.active ? services.redactor.value(input) : input);
    calls.set(def.id, list);
  }
  const scripted = services.script?.next(ctx.stepId);
  // Answered at once, not through a promise: the attempt then has nothing to race.
  if (scripted === undefined || scripted === 'pass') {
    // No output scripted: the action's output schema stands in for it, so later references resolve.
    if (!def.output) return { output: undefined, forced: 'pass' };
    const made = synthesize(def.output, seedOf(ctx));
    return { output: made.value, forced: 'pass', synthesized: made.from };
  }
  if (scripted === 'fail') return { output: undefined, forced: 'fail' };
  if (typeof scripted === 'object') {
    if (!def.output) return { output: scripted };
    // A partial output is completed: scripted values win, only what is missing is synthesized.
    const made = complete(def.output, scripted, seedOf(ctx));
    return { output: made.value, ...(made.filled && { synthesized: made.from }) };
  }
  if (scripted === 'timeout') {
    return new Promise((_, reject) => {
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
    });
  }
  const kind = scripted === 'error' ? 'error' : (scripted as 'throttled' | '5xx' | 'network');
  return Promise.reject(new ActionError(def.id, `scripted ${kind}`, { retryable: true, kind }));
};

const MODES: Record<RunMode, ModeStrategy> = {
  live: {
    ...real,
    mode: 'live',
    invoke: liveInvoke,
    journalsSideEffects: true,
    enforcesSafety: true,
    approvals: 'asked',
  },
  shadow: {
    ...real,
    mode: 'shadow',
    approvals: 'planned',
    invoke: shadowInvoke,
    journalsSideEffects: false,
    enforcesSafety: false,
  },
  simulate: {
    mode: 'simulate',
    invoke: scriptedInvoke,
    journalsSideEffects: true,
    enforcesSafety: true,
    handsBack: false,
    placeholderSecrets: true,
    scripted: true,
    approvals: 'scripted',
    defaultClock: () => createVirtualClock(),
    defaultRandom: (seed) => seededRandom(seed),
    runId: (stable) => `sim-${stable()}`,
  },
};

/** The strategy of a mode; an unknown mode (a record written by something else) is refused. */
export function modeStrategy(mode: RunMode): ModeStrategy {
  const strategy = (MODES as Partial<Record<string, ModeStrategy>>)[mode];
  if (!strategy) throw new FirstlineError('E_RUN_CONFLICT', `unknown run mode ${JSON.stringify(mode)}`);
  return strategy;
}

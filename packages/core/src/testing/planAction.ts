import { describeCall } from '../actions/describeCall.js';
import type { AnyActionDefinition } from '../actions/registry.js';
import type { ActionDefinition, Clock, Plan } from '../actions/types.js';
import { ActionError, FirstlineError } from '../errors.js';
import type { VirtualClock } from '../runtime/types.js';
import type { LogLine, TestContext } from './context.js';
import { callAsStep, checkActionInput } from './stepCall.js';
import type { StepCallOptions } from './stepCall.js';

/** What a successful {@link planAction} returns. */
export interface PlanActionResult<C extends Clock = VirtualClock> {
  /** The plan as a shadow run records it: its summary starts with "would". */
  plan: Plan;
  /** The lines the action logged while planning, redacted. */
  logs: LogLine[];
  /** Time the plan took on the context's clock. */
  elapsedMs: number;
  /** The context the action planned with. */
  context: TestContext<C>;
}

/**
 * Plans a remediation or notification the way a shadow run does: input checked (`E_ACTION_INPUT`), its
 * `plan` called (or, without one, the sentence `describe` gives), raced against the step timeout on the
 * virtual clock. A refused preflight throws the ActionError a shadow step fails with
 * (`<id>: preflight refused: …`). A probe has no plan: shadow runs call it for real, so use runAction.
 *
 * @example
 * const { plan } = await planAction(reboot, { instanceIds: ['i-0abc'] });
 * expect(plan.summary).toBe('would reboot i-0abc');
 */
export async function planAction<I, O, C extends Clock = VirtualClock>(
  definition: ActionDefinition<I, O>,
  input: unknown,
  options: StepCallOptions<C> = {},
): Promise<PlanActionResult<C>> {
  const def = definition as AnyActionDefinition;
  if (def.kind === 'probe')
    throw new FirstlineError(
      'E_SIMULATION',
      `${def.id} is a probe: shadow runs call it for real, so test it with runAction`,
    );
  checkActionInput(def, input);
  const { value, ctx, elapsedMs } = await callAsStep<Plan, C>(def, options, (ctx) =>
    def.plan
      ? def.plan(input, ctx)
      : Promise.resolve({ summary: `would ${describeCall(def, input) ?? `call ${def.id}`}` }),
  );
  const summary = value.summary.startsWith('would') ? value.summary : `would ${value.summary}`;
  if (value.preflight && !value.preflight.ok)
    throw new ActionError(def.id, `preflight refused: ${value.preflight.detail ?? 'not allowed'}`, {
      retryable: false,
    });
  return { plan: { ...value, summary }, logs: ctx.logs, elapsedMs, context: ctx };
}

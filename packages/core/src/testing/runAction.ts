import type { AnyActionDefinition } from '../actions/registry.js';
import { schemaErrors, schemaValidator } from '../actions/schemaValidators.js';
import type { ActionDefinition, Clock } from '../actions/types.js';
import { FirstlineError } from '../errors.js';
import { schemaMismatch } from '../runtime/executeStep.js';
import type { VirtualClock } from '../runtime/types.js';
import type { LogLine, TestContext } from './context.js';
import { callAsStep, checkActionInput } from './stepCall.js';
import type { StepCallOptions } from './stepCall.js';

/** Options of {@link runAction}: the context's own options, or a context made beforehand, and a timeout. */
export type RunActionOptions<C extends Clock = VirtualClock> = StepCallOptions<C>;

/** What a successful {@link runAction} returns. */
export interface RunActionResult<O, C extends Clock = VirtualClock> {
  /** What `run` resolved with, checked against the action's output schema. */
  output: O;
  /** The lines the action logged, redacted. */
  logs: LogLine[];
  /** Time the call took on the context's clock (virtual time on the default clock). */
  elapsedMs: number;
  /** The context the action ran with. */
  context: TestContext<C>;
}

/**
 * Calls an action the way a step would: its input checked against `input` (throws `E_ACTION_INPUT` with the
 * message a step's error would carry), `run` called with a test context, the virtual clock advanced while
 * it waits, raced against the step timeout (throws the engine's `no answer within …` as an ActionError of
 * kind `timeout`, the signal aborted), the output checked against `output` (`E_ACTION_OUTPUT`). What the
 * action throws is rethrown as it is: the error the engine would classify.
 *
 * @example
 * const { output, logs, elapsedMs } = await runAction(waitForState, { id: 'i-1', state: 'running' });
 * expect(output.state).toBe('running');
 * expect(elapsedMs).toBe(30_000); // three polls 10s apart, in no real time
 */
export async function runAction<I, O, C extends Clock = VirtualClock>(
  definition: ActionDefinition<I, O>,
  input: unknown,
  options: RunActionOptions<C> = {},
): Promise<RunActionResult<O, C>> {
  const def = definition as AnyActionDefinition;
  checkActionInput(def, input);
  const {
    value: output,
    ctx,
    elapsedMs,
  } = await callAsStep(def, options, (ctx) => definition.run(input as I, ctx));
  checkOutput(def, output);
  return { output, logs: ctx.logs, elapsedMs, context: ctx };
}

/** Throws `E_ACTION_OUTPUT` when the action declares an output schema and its output breaks it. */
function checkOutput(def: AnyActionDefinition, output: unknown): void {
  if (!def.output) return;
  // The definition's precompiled validator, else the shared ajv's (the registry's settings).
  const errors = schemaErrors(schemaValidator(def.output, def.validators?.output), output);
  if (errors.length) throw new FirstlineError('E_ACTION_OUTPUT', schemaMismatch('output', def.id, errors));
}

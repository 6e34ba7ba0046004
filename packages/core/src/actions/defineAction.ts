import { FirstlineError } from '../errors.js';
import type { FromSchema } from './fromSchema.js';
import type { ActionDefinition, JSONSchema } from './types.js';

/** What an action id looks like: `family.service.verb`. */
export const ACTION_ID = /^[a-z][a-z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)+$/;
const KINDS = new Set(['probe', 'remediation', 'notify']);

/**
 * An action definition whose types come from its schemas: `run(input)` receives
 * `FromSchema<typeof input>` and resolves `FromSchema<typeof output>` (`unknown` without `output`).
 */
export type SchemaActionDefinition<IS extends JSONSchema, OS extends JSONSchema | undefined> = Omit<
  ActionDefinition<FromSchema<IS>, OS extends JSONSchema ? FromSchema<OS> : unknown>,
  'input' | 'output'
> & { input: IS; output?: OS };

/**
 * Declares an action. An identity helper for type inference that also checks the definition's
 * shape, so a typo in an action package fails at import, not at 3 a.m. Without type arguments the
 * input and output types are read from the `input` and `output` schemas (see {@link FromSchema}), so
 * nothing is written twice; explicit `defineAction<Input, Output>` still works.
 *
 * @example
 * export const reboot = defineAction({
 *   id: 'aws.ec2.reboot', kind: 'remediation', description: 'Reboots EC2 instances.',
 *   input: { type: 'object', required: ['instanceIds'], properties: { instanceIds: { type: 'array', items: { type: 'string' } } } },
 *   output: { type: 'object', required: ['rebooted'], properties: { rebooted: { type: 'array', items: { type: 'string' } } } },
 *   async run(input, ctx) { ... }, // input: { instanceIds: string[] }, resolves { rebooted: string[] }
 * });
 */
export function defineAction<
  const IS extends JSONSchema,
  const OS extends JSONSchema | undefined,
  // Never given: a third type parameter keeps `defineAction<I, O>` (two type arguments) on the
  // overload below, and that one infers nothing, so a `run` that breaks its output schema is an
  // error here instead of a silently different type there.
  _FromSchemas,
>(
  definition: SchemaActionDefinition<IS, OS>,
): ActionDefinition<FromSchema<IS>, OS extends JSONSchema ? FromSchema<OS> : unknown>;
/** Declares an action with explicit input and output types: `defineAction<Input, Output>({ … })`. */
export function defineAction<I = never, O = never>(
  definition: ActionDefinition<NoInfer<I>, NoInfer<O>>,
): ActionDefinition<I, O>;
/** The implementation of both overloads: checks the shape and freezes a copy. */
export function defineAction(definition: ActionDefinition): ActionDefinition {
  const problems: string[] = [];
  if (!ACTION_ID.test(definition.id))
    problems.push(`id "${definition.id}" is not of the form family.service.verb`);
  if (!KINDS.has(definition.kind))
    problems.push(`kind "${String(definition.kind)}" is not probe, remediation or notify`);
  if (definition.resendable === true && definition.kind !== 'notify')
    problems.push(`resendable is for notifications; a ${definition.kind} is never sent twice`);
  if (typeof definition.run !== 'function') problems.push('run is not a function');
  if (typeof definition.input !== 'object' || definition.input === null)
    problems.push('input is not a JSON Schema object');
  if (!definition.description?.trim()) problems.push('description is empty');
  if (problems.length > 0) {
    throw new FirstlineError('E_ACTION_DEFINITION', `invalid action definition: ${problems.join('; ')}`);
  }
  return Object.freeze({ ...definition });
}

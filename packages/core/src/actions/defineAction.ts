import { FirstlineError } from '../errors.js';
import type { ActionDefinition } from './types.js';

/** What an action id looks like: `family.service.verb`. */
export const ACTION_ID = /^[a-z][a-z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)+$/;
const KINDS = new Set(['probe', 'remediation', 'notify']);

/**
 * Declares an action. An identity helper for type inference that also checks the definition's
 * shape, so a typo in an action package fails at import, not at 3 a.m.
 *
 * @example
 * export const reboot = defineAction<{ instanceIds: string[] }, { rebooted: string[] }>({
 *   id: 'aws.ec2.reboot', kind: 'remediation', description: 'Reboots EC2 instances.',
 *   input: { type: 'object', required: ['instanceIds'], properties: { instanceIds: { type: 'array' } } },
 *   async run(input, ctx) { ... },
 * });
 */
export function defineAction<I, O>(definition: ActionDefinition<I, O>): ActionDefinition<I, O> {
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

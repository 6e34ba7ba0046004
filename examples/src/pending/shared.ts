// Helpers for the stand-in action definitions of examples/src/pending-actions.ts. Deleted with it
// when @firstline/actions-aws, @firstline/actions-net and @firstline/notifiers land.
import { ActionError, defineAction } from '@firstline/core';
import type { ActionDefinition, JSONSchema } from '@firstline/core';

/** The packages that will implement the pending actions (issues 5, 6 and 7). */
export type PendingPackage = '@firstline/actions-aws' | '@firstline/actions-net' | '@firstline/notifiers';

/** An action's definition without `run`, which a pending action cannot have. */
export type PendingDefinition = Omit<ActionDefinition, 'run' | 'plan' | 'permissions'>;

/**
 * Declares an action whose package has not landed: its input and output schemas are real, so
 * playbooks that name it validate as they will later, but running it rejects with an ActionError.
 */
export function pendingAction(pkg: PendingPackage, definition: PendingDefinition): ActionDefinition {
  const { id } = definition;
  return defineAction({
    ...definition,
    run: () =>
      Promise.reject(
        new ActionError(
          id,
          `not implemented: ${pkg} has not landed yet (examples/src/pending-actions.ts only describes this action's input and output for validation)`,
          { retryable: false },
        ),
      ),
  });
}

/** A duration string, as the playbook format writes them: 500ms, 20s, 3m, 1h, 1m30s. */
export const duration: JSONSchema = { type: 'string', pattern: '^([0-9]+(ms|s|m|h))+$' };

/** An AWS region code (us-east-1, eu-west-3, us-gov-west-1); when absent: options, then the environment. */
export const awsRegion: JSONSchema = {
  type: 'string',
  pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$',
  description: 'AWS region; defaults to the one given to awsActions(), then AWS_REGION.',
};

/** An EC2 instance id. */
export const instanceId: JSONSchema = { type: 'string', pattern: '^i-[0-9a-f]{8,17}$' };

/** A map of string labels or values (HTTP headers, CloudWatch dimensions, OpsGenie details). */
export const stringMap: JSONSchema = { type: 'object', additionalProperties: { type: 'string' } };

/** A list of strings with no duplicates. */
export const stringList: JSONSchema = { type: 'array', items: { type: 'string' }, uniqueItems: true };

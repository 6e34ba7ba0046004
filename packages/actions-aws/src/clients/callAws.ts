import { toActionError } from './toActionError.js';
import type { CallPolicy } from './toActionError.js';

/**
 * Makes one AWS call for an action, turning any failure into an ActionError that names `operation`
 * (the IAM action, `ec2:RebootInstances`) and AWS's error code. The caller passes `ctx.signal` to
 * `send` as `abortSignal`, so a step's timeout or a cancelled run aborts the request in flight, and
 * the `policy` of the client it sends with (`aws.policy()`, or `aws.policy('once')` for a call that
 * must not run twice), so only one layer retries a failure.
 *
 * @example
 * const out = await callAws(id, 'ec2:RebootInstances', () =>
 *   ec2.send(new RebootInstancesCommand({ InstanceIds }), { abortSignal: ctx.signal }), aws.policy('once'));
 */
export async function callAws<T>(
  actionId: string,
  operation: string,
  send: () => Promise<T>,
  policy?: CallPolicy,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toActionError(actionId, operation, error, policy);
  }
}

import { isFirstlineError } from '@firstline/core';
import type { Plan } from '@firstline/core';
import { classifyAwsError, toActionError } from '../clients/toActionError.js';

/**
 * Proves a remediation would be allowed by making its call with `DryRun: true`: EC2 answers
 * `DryRunOperation` when the real call would succeed and `UnauthorizedOperation` when IAM denies it.
 * Any other client error (an unknown instance) is a failed preflight too; throttling, 5xx and network
 * errors throw, retryable, since they say nothing about the permission.
 */
export async function dryRunPreflight(
  actionId: string,
  operation: string,
  send: () => Promise<unknown>,
): Promise<NonNullable<Plan['preflight']>> {
  try {
    await send();
    return { ok: true, detail: 'permission ok' };
  } catch (thrown) {
    // callAws already wrapped the SDK's error; its verdict is in the original.
    if (isFirstlineError(thrown) && thrown.cause === undefined) throw thrown;
    const error = isFirstlineError(thrown) ? thrown.cause : thrown;
    const failure = classifyAwsError(error);
    if (failure.code === 'DryRunOperation') return { ok: true, detail: 'permission ok' };
    if (failure.denied) return { ok: false, detail: `denied: ${failure.code}: ${failure.message}` };
    if (failure.retry.retryable) throw toActionError(actionId, `${operation} (DryRun)`, error);
    return { ok: false, detail: `${failure.code}: ${failure.message}` };
  }
}

/** A plan summary ending in the preflight's verdict: "would reboot i-0abc (permission ok)". */
export function withPreflight(summary: string, preflight: NonNullable<Plan['preflight']>): string {
  return `${summary} (${preflight.detail ?? (preflight.ok ? 'ok' : 'refused')})`;
}

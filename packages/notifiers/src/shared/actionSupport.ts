import { formatClockDuration } from '@firstline/core';
import type { ActionContext, Plan } from '@firstline/core';
import type { RetryNotice } from './retry.js';

/** Logs a notifier's retry in the step's log (the engine redacts secret values from it). */
export function logRetries(ctx: ActionContext, api: string): (notice: RetryNotice) => void {
  return (notice) =>
    ctx.logger.warn(`${api}: retry ${notice.retry} in ${formatClockDuration(notice.delayMs)}`, {
      reason: notice.reason,
    });
}

/** A shadow-mode plan; `missing` names a credential the real call would lack, failing the preflight. */
export function planOf(summary: string, resource: string, change: string, missing?: string): Plan {
  return {
    summary,
    changes: [{ resource, change }],
    preflight: missing ? { ok: false, detail: missing } : { ok: true, detail: 'credentials present' },
  };
}

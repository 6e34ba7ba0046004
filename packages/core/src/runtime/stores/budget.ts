import { FirstlineError } from '../../errors.js';
import type { BudgetResult, BudgetUse } from '../types.js';

/** What a store keeps about one budget key: its uses (id, clock ms) and the longest window seen. */
export interface BudgetState {
  uses: Array<[id: string, at: number]>;
  /** Uses older than this before the latest spend are dropped; the longest window so none is lost early. */
  windowMs: number;
}

/** Rejects a use no budget can be spent with (a bug in the caller, not a refusal). */
export function checkBudgetUse(key: string, use: BudgetUse): void {
  const problem =
    typeof use.id !== 'string' || use.id === ''
      ? 'its id is empty'
      : !Number.isFinite(use.at)
        ? 'its time is not a number'
        : !Number.isInteger(use.max) || use.max < 0
          ? `max ${use.max} is not a whole number of uses`
          : !Number.isFinite(use.windowMs) || use.windowMs <= 0
            ? `window ${use.windowMs} ms is not a positive duration`
            : undefined;
  if (problem) throw new FirstlineError('E_STORE', `cannot spend budget ${JSON.stringify(key)}: ${problem}`);
}

/**
 * Applies one spend to a budget's state: the answer, and the state to store when it changed. A use
 * counts while it is newer than `use.at - use.windowMs`; uses stamped after `use.at` (a host whose
 * clock runs ahead) count too, so clock skew makes a budget refuse early, never allow an extra reboot.
 */
export function applySpend(
  state: BudgetState | undefined,
  use: BudgetUse,
): { result: BudgetResult; next?: BudgetState } {
  const from = use.at - use.windowMs;
  const uses = state?.uses ?? [];
  const inWindow = uses
    .map(([, at]) => at)
    .filter((at) => at > from)
    .sort((a, b) => a - b);
  if (uses.some(([id]) => id === use.id)) return { result: { allowed: true, uses: inWindow } };
  if (inWindow.length >= use.max) return { result: { allowed: false, uses: inWindow } };
  const windowMs = Math.max(state?.windowMs ?? 0, use.windowMs);
  const latest = Math.max(use.at, ...uses.map(([, at]) => at));
  const kept = uses.filter(([, at]) => at > latest - windowMs);
  return {
    result: { allowed: true, uses: [...inWindow, use.at].sort((a, b) => a - b) },
    next: { uses: [...kept, [use.id, use.at]], windowMs },
  };
}

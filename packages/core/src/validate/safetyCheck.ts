import type { ActionRegistry } from '../actions/registry.js';
import { DEFAULT_RUN_TIMEOUT_MS, formatDuration, parseDuration } from '../format/duration.js';
import { asRecord, asString } from './context.js';
import type { IssueCollector } from './context.js';
import type { PlaybookModel } from './model.js';
import { didYouMean } from './suggest.js';

const durationOf = (value: unknown) => (typeof value === 'string' ? parseDuration(value) : undefined);

/**
 * Checks `lock:` and `budgets:` beyond their shape: a lock that lapses before the run can end, a
 * queue setting that does nothing, budgets naming actions that are unknown, not remediations, or used
 * by no step (a budget that never counts is a false sense of safety).
 */
export function checkSafety(model: PlaybookModel, registry: ActionRegistry, issues: IssueCollector): void {
  const runMs = durationOf(model.root.timeout) ?? DEFAULT_RUN_TIMEOUT_MS;
  const lock = asRecord(model.root.lock);
  if (lock) {
    const ttl = durationOf(lock.ttl);
    if (ttl === 0) issues.report('E_DURATION', ['lock', 'ttl'], 'lock.ttl must be longer than 0');
    else if (ttl !== undefined && ttl < runMs)
      issues.report(
        'E_TIMEOUT',
        ['lock', 'ttl'],
        `lock.ttl ${formatDuration(ttl)} is shorter than the run timeout of ${formatDuration(runMs)}: a long run can lose its lock to another run`,
        { severity: 'warning' },
      );
    if (lock.queueFor !== undefined && lock.whenLocked !== 'queue')
      issues.report(
        'E_VALUE',
        ['lock', 'queueFor'],
        'lock.queueFor does nothing unless whenLocked is queue',
        { key: true, severity: 'warning' },
      );
  }
  const used = new Set(model.all.map((step) => asString(step.data.action)).filter((a) => a !== undefined));
  const budgets = Array.isArray(model.root.budgets) ? (model.root.budgets as unknown[]) : [];
  budgets.forEach((budget, i) => {
    const per = durationOf(asRecord(budget)?.per);
    if (per === 0)
      issues.report('E_DURATION', ['budgets', i, 'per'], 'a budget window must be longer than 0');
    const actions = asRecord(budget)?.actions;
    if (!Array.isArray(actions)) return;
    actions.forEach((id: unknown, j) => {
      if (typeof id !== 'string') return;
      const path = ['budgets', i, 'actions', j];
      const action = registry.get(id);
      if (!action)
        issues.report(
          'E_UNKNOWN_ACTION',
          path,
          `budget action ${id} is not registered${didYouMean(id, registry.ids())}`,
        );
      else if (action.kind !== 'remediation')
        issues.report(
          'E_ACTION_KIND',
          path,
          `${id} is a ${action.kind}: budgets count remediations (probes and notifications are not limited)`,
        );
      else if (!used.has(id))
        issues.report('E_VALUE', path, `no step runs ${id}: this budget never counts anything`, {
          severity: 'warning',
        });
    });
  });
}

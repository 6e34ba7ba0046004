import { asArray, asRecord } from './context.js';
import type { IssueCollector } from './context.js';
import type { PlaybookModel } from './model.js';

/**
 * Checks `onError:`, which says what a first-line check that could not run means. It belongs to
 * checks only: anywhere else it is an error (a general-form step routes `error` with `on:`; a
 * remediation that errors is unrecovered anyway). A check that guards a remediation and opts in
 * with `onError: fail` is warned about: the run may then reboot on a credentials or AccessDenied
 * problem, which no reboot fixes.
 */
export function checkOnError(model: PlaybookModel, issues: IssueCollector): void {
  const general = 'steps' in model.root;
  const defaults = asRecord(model.root.defaults);
  if (general && defaults?.onError !== undefined)
    issues.report(
      'E_ON_ERROR',
      ['defaults', 'onError'],
      'defaults.onError belongs to the first-line form (it applies to checks); in the general form route a step that could not run with on: { error: … }',
      { key: true },
    );
  for (const step of model.all) {
    if (step.data.onError === undefined || step.place === 'checks') continue;
    const where =
      step.place === 'remediate'
        ? 'a remediation that errors already ends the run unrecovered'
        : 'in the general form route a step that could not run with on: { error: … }';
    issues.report(
      'E_ON_ERROR',
      [...step.path, 'onError'],
      `onError applies to first-line checks only; ${where}`,
      { key: true },
    );
  }
  for (const step of model.all) {
    if (step.data.approval === undefined || step.place === 'remediate') continue;
    issues.report(
      'E_APPROVAL_PLACE',
      [...step.path, 'approval'],
      step.place === 'steps'
        ? 'approval: belongs to first-line remediations; in the general form put an approve step before the step: { id: …, approve: { timeout: 15m } }'
        : 'approval: belongs to first-line remediations only: a check or a notification is not asked for',
      { key: true },
    );
  }
  if (general || asArray(model.root.remediate).length === 0) return;

  const checks = model.all.filter((s) => s.place === 'checks');
  const acting = checks.filter((s) => s.data.onError === 'fail');
  const consequence =
    'a check that could not run (credentials, AccessDenied, a missing resource, its timeout) then remediates, though no remediation fixes that; leave it out to end inconclusive and escalate';
  for (const step of acting)
    issues.report(
      'E_ON_ERROR_ACTS',
      [...step.path, 'onError'],
      `check ${step.id ?? '(no id)'} guards a remediation and says onError: fail: ${consequence}`,
      { severity: 'warning' },
    );
  const inherit = checks.filter((s) => s.data.onError === undefined);
  if (defaults?.onError === 'fail' && inherit.length > 0)
    issues.report(
      'E_ON_ERROR_ACTS',
      ['defaults', 'onError'],
      `defaults.onError: fail applies to ${inherit.map((s) => s.id).join(', ')}, which guard a remediation: ${consequence}`,
      { severity: 'warning' },
    );
}

import { ACTION_ID } from '../actions/defineAction.js';
import type { ActionRegistry, InputSchemaError } from '../actions/registry.js';
import { isTemplate } from '../format/expressions.js';
import { formatPath, pointerToSegments } from '../load/sourceMap.js';
import type { PathSegment } from '../load/sourceMap.js';
import { asRecord, asString, describeValue, quoteValue, walkStrings } from './context.js';
import type { IssueCollector } from './context.js';
import type { PlaybookModel, StepInfo } from './model.js';
import { didYouMean } from './suggest.js';

// Which package provides each action family, so "unknown action" can say what to install.
const FAMILY_PACKAGES: Record<string, string> = {
  aws: '@firstline/actions-aws',
  http: '@firstline/actions-net',
  tcp: '@firstline/actions-net',
  dns: '@firstline/actions-net',
  icmp: '@firstline/actions-net',
  ssh: '@firstline/actions-net',
  prometheus: '@firstline/actions-net',
  slack: '@firstline/notifiers',
  opsgenie: '@firstline/notifiers',
  github: '@firstline/notifiers',
};

/**
 * Checks every `action:` against the registry: it exists, its kind suits its place (checks are
 * read-only probes, notify holds notifications), and `with:` matches its input schema wherever
 * the values are known before the run (values holding `{{ }}` are checked at run time).
 */
export function checkActions(model: PlaybookModel, registry: ActionRegistry, issues: IssueCollector): void {
  const byId = new Map(model.all.filter((s) => s.id).map((s) => [s.id!, s]));
  for (const step of model.all) {
    const actionId = asString(step.data.action);
    // A malformed name was reported by the schema check; "unknown action" would say it twice.
    if (!actionId || !ACTION_ID.test(actionId)) continue;
    const action = registry.get(actionId);
    if (!action) {
      const family = actionId.split('.')[0] ?? '';
      const pkg = FAMILY_PACKAGES[family];
      const hint =
        didYouMean(actionId, registry.ids()) ||
        (pkg ? `; is ${pkg} installed and its actions registered?` : '');
      issues.report(
        'E_UNKNOWN_ACTION',
        [...step.path, 'action'],
        `no action ${quoteValue(actionId)} is registered${hint}`,
      );
      continue;
    }
    if (step.place === 'checks' && action.kind !== 'probe') {
      issues.report(
        'E_ACTION_KIND',
        [...step.path, 'action'],
        `checks must be read-only probes, but ${actionId} is a ${action.kind}; move it to remediate${action.kind === 'notify' ? ' or notify' : ''}`,
      );
    }
    if (step.place === 'notify' && action.kind === 'remediation') {
      issues.report(
        'E_ACTION_KIND',
        [...step.path, 'action'],
        `notify sends notifications, but ${actionId} is a remediation; move it to remediate`,
      );
    }
    checkInput(step, actionId, registry, issues);
  }
  // A `wait: { until, step }` polls its step again and again: only a probe may be repeated so.
  for (const step of model.flow) {
    const wait = asRecord(step.data.wait);
    const target = asString(wait?.step);
    const polled = target ? byId.get(target) : undefined;
    const action = polled ? registry.get(asString(polled.data.action) ?? '') : undefined;
    if (polled && action && action.kind !== 'probe') {
      issues.report(
        'E_ACTION_KIND',
        [...step.path, 'wait', 'step'],
        `wait polls "${target}" repeatedly, so it must be a probe; ${action.id} is a ${action.kind}`,
      );
    } else if (polled && !asString(polled.data.action)) {
      issues.report(
        'E_ACTION_KIND',
        [...step.path, 'wait', 'step'],
        `wait polls "${target}", which runs no action; name a probe step`,
      );
    }
  }
}

function checkInput(
  step: StepInfo,
  actionId: string,
  registry: ActionRegistry,
  issues: IssueCollector,
): void {
  const given = step.data.with === undefined ? {} : step.data.with;
  if (asRecord(given) === undefined) return; // the schema check already reported `with` is not a mapping
  // Values holding {{ }} are only known at run time: errors at or below them are not reported.
  const templated: PathSegment[][] = [];
  walkStrings(given, [], (text, path) => {
    if (isTemplate(text)) templated.push(path);
  });
  const withPath: PathSegment[] = [...step.path, 'with'];
  for (const error of registry.checkInput(actionId, given)) {
    const at = pointerToSegments(error.instancePath);
    if (templated.some((t) => t.every((segment, i) => at[i] === segment))) continue;
    report(error, withPath, actionId, issues);
  }
}

function report(
  error: InputSchemaError,
  withPath: PathSegment[],
  actionId: string,
  issues: IssueCollector,
): void {
  const path = [...withPath, ...pointerToSegments(error.instancePath)];
  const where = formatPath(path);
  const params = error.params;
  const tail = ` (input of ${actionId})`;
  switch (error.keyword) {
    case 'required':
      return issues.report(
        'E_ACTION_INPUT',
        path,
        `${where} needs "${String(params.missingProperty)}"${tail}`,
      );
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(asRecord(error.parentSchema?.properties) ?? {});
      issues.report(
        'E_ACTION_INPUT',
        [...path, key],
        `${actionId} takes no input "${key}"${didYouMean(key, allowed) || (allowed.length ? `; it takes ${allowed.join(', ')}` : '')}`,
        { key: true },
      );
      return;
    }
    case 'type':
      return issues.report(
        'E_ACTION_INPUT',
        path,
        `${where} must be ${String(params.type)}, not ${describeValue(error.data)}${tail}`,
      );
    case 'enum':
      return issues.report(
        'E_ACTION_INPUT',
        path,
        `${where} must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}${tail}`,
      );
    default:
      return issues.report('E_ACTION_INPUT', path, `${where} ${error.message ?? 'is invalid'}${tail}`);
  }
}

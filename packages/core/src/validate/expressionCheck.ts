import type { ActionRegistry } from '../actions/registry.js';
import {
  analyzeExpression,
  parseTemplate,
  RUN_FIELDS,
  SCOPE_ROOTS,
  STEP_FIELDS,
  TRIGGER_FIELDS,
} from '../format/expressions.js';
import type { ExpressionReference } from '../format/expressions.js';
import { regexProblem } from '../format/linearRegex.js';
import { regexLiterals } from '../format/regexLiterals.js';
import type { PathSegment } from '../load/sourceMap.js';
import { asRecord, asString, walkStrings } from './context.js';
import type { IssueCollector } from './context.js';
import type { PlaybookModel } from './model.js';
import { didYouMean } from './suggest.js';

/** What an expression can see besides the common scope. */
interface Scope {
  /** `output` is in scope (expect, until). */
  output: boolean;
  /** Rendered before any step runs (lock and budget keys): only inputs, trigger, run and name. */
  beforeSteps?: boolean;
  /** An approval's request notification: `approval` is in scope. */
  approval?: boolean;
}

/** What an approval's request notifications read as `approval`. */
const APPROVAL_FIELDS = ['id', 'message', 'url', 'expiresAt'] as const;

/**
 * Compiles every expression (`{{ }}` in `with`, bare in `expect`, `when`, `until`) and checks that
 * it reads only what exists: declared inputs and secrets, existing step ids and their fields.
 */
export function checkExpressions(
  model: PlaybookModel,
  registry: ActionRegistry | undefined,
  issues: IssueCollector,
): void {
  const known = {
    inputs: new Set(Object.keys(asRecord(model.root.inputs) ?? {})),
    secrets: new Set(Object.keys(asRecord(model.root.secrets) ?? {})),
    steps: new Map(model.all.filter((s) => s.id).map((s) => [s.id!, asString(s.data.action)])),
    registry,
  };
  const check = (source: string, path: PathSegment[], scope: Scope, inner: number) =>
    checkOne(source, path, scope, inner, known, issues);

  for (const step of model.all) {
    const approval = step.approval !== undefined;
    walkStrings(step.data.with, [...step.path, 'with'], (text, path) => {
      const template = parseTemplate(text);
      if (template.error)
        issues.report('E_TEMPLATE', path, template.error.message, { inner: template.error.offset });
      for (const part of template.parts)
        if (part.kind === 'expr') check(part.source, path, { output: false, approval }, part.offset);
    });
    const key = step.kind === 'approve' ? 'approve' : 'approval';
    const message = asString(asRecord(step.data[key])?.message);
    if (message !== undefined) {
      const path = [...step.path, key, 'message'];
      const template = parseTemplate(message);
      if (template.error)
        issues.report('E_TEMPLATE', path, template.error.message, { inner: template.error.offset });
      for (const part of template.parts)
        if (part.kind === 'expr') check(part.source, path, { output: false }, part.offset);
    }
    for (const key of ['expect', 'when'] as const) {
      const source = asString(step.data[key]);
      if (source !== undefined) check(source, [...step.path, key], { output: key === 'expect' }, 0);
    }
    const until = asString(asRecord(step.data.wait)?.until);
    if (until !== undefined) check(until, [...step.path, 'wait', 'until'], { output: true }, 0);
  }
  const keyed: Array<[unknown, PathSegment[]]> = [[asRecord(model.root.lock)?.key, ['lock', 'key']]];
  const budgets = Array.isArray(model.root.budgets) ? (model.root.budgets as unknown[]) : [];
  budgets.forEach((budget, i) => keyed.push([asRecord(budget)?.key, ['budgets', i, 'key']]));
  for (const [key, path] of keyed) {
    if (typeof key !== 'string') continue;
    const template = parseTemplate(key);
    if (template.error)
      issues.report('E_TEMPLATE', path, template.error.message, { inner: template.error.offset });
    for (const part of template.parts)
      if (part.kind === 'expr') check(part.source, path, { output: false, beforeSteps: true }, part.offset);
  }
}

interface Known {
  inputs: Set<string>;
  secrets: Set<string>;
  steps: Map<string, string | undefined>;
  registry: ActionRegistry | undefined;
}

function checkOne(
  source: string,
  path: PathSegment[],
  scope: Scope,
  inner: number,
  known: Known,
  issues: IssueCollector,
): void {
  const analysis = analyzeExpression(source);
  if (!analysis.ok) {
    issues.report('E_EXPRESSION', path, `expression does not compile: ${analysis.error.message}`, {
      inner: inner + analysis.error.offset,
    });
    return;
  }
  for (const ref of analysis.references) checkReference(ref, path, scope, inner, known, issues);
  for (const regex of regexLiterals(source)) {
    const problem = regexProblem(regex.pattern);
    if (problem !== undefined)
      issues.report('E_REGEX', path, `regular expression /${regex.pattern}/ cannot be used: ${problem}`, {
        inner: inner + regex.offset,
      });
  }
}

function checkReference(
  ref: ExpressionReference,
  path: PathSegment[],
  scope: Scope,
  inner: number,
  known: Known,
  issues: IssueCollector,
): void {
  const at = { inner: inner + ref.offset };
  const [first, second, third] = ref.path;
  if (scope.beforeSteps && (ref.root === 'steps' || ref.root === 'secrets')) {
    issues.report(
      'E_UNKNOWN_REFERENCE',
      path,
      `${ref.root} is not in scope here: a lock or budget key is rendered before any step runs, from inputs, trigger and run`,
      at,
    );
    return;
  }
  switch (ref.root) {
    case 'inputs':
    case 'secrets': {
      const declared = known[ref.root];
      if (first !== undefined && !declared.has(first)) {
        const code = ref.root === 'inputs' ? 'E_UNKNOWN_INPUT' : 'E_UNKNOWN_SECRET';
        const message = `${ref.root}.${first} is not declared under ${ref.root}:${didYouMean(first, declared)}`;
        issues.report(code, path, message, at);
      }
      return;
    }
    case 'steps': {
      if (first === undefined) return;
      if (!known.steps.has(first)) {
        issues.report(
          'E_UNKNOWN_STEP',
          path,
          `steps.${first}: no step has the id "${first}"${didYouMean(first, known.steps.keys())}`,
          at,
        );
        return;
      }
      if (second !== undefined && !(STEP_FIELDS as readonly string[]).includes(second)) {
        issues.report(
          'E_UNKNOWN_REFERENCE',
          path,
          `steps.${first}.${second} does not exist; a step exposes ${STEP_FIELDS.join(', ')}${didYouMean(second, STEP_FIELDS)}`,
          at,
        );
        return;
      }
      if (second === 'output' && third !== undefined) checkOutputField(first, third, path, at, known, issues);
      return;
    }
    case 'run':
      if (first !== undefined && !(RUN_FIELDS as readonly string[]).includes(first))
        issues.report(
          'E_UNKNOWN_REFERENCE',
          path,
          `run.${first} does not exist; run exposes ${RUN_FIELDS.join(', ')}${didYouMean(first, RUN_FIELDS)}`,
          at,
        );
      return;
    case 'trigger':
      // A warning: a field no trigger has is always missing at run time (E_MISSING_VALUE), but a
      // playbook run only by hand may never read it. An event's own fields are under trigger.raw.
      if (first !== undefined && !(TRIGGER_FIELDS as readonly string[]).includes(first))
        issues.report(
          'E_UNKNOWN_REFERENCE',
          path,
          `trigger.${first} is not a field of any trigger (an event's own fields are under trigger.raw: trigger.raw.${first})${didYouMean(first, TRIGGER_FIELDS)}`,
          { ...at, severity: 'warning' },
        );
      return;
    case 'name':
      return;
    case 'approval':
      if (!scope.approval) {
        issues.report(
          'E_UNKNOWN_REFERENCE',
          path,
          '`approval` is only in scope in the notifications an approval sends (approve.notify, approval.notify)',
          at,
        );
        return;
      }
      if (first !== undefined && !(APPROVAL_FIELDS as readonly string[]).includes(first))
        issues.report(
          'E_UNKNOWN_REFERENCE',
          path,
          `approval.${first} does not exist; approval exposes ${APPROVAL_FIELDS.join(', ')}${didYouMean(first, APPROVAL_FIELDS)}`,
          at,
        );
      return;
    case 'output':
      if (!scope.output)
        issues.report(
          'E_UNKNOWN_REFERENCE',
          path,
          '`output` is only in scope in expect and until; name the step: steps.<id>.output',
          at,
        );
      return;
    default: {
      const roots = scope.output ? [...SCOPE_ROOTS, 'output'] : SCOPE_ROOTS;
      issues.report(
        'E_UNKNOWN_REFERENCE',
        path,
        `"${ref.root}" is not in scope; expressions start from ${roots.join(', ')}${didYouMean(ref.root, roots)}`,
        at,
      );
    }
  }
}

/** When the action declares a closed output schema, `steps.<id>.output.<field>` must be one of its fields. */
function checkOutputField(
  stepId: string,
  field: string,
  path: PathSegment[],
  at: { inner: number },
  known: Known,
  issues: IssueCollector,
): void {
  const actionId = known.steps.get(stepId);
  const output = actionId ? known.registry?.get(actionId)?.output : undefined;
  const properties = asRecord(output?.properties);
  if (!properties || output?.additionalProperties !== false || field in properties) return;
  issues.report(
    'E_UNKNOWN_REFERENCE',
    path,
    `steps.${stepId}.output.${field}: ${actionId} has no output "${field}"${didYouMean(field, Object.keys(properties)) || `; it returns ${Object.keys(properties).join(', ')}`}`,
    at,
  );
}

import {
  DEFAULT_RUN_TIMEOUT_MS,
  formatDuration,
  MAX_RUN_TIMEOUT_MS,
  parseDuration,
} from '../format/duration.js';
import { linearTest, regexProblem } from '../format/linearRegex.js';
import type { PathSegment } from '../load/sourceMap.js';
import { asArray, asRecord, asString, describeValue } from './context.js';
import type { IssueCollector } from './context.js';
import type { PlaybookModel } from './model.js';

/** Checks the form, the inputs' declarations, timeouts against each other, and quorums. */
export function checkSettings(model: PlaybookModel, issues: IssueCollector): void {
  checkForm(model.root, issues);
  checkInputs(model.root, issues);
  checkTimeouts(model, issues);
  checkQuorums(model, issues);
}

function checkForm(root: Record<string, unknown>, issues: IssueCollector): void {
  const hasChecks = 'checks' in root;
  const hasSteps = 'steps' in root;
  if (hasChecks && hasSteps) {
    issues.report(
      'E_FORM',
      ['steps'],
      'a playbook has either checks (the first-line form) or steps (the general form), not both',
      { key: true },
    );
  } else if (!hasChecks && !hasSteps) {
    issues.report(
      'E_FORM',
      [],
      'the playbook does nothing: add checks: (first-line form: checks, remediate, recheck, notify) or steps: (general form)',
    );
  } else if (hasSteps) {
    for (const key of ['remediate', 'recheck', 'notify'] as const) {
      if (key in root)
        issues.report(
          'E_FORM',
          [key],
          `${key}: belongs to the first-line form (with checks:); in the general form make it a step`,
          { key: true },
        );
    }
  } else if (!('recheck' in root)) {
    if ('remediate' in root)
      issues.report(
        'E_FORM',
        ['remediate'],
        'remediate without recheck: the run cannot tell recovered from unrecovered; add recheck: { after: 2m }',
        { key: true, severity: 'warning' },
      );
    // Without a recheck no run can end `recovered`, so these notifications would never be sent.
    if (asRecord(root.notify)?.recovered !== undefined)
      issues.report(
        'E_FORM',
        ['notify', 'recovered'],
        'notify.recovered is never sent: without recheck no run can end recovered',
        { key: true, severity: 'warning' },
      );
  }
}

const TYPE_OF: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  array: Array.isArray,
  object: (v) => asRecord(v) !== undefined,
};

function checkInputs(root: Record<string, unknown>, issues: IssueCollector): void {
  for (const [name, value] of Object.entries(asRecord(root.inputs) ?? {})) {
    const spec = asRecord(value);
    const is = TYPE_OF[asString(spec?.type) ?? ''];
    if (!spec || !is) continue;
    const path: PathSegment[] = ['inputs', name];
    let regex: string | undefined;
    if (typeof spec.pattern === 'string') {
      try {
        new RegExp(spec.pattern, 'u');
        regex = regexProblem(spec.pattern) === undefined ? spec.pattern : undefined;
      } catch (error) {
        issues.report(
          'E_INPUT_SPEC',
          [...path, 'pattern'],
          `the pattern of input ${name} is not a valid regular expression: ${(error as Error).message}`,
        );
      }
    }
    checkSchemaPatterns(spec, path, name, issues);
    if ('default' in spec) {
      const d = spec.default;
      if (!is(d))
        issues.report(
          'E_INPUT_SPEC',
          [...path, 'default'],
          `the default of input ${name} is ${describeValue(d)}, but the input is of type ${String(spec.type)}`,
        );
      else if (regex !== undefined && typeof d === 'string' && !linearTest(regex, d))
        issues.report(
          'E_INPUT_SPEC',
          [...path, 'default'],
          `the default of input ${name} does not match its own pattern`,
        );
      if (spec.required === true)
        issues.report(
          'E_INPUT_SPEC',
          [...path, 'required'],
          `input ${name} is required and has a default; drop one of them`,
          { severity: 'warning' },
        );
    }
    asArray(spec.enum).forEach((option, i) => {
      if (!is(option))
        issues.report(
          'E_INPUT_SPEC',
          [...path, 'enum', i],
          `${describeValue(option)} in the enum of input ${name} is not of type ${String(spec.type)}`,
        );
    });
    for (const [lo, hi] of [
      ['minimum', 'maximum'],
      ['minLength', 'maxLength'],
    ] as const) {
      if (typeof spec[lo] === 'number' && typeof spec[hi] === 'number' && spec[lo] > spec[hi])
        issues.report(
          'E_INPUT_SPEC',
          [...path, lo],
          `input ${name} has ${lo} ${spec[lo]} above ${hi} ${spec[hi]}: no value can satisfy it`,
        );
    }
  }
}

function duration(value: unknown): number | undefined {
  return typeof value === 'string' ? parseDuration(value) : undefined;
}

function checkTimeouts(model: PlaybookModel, issues: IssueCollector): void {
  const root = model.root;
  const set = duration(root.timeout);
  const run = set ?? DEFAULT_RUN_TIMEOUT_MS;
  const runLabel =
    set === undefined
      ? `the default run timeout of ${formatDuration(run)}`
      : `the run timeout of ${formatDuration(run)}`;
  if (set !== undefined && set > MAX_RUN_TIMEOUT_MS)
    issues.report(
      'E_TIMEOUT',
      ['timeout'],
      `a run may last at most ${formatDuration(MAX_RUN_TIMEOUT_MS)}; ${String(root.timeout)} is longer`,
    );

  const positive = (value: unknown, path: PathSegment[]) => {
    if (duration(value) === 0) issues.report('E_DURATION', path, `${path.join('.')} must be longer than 0`);
  };
  positive(root.timeout, ['timeout']);
  const defaults = asRecord(root.defaults);
  positive(defaults?.timeout, ['defaults', 'timeout']);
  checkRetry(defaults?.retry, ['defaults', 'retry'], issues);

  for (const step of model.all) {
    positive(step.data.timeout, [...step.path, 'timeout']);
    const own = duration(step.data.timeout);
    if (own !== undefined && own > run)
      issues.report(
        'E_TIMEOUT',
        [...step.path, 'timeout'],
        `this step's timeout (${formatDuration(own)}) is longer than ${runLabel}, so it can never apply`,
        { severity: 'warning' },
      );
    checkRetry(step.data.retry, [...step.path, 'retry'], issues);
    const wait = step.data.wait;
    positive(wait, [...step.path, 'wait']);
    const fixed = duration(wait);
    if (fixed !== undefined && fixed >= run)
      issues.report(
        'E_TIMEOUT',
        [...step.path, 'wait'],
        `this wait (${formatDuration(fixed)}) is as long as ${runLabel}: a run that reaches it always times out`,
      );
    const approval = asRecord(step.kind === 'approve' ? step.data.approve : step.data.approval);
    if (approval) {
      const key = step.kind === 'approve' ? 'approve' : 'approval';
      positive(approval.timeout, [...step.path, key, 'timeout']);
      const asks = duration(approval.timeout);
      // The run's deadline ends it `timed_out` first, and a person's "yes" then comes too late.
      if (asks !== undefined && asks >= run)
        issues.report(
          'E_TIMEOUT',
          [...step.path, key, 'timeout'],
          `this approval waits ${formatDuration(asks)}, as long as ${runLabel}: unanswered, the run times out instead of expiring the approval; give the run a longer timeout or the approval a shorter one`,
          { severity: 'warning' },
        );
    }
    const until = asRecord(wait);
    if (until) {
      positive(until.every, [...step.path, 'wait', 'every']);
      positive(until.timeout, [...step.path, 'wait', 'timeout']);
      const every = duration(until.every);
      const limit = duration(until.timeout);
      if (every !== undefined && limit !== undefined && every > limit)
        issues.report(
          'E_TIMEOUT',
          [...step.path, 'wait', 'every'],
          `polling every ${formatDuration(every)} with a timeout of ${formatDuration(limit)} polls only once`,
          { severity: 'warning' },
        );
    }
  }

  const recheck = asRecord(root.recheck);
  const after = duration(recheck?.after);
  if (recheck && after !== undefined) {
    positive(recheck.after, ['recheck', 'after']);
    const rounds = typeof recheck.rounds === 'number' ? recheck.rounds : 1;
    if (after * rounds >= run)
      issues.report(
        'E_TIMEOUT',
        ['recheck', 'after'],
        `${rounds} recheck round${rounds > 1 ? 's' : ''} of ${formatDuration(after)} take ${formatDuration(after * rounds)}, not less than ${runLabel}: every remediated run would time out`,
      );
  }
}

function checkRetry(value: unknown, path: PathSegment[], issues: IssueCollector): void {
  const retry = asRecord(value);
  const delay = duration(retry?.delay);
  const max = duration(retry?.maxDelay);
  if (delay !== undefined && max !== undefined && max < delay)
    issues.report(
      'E_TIMEOUT',
      [...path, 'maxDelay'],
      `maxDelay (${formatDuration(max)}) is shorter than delay (${formatDuration(delay)})`,
      { severity: 'warning' },
    );
}

function checkQuorums(model: PlaybookModel, issues: IssueCollector): void {
  const groups: Array<{ data: Record<string, unknown>; path: PathSegment[] }> = model.all
    .filter((s) => s.kind === 'parallel')
    .map((s) => ({ data: s.data, path: s.path }));
  const checks = asRecord(model.root.checks);
  if (checks) groups.push({ data: checks, path: ['checks'] });
  for (const { data, path } of groups) {
    const atLeast = asRecord(data.quorum)?.atLeast;
    const size = asArray(data.steps).length;
    if (typeof atLeast === 'number' && atLeast > size)
      issues.report(
        'E_QUORUM',
        [...path, 'quorum', 'atLeast'],
        `the quorum asks for ${atLeast} passing steps, but the group has only ${size}`,
      );
  }
}

/**
 * Every `pattern` (and `patternProperties` key) of an input and its `items` schema must run on RE2:
 * values are checked in linear time, so a backreference or lookaround is refused here (E_REGEX).
 */
function checkSchemaPatterns(
  schema: Record<string, unknown>,
  path: PathSegment[],
  name: string,
  issues: IssueCollector,
): void {
  const visit = (node: unknown, at: PathSegment[], depth: number): void => {
    if (depth > 64) return;
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, [...at, i], depth + 1));
    const record = asRecord(node);
    if (!record) return;
    for (const [key, value] of Object.entries(record)) {
      if (key === 'pattern' && typeof value === 'string') report(value, [...at, key], false);
      if (key === 'patternProperties' && asRecord(value))
        for (const pattern of Object.keys(asRecord(value)!)) report(pattern, [...at, key, pattern], true);
      if (key !== 'enum' && key !== 'const' && key !== 'default' && key !== 'examples')
        visit(value, [...at, key], depth + 1);
    }
  };
  const report = (pattern: string, at: PathSegment[], key: boolean): void => {
    const problem = regexProblem(pattern);
    // Not JavaScript syntax at all: E_INPUT_SPEC (above, or ajv's compile) says so.
    if (problem === undefined || !isJsRegex(pattern)) return;
    issues.report(
      'E_REGEX',
      at,
      `the pattern ${JSON.stringify(pattern)} of input ${name} cannot be used: ${problem}`,
      {
        key,
      },
    );
  };
  visit(schema, path, 0);
}

function isJsRegex(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

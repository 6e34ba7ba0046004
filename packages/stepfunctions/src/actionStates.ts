import type { StepFunctionsTask } from '@firstline/core';
import type { ActionNode, RetrySettings } from '@firstline/core/internal';
import type { Builder } from './builder.js';
import { field, literal, toVariables, withExpression } from './jsonata.js';
import type { SecretSlot } from './jsonata.js';
import { budgetStates } from './safetyStates.js';
import { unsupported } from './unsupported.js';
import type { AslState } from './types.js';

/** The Lambda invoke integration the action runner is called through. */
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** Errors the action runner throws, by the `retry.on` kind they stand for (see `@firstline/lambda`'s runner). */
const RUNNER_ERRORS = {
  throttled: ['Firstline.Throttled'],
  timeout: ['States.Timeout', 'Firstline.Timeout'],
  '5xx': ['Firstline.5xx'],
  network: ['Firstline.Network'],
  error: ['Firstline.Error'],
} as const;

/** AWS error codes a native task fails with that core's AWS actions classify as throttling or 5xx. */
const THROTTLE_CODES = [
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
];
const SERVER_CODES = ['InternalError', 'InternalFailure', 'ServiceUnavailable', 'InternalServerError'];

/** The Lambda service errors AWS recommends retrying on every Lambda invoke. */
const LAMBDA_TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
/** The one Lambda error that says the runner never ran (throttled before the invoke): safe to repeat always. */
const LAMBDA_NOT_RUN = ['Lambda.TooManyRequestsException'];

/**
 * The states that run one action step up to the point its result is known: `when` (a Choice), budget
 * spends, the region choice of a native step, the Task itself with Retry and Catch. Every way out
 * assigns `$r` (`{ outcome, output?, error?, visits }`) and goes to `done`; a refused budget also sets
 * `$r.halted`. The caller decides what the result means.
 */
export function actionStates(b: Builder, node: ActionNode, done: string): void {
  const where = b.where(node.id);
  if (node.retry.on.includes('fail'))
    throw unsupported(
      where,
      'retry.on: [fail] repeats a step whose verdict was fail; a Step Functions Retry only sees errors, and the verdict is judged after the task. Leave fail out of retry.on, or poll with wait: { step, until }',
    );
  const visit = b.visit(node.id);
  const task = b.nativeTask(node);
  const native = task !== undefined && !b.needsRunner(node);
  const chooseRegion = b.regionChoice(node);
  const afterChecks = chooseRegion ? `${node.key}.where` : node.key;

  if (node.when !== undefined) {
    const budgets = b.budgetsOf(node);
    b.add(`${node.key}.when`, {
      Type: 'Choice',
      Choices: [
        {
          Condition: field(`$boolean(${toVariables(node.when, where)})`),
          Next: budgets.length > 0 ? `${node.key}.budget0` : afterChecks,
        },
      ],
      Default: `${node.key}.skip`,
    });
    b.add(`${node.key}.skip`, {
      Type: 'Pass',
      Assign: {
        [b.result]: field(
          `{ 'outcome': 'skipped', 'error': ${literal(`when: ${node.when} is false`)}, 'visits': ${visit} }`,
        ),
      },
      Next: done,
    });
  }
  budgetStates(b, node, afterChecks, `${node.key}.halted`);

  if (chooseRegion) {
    const region = task!.regionInput!;
    const input = withExpression(node.with, where);
    b.add(`${node.key}.where`, {
      Type: 'Choice',
      Comment: `${node.action} runs natively in this state machine's region; another region goes through the action runner`,
      Choices: [
        {
          Condition: field(
            `($input := ${input}; $not($exists($lookup($input, ${literal(region)}))) or $lookup($input, ${literal(region)}) = $split($states.context.StateMachine.Id, ':')[3])`,
          ),
          Next: node.key,
        },
      ],
      Default: `${node.key}.runner`,
    });
    b.add(node.key, nativeTask(b, node, task!, done));
    b.add(`${node.key}.runner`, runnerTask(b, node, done));
    b.task(node.id, `${node.key}.where`, resourceOf(task!));
    b.task(node.id, `${node.key}.where`);
  } else if (native) {
    b.add(node.key, nativeTask(b, node, task, done));
    b.task(node.id, node.key, resourceOf(task));
  } else {
    b.add(node.key, runnerTask(b, node, done));
    b.task(node.id, node.key);
  }
}

const resourceOf = (task: StepFunctionsTask) => `arn:aws:states:::aws-sdk:${task.service}:${task.api}`;

/** The JSONata of `$r` for a step that ended with `outcome` before or without a result (caught errors). */
function caught(outcome: 'error' | 'timeout', visit: string): string {
  return field(
    `{ 'outcome': '${outcome}', 'error': $states.errorOutput.Error & ($exists($states.errorOutput.Cause) ? ': ' & $states.errorOutput.Cause : ''), 'visits': ${visit} }`,
  );
}

/** The expect of a step over `$output`, as a JSONata boolean; `true` without one. */
function expectOf(b: Builder, node: ActionNode): string {
  return node.expect === undefined ? 'true' : `$boolean(${toVariables(node.expect, b.where(node.id))})`;
}

/** What every step Task shares: timeout, retries, catches and the `$r` it assigns. */
function common(b: Builder, node: ActionNode, done: string, timeoutSeconds: number, extraErrors: string[][]) {
  const visit = b.visit(node.id);
  return {
    TimeoutSeconds: timeoutSeconds,
    ...retryOf(b, node, node.retry, extraErrors),
    Catch: [
      {
        ErrorEquals: ['States.Timeout', 'Firstline.Timeout'],
        Assign: { [b.result]: caught('timeout', visit) },
        Next: done,
      },
      { ErrorEquals: ['States.ALL'], Assign: { [b.result]: caught('error', visit) }, Next: done },
    ],
    Next: done,
  };
}

/** The judged result of an output: `expect` over it, then the record the step keeps. */
function judged(b: Builder, node: ActionNode, visit: string): string {
  const failed = node.expect === undefined ? "'failed'" : literal(`expected ${node.expect}`);
  return `($outcome := $ok ? 'pass' : 'fail';
    $merge([{ 'outcome': $outcome, 'visits': ${visit} }, $exists($output) ? { 'output': $output } : {},
      $outcome = 'fail' ? { 'error': ${failed} } : {}]))`;
}

/** The runner Task: one Lambda invoke running the action with the installed registry. */
function runnerTask(b: Builder, node: ActionNode, done: string): AslState {
  const where = b.where(node.id);
  const secrets: SecretSlot[] = [];
  const input = withExpression(node.with, where, secrets);
  const visit = b.visit(node.id);
  const payload = `{ 'action': ${literal(node.action)}, 'step': ${literal(node.id)}, 'with': ${input},
    'runId': $run.id, 'visit': ${visit}, 'timeoutMs': ${node.timeoutMs}${
      // References only (`{ env: SLACK_TOKEN }`): the runner resolves them, the definition holds no value.
      secrets.length > 0
        ? `, 'secrets': ${JSON.stringify(secrets.map((s) => ({ ...s, ref: b.options.secrets[s.name] })))}`
        : ''
    } }`;
  // A script's forced outcome is final, as in a simulation: `expect` judges only real outputs.
  const result = `($p := $states.result.Payload; $output := $p.output;
    $p.outcome != 'pass' ? $merge([{ 'outcome': $p.outcome, 'visits': ${visit} }, $exists($output) ? { 'output': $output } : {}, $exists($p.error) ? { 'error': $p.error } : {}])
    : $p.forced = true ? $merge([{ 'outcome': 'pass', 'visits': ${visit} }, $exists($output) ? { 'output': $output } : {}])
    : ($ok := ${expectOf(b, node)}; ${judged(b, node, visit)}))`;
  // The runner stops the action at its own timeout; the Task's is a backstop a little later.
  b.approximate(
    "A runner step's TimeoutSeconds is its timeout plus 5 s: the runner stops the action at the timeout itself and reports Firstline.Timeout.",
  );
  return {
    Type: 'Task',
    Comment: `${node.action} through the action runner`,
    Resource: LAMBDA_INVOKE,
    Arguments: { FunctionName: b.options.runner, Payload: field(payload) },
    Assign: { [b.result]: field(result) },
    ...common(b, node, done, Math.ceil(node.timeoutMs / 1000) + 5, []),
  };
}

/** A native `aws-sdk:` Task: the action's one API call, its output and verdict in JSONata. */
function nativeTask(b: Builder, node: ActionNode, task: StepFunctionsTask, done: string): AslState {
  const where = b.where(node.id);
  const input = withExpression(node.with, where);
  const visit = b.visit(node.id);
  const unusable = task.unusable ?? 'false';
  const verdict = task.verdict ?? 'false';
  const result = `($input := ${input}; $result := $states.result;
    ${unusable} ? { 'outcome': 'error', 'error': ${literal(`${node.action}: the answer of ${task.api} cannot be used`)}, 'visits': ${visit} }
    : ($output := ${task.output};
      $verdict := ${verdict};
      $verdict ? { 'outcome': 'fail', 'output': $output, 'error': ${literal(`${node.action}: verdict fail`)}, 'visits': ${visit} }
      : ($ok := ${expectOf(b, node)}; ${judged(b, node, visit)})))`;
  const service = serviceErrorPrefix(task.service);
  return {
    Type: 'Task',
    Comment: `${node.action} as one ${task.service}:${task.api} call`,
    Resource: resourceOf(task),
    Arguments: field(`($input := ${input}; ${task.arguments})`),
    Assign: { [b.result]: field(result) },
    ...common(b, node, done, Math.ceil(node.timeoutMs / 1000), [
      THROTTLE_CODES.map((c) => `${service}.${c}`),
      SERVER_CODES.map((c) => `${service}.${c}`),
    ]),
  };
}

/** How Step Functions prefixes a service's errors in an `aws-sdk:` task (`Ec2.RequestLimitExceeded`). */
function serviceErrorPrefix(service: string): string {
  const known: Record<string, string> = { ec2: 'Ec2', autoscaling: 'AutoScaling', dynamodb: 'DynamoDb' };
  return known[service] ?? service.charAt(0).toUpperCase() + service.slice(1);
}

/**
 * `retry:` as a Retry: the same attempts, first delay, backoff rate, cap and jitter, on the error names
 * the runner (or the native task) raises for the kinds in `retry.on`. `native` are a native task's
 * throttling and 5xx error names.
 */
function retryOf(
  b: Builder,
  node: ActionNode,
  retry: RetrySettings,
  native: string[][],
): { Retry?: unknown[] } {
  // A remediation that is not idempotent is at most once: nothing that may have acted is repeated.
  const once = b.atMostOnce(node);
  const lambda = {
    ErrorEquals: once ? LAMBDA_NOT_RUN : LAMBDA_TRANSIENT,
    IntervalSeconds: 1,
    MaxAttempts: 2,
    BackoffRate: 2,
  };
  const runner = native.length === 0;
  if (retry.attempts <= 1) return runner ? { Retry: [lambda] } : {};
  if (retry.backoff === 'linear')
    throw unsupported(
      b.where(node.id),
      'retry.backoff: linear has no Step Functions Retry equivalent (its BackoffRate multiplies); use exponential or constant',
    );
  const [throttles = [], servers = []] = native;
  const errors = new Set<string>();
  const kinds = retry.on.includes('error')
    ? (['throttled', 'timeout', '5xx', 'network', 'error'] as const)
    : retry.on.filter((k): k is Exclude<typeof k, 'fail'> => k !== 'fail');
  for (const kind of kinds) {
    if (once && kind === 'timeout') continue;
    for (const name of RUNNER_ERRORS[kind]) if (runner || kind === 'timeout') errors.add(name);
    if (!runner && kind === 'throttled') throttles.forEach((n) => errors.add(n));
    if (!runner && !once && kind === '5xx') servers.forEach((n) => errors.add(n));
  }
  if (errors.size === 0) return runner ? { Retry: [lambda] } : {};
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
  if (retry.delayMs % 1000 !== 0 || retry.maxDelayMs % 1000 !== 0)
    b.approximate(
      'Retry delays are whole seconds in Step Functions: shorter or fractional delays are rounded up.',
    );
  return {
    Retry: [
      ...(runner ? [lambda] : []),
      {
        ErrorEquals: [...errors],
        IntervalSeconds: seconds(retry.delayMs),
        MaxAttempts: retry.attempts - 1,
        BackoffRate: retry.backoff === 'constant' ? 1 : 2,
        MaxDelaySeconds: seconds(retry.maxDelayMs),
        JitterStrategy: retry.jitter === 'full' ? 'FULL' : 'NONE',
      },
    ],
  };
}

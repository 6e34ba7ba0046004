import type { ActionRegistry, CompiledPlaybook } from '@firstline/core';
import type { ActionNode, IRNode, Target } from '@firstline/core/internal';
import { expectRule, nativeField, runnerRules, under } from './jsonPathRules.js';
import { nativeParameters, render, renderObject } from './jsonPathValues.js';
import { unsupported } from './unsupported.js';
import type { Where } from './unsupported.js';
import type { AslExport, AslState } from './types.js';

// The JSONPath variant, for interpreters without JSONata (moto's Step Functions among them). JSONPath
// cannot evaluate the playbook's expressions, so it covers a subset, and refuses the rest by step:
// the general form's action steps (native tasks with a JSONPath mapping, or the runner), `end:`, `on:`,
// waits, retries and timeouts; templates that are plain paths over `inputs`; `expect` over a native
// step's output as comparisons. Its output is `{ outcome, steps }` (no `path`).

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** What the JSONPath builders share. */
export interface Context {
  compiled: CompiledPlaybook;
  registry: ActionRegistry;
  states: Record<string, AslState>;
  where: (step?: string) => Where;
  runner: string;
  native: boolean;
  nativeSteps: Array<{ step: string; resource: string }>;
  runnerSteps: string[];
  /** Some step compares its region with the state machine's. */
  needsRegion?: boolean;
}

/** Exports the JSONPath variant of a compiled playbook, or refuses naming the step that needs JSONata. */
export function exportJsonPath(
  compiled: CompiledPlaybook,
  options: { runner: string; native: boolean; file?: string },
): Omit<AslExport, 'placeholders' | 'approximations'> {
  const { ir } = compiled;
  const where = (step?: string): Where => ({
    ...(options.file !== undefined && { file: options.file }),
    ...(step !== undefined && { step }),
  });
  const refuse = (why: string, step?: string) => unsupported(where(step), `queryLanguage JSONPath: ${why}`);
  if (ir.form !== 'general')
    throw refuse("the first-line form's rounds need JSONata; export it with JSONata (the default)");
  if (ir.lock || ir.budgets.length > 0) throw refuse('lock and budgets need JSONata');
  if (ir.notify.size > 0) throw refuse('notifications need JSONata');
  const ctx: Context = {
    compiled,
    registry: compiled.registry,
    states: {},
    where,
    runner: options.runner,
    native: options.native,
    nativeSteps: [],
    runnerSteps: [],
  };
  const defaults = Object.fromEntries(
    Object.entries(compiled.document.inputs ?? {})
      .filter(([, spec]) => spec.default !== undefined)
      .map(([name, spec]) => [name, spec.default]),
  );
  ctx.states.__start = {
    Type: 'Pass',
    Comment: `${ir.name}: the input's defaults, then the steps`,
    Result: defaults,
    ResultPath: '$.defaults',
    Next: '__scope',
  };
  ctx.states.__scope = {
    Type: 'Pass',
    Parameters: {
      'inputs.$': 'States.JsonMerge($.defaults, $.inputs, false)',
      steps: {},
      answers: {},
      remediated: false,
    },
    Next: to(ctx, ir.start),
  };
  for (const node of ir.nodes.values()) nodeStates(ctx, node);
  if (ctx.needsRegion) {
    // The state machine's region, from its ARN, for the steps that compare theirs with it.
    ctx.states.__region = {
      Type: 'Pass',
      Parameters: { 'region.$': "States.ArrayGetItem(States.StringSplit($$.StateMachine.Id, ':'), 3)" },
      ResultPath: '$.machine',
      Next: '__machineRegion',
    };
    ctx.states.__machineRegion = {
      Type: 'Pass',
      InputPath: '$.machine.region',
      ResultPath: '$.machineRegion',
      Next: (ctx.states.__scope as { Next: string }).Next,
    };
    (ctx.states.__scope as { Next: string }).Next = '__region';
  }
  // A step with a region choice is entered through it.
  const entries = new Set(
    Object.keys(ctx.states)
      .filter((n) => n.endsWith('.where'))
      .map((n) => n.slice(0, -6)),
  );
  for (const [name, state] of Object.entries(ctx.states)) {
    const fix = (next: unknown) =>
      typeof next === 'string' && entries.has(next) && name !== `${next}.where` ? `${next}.where` : next;
    if ('Next' in state) state.Next = fix(state.Next);
    if ('Default' in state) state.Default = fix(state.Default);
    for (const rule of (state.Choices as Array<{ Next?: unknown }> | undefined) ?? [])
      rule.Next = fix(rule.Next);
  }
  ctx.states.__done = {
    Type: 'Pass',
    Parameters: { 'outcome.$': '$.outcome', 'steps.$': '$.steps' },
    End: true,
  };
  return {
    definition: {
      Comment: `Firstline playbook ${ir.name} (JSONPath variant), exported by @firstline/stepfunctions`,
      QueryLanguage: 'JSONPath',
      StartAt: '__start',
      TimeoutSeconds: Math.ceil(ir.timeoutMs / 1000),
      States: ctx.states,
    },
    nativeSteps: ctx.nativeSteps,
    runnerSteps: ctx.runnerSteps,
  };
}

function to(ctx: Context, target: Target): string {
  if ('node' in target) return target.node === '__done' ? '__done' : target.node;
  const name = `__end.${target.outcome}`;
  ctx.states[name] ??= { Type: 'Pass', Result: target.outcome, ResultPath: '$.outcome', Next: '__done' };
  return name;
}

function nodeStates(ctx: Context, node: IRNode): void {
  const refuse = (why: string) => unsupported(ctx.where(node.id), `queryLanguage JSONPath: ${why}`);
  if (node.maxVisits !== undefined) throw refuse('maxVisits counts visits, which needs JSONata');
  switch (node.kind) {
    case 'action':
      return actionStates(ctx, node);
    case 'wait':
      ctx.states[node.key] = {
        Type: 'Wait',
        Seconds: Math.ceil(node.ms / 1000),
        Next: to(ctx, node.on.pass),
      };
      return;
    case 'judge':
      if (node.rule !== 'fell-off') throw refuse('this decision needs JSONata');
      ctx.states[node.key] = {
        Type: 'Choice',
        Choices: [{ Variable: '$.remediated', BooleanEquals: true, Next: to(ctx, { outcome: 'recovered' }) }],
        Default: to(ctx, { outcome: 'healthy' }),
      };
      return;
    default:
      throw refuse(`a ${node.kind} step needs JSONata`);
  }
}

function actionStates(ctx: Context, node: ActionNode): void {
  const refuse = (why: string) => unsupported(ctx.where(node.id), `queryLanguage JSONPath: ${why}`);
  if (node.when !== undefined) throw refuse('when needs JSONata');
  if (node.retry.backoff === 'linear' || node.retry.on.includes('fail'))
    throw refuse('this retry has no Step Functions equivalent');
  const def = ctx.registry.get(node.action);
  const task = ctx.native ? def?.stepFunctions?.jsonPath : undefined;
  const answer = `$.answers.${node.key}`;
  const rules: AslState[] = [];
  const common = {
    ResultPath: answer,
    ...retryOf(node),
    Catch: [
      { ErrorEquals: ['States.Timeout'], ResultPath: answer, Next: `${node.key}.timeout` },
      { ErrorEquals: ['States.ALL'], ResultPath: answer, Next: `${node.key}.error` },
    ],
    Next: `${node.key}.judge`,
  };
  const runnerTask = (): AslState => {
    const payload: Record<string, unknown> = {
      action: node.action,
      step: node.id,
      'runId.$': '$$.Execution.Name',
      visit: 1,
      timeoutMs: node.timeoutMs,
    };
    const { fields, secrets } = renderObject(ctx, node, node.with);
    payload.with = fields;
    if (secrets.length > 0) payload.secrets = secrets;
    ctx.runnerSteps.push(node.id);
    return {
      Type: 'Task',
      Comment: `${node.action} through the action runner`,
      Resource: LAMBDA_INVOKE,
      Parameters: { FunctionName: ctx.runner, Payload: payload },
      ResultSelector: { 'result.$': '$.Payload' },
      TimeoutSeconds: Math.ceil(node.timeoutMs / 1000) + 5,
      ...common,
    };
  };
  const sf = def?.stepFunctions;
  if (task && sf && !JSON.stringify(node.with).includes('secrets.')) {
    const resource = `arn:aws:states:::aws-sdk:${sf.service}:${sf.api}`;
    ctx.states[node.key] = {
      Type: 'Task',
      Comment: `${node.action} as one ${sf.service}:${sf.api} call`,
      Resource: resource,
      Parameters: nativeParameters(ctx, node, task),
      TimeoutSeconds: Math.ceil(node.timeoutMs / 1000),
      ...common,
    };
    ctx.nativeSteps.push({ step: node.id, resource });
    const region = sf.regionInput;
    if (region !== undefined && Object.hasOwn(node.with, region)) {
      // A native task calls the state machine's region: another region goes through the runner.
      const value = render(ctx, node, node.with[region]);
      const same =
        'dynamic' in value && value.dynamic.startsWith('$.')
          ? { Variable: value.dynamic, StringEqualsPath: '$.machineRegion' }
          : 'literal' in value && typeof value.literal === 'string'
            ? { Variable: '$.machineRegion', StringEquals: value.literal }
            : undefined;
      if (!same) throw refuse(`with.${region} must be a plain input or a literal`);
      ctx.states[`${node.key}.where`] = {
        Type: 'Choice',
        Comment: `${node.action} runs natively in this state machine's region; another region goes through the action runner`,
        Choices: [{ ...same, Next: node.key }],
        Default: `${node.key}.runner`,
      };
      ctx.states[`${node.key}.runner`] = runnerTask();
      ctx.needsRegion = true;
      rules.push(...runnerRules(ctx, node, answer));
    }
    if (task.unusable !== undefined)
      rules.push({ ...under(task.unusable, answer), Next: `${node.key}.error` });
    const verdict = task.verdict;
    if (verdict && !(verdict.unless !== undefined && node.with[verdict.unless] === false)) {
      if (verdict.unless !== undefined && typeof node.with[verdict.unless] === 'string')
        throw refuse(`${verdict.unless} must be a literal in a JSONPath definition`);
      rules.push({ ...under(verdict.rule, answer), Next: `${node.key}.fail` });
    }
    if (node.expect !== undefined)
      rules.push({ Not: expectRule(ctx, node, nativeField(task, answer)), Next: `${node.key}.fail` });
  } else {
    ctx.states[node.key] = runnerTask();
    rules.push(...runnerRules(ctx, node, answer));
  }
  ctx.states[`${node.key}.judge`] = {
    Type: 'Choice',
    ...(rules.length > 0 && { Choices: rules }),
    Default: `${node.key}.pass`,
  };
  // A Choice needs a rule: a step that can only pass goes straight on.
  if (rules.length === 0) ctx.states[`${node.key}.judge`] = { Type: 'Pass', Next: `${node.key}.pass` };
  const remediation = def?.kind === 'remediation';
  for (const outcome of ['pass', 'fail', 'error', 'timeout'] as const) {
    const next = to(ctx, node.on[outcome]);
    ctx.states[`${node.key}.${outcome}`] = {
      Type: 'Pass',
      Result: { outcome },
      ResultPath: `$.steps.${node.key}`,
      Next: remediation && outcome === 'pass' ? `${node.key}.remediated` : next,
    };
    if (remediation && outcome === 'pass')
      ctx.states[`${node.key}.remediated`] = {
        Type: 'Pass',
        Result: true,
        ResultPath: '$.remediated',
        Next: next,
      };
  }
}

/** `retry:` as in the JSONata variant (the runner's error names; a native task's timeouts). */
function retryOf(node: ActionNode): { Retry?: unknown[] } {
  const retry = node.retry;
  if (retry.attempts <= 1) return {};
  const names: Record<string, string[]> = {
    throttled: ['Firstline.Throttled'],
    timeout: ['States.Timeout', 'Firstline.Timeout'],
    '5xx': ['Firstline.5xx'],
    network: ['Firstline.Network'],
    error: [
      'Firstline.Error',
      'Firstline.Throttled',
      'Firstline.5xx',
      'Firstline.Network',
      'States.Timeout',
      'Firstline.Timeout',
    ],
  };
  const errors = [...new Set(retry.on.flatMap((kind) => names[kind] ?? []))];
  if (errors.length === 0) return {};
  return {
    Retry: [
      {
        ErrorEquals: errors,
        IntervalSeconds: Math.max(1, Math.ceil(retry.delayMs / 1000)),
        MaxAttempts: retry.attempts - 1,
        BackoffRate: retry.backoff === 'constant' ? 1 : 2,
        MaxDelaySeconds: Math.max(1, Math.ceil(retry.maxDelayMs / 1000)),
        JitterStrategy: retry.jitter === 'full' ? 'FULL' : 'NONE',
      },
    ],
  };
}

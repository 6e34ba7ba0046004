import { compiledOf, compilePlaybook } from '@firstline/core';
import type { CompiledPlaybook, RunnablePlaybook } from '@firstline/core';
import { standIns } from '@firstline/core/internal';
import { Builder } from './builder.js';
import { endStates, nodeStates } from './flowStates.js';
import { field, literal } from './jsonata.js';
import { exportJsonPath } from './jsonPath.js';
import { lockStates } from './safetyStates.js';
import { ACTION_RUNNER_PLACEHOLDER, TABLE_PLACEHOLDER } from './types.js';
import type { AslExport, AslState, ExportAslOptions } from './types.js';

/**
 * Exports a playbook as an Amazon States Language definition (JSONata) that runs on AWS Step Functions
 * with the engine's semantics: one Task per step (a native `aws-sdk:` call where the action declares
 * one, else the action runner Lambda), Choice states for outcomes, `expect`, `when` and the first-line
 * form's rounds, Parallel for groups, Wait for waits, Retry for `retry:`, DynamoDB conditional writes for
 * `lock:` and `budgets:`. The execution's input is `{ "inputs": {…}, "trigger"?: … }`; its output
 * `{ "outcome", "path", "steps" }`. What cannot be expressed faithfully throws `E_ASL_UNSUPPORTED`
 * naming the step; nothing is dropped silently.
 *
 * @example
 * const { definition } = exportAsl(await loadPlaybook('ec2.yaml'), { actions: awsActions(), actionRunnerArn });
 * await sfn.send(new CreateStateMachineCommand({ name, roleArn, definition: JSON.stringify(definition) }));
 */
export function exportAsl(playbook: RunnablePlaybook, options: ExportAslOptions = {}): AslExport {
  const compiled = toCompiled(playbook, options);
  const file = compiled.file;
  const { ir } = compiled;
  const runner = options.actionRunnerArn ?? ACTION_RUNNER_PLACEHOLDER;
  const table = options.tableName ?? TABLE_PLACEHOLDER;
  if (options.queryLanguage === 'JSONPath') {
    const made = exportJsonPath(compiled, {
      runner,
      native: options.nativeTasks !== false,
      ...(file !== undefined && { file }),
    });
    const all = reachable(made.definition.States, '__start');
    const text = JSON.stringify(all);
    return {
      ...made,
      definition: { ...made.definition, States: all },
      placeholders: text.includes(ACTION_RUNNER_PLACEHOLDER) ? [ACTION_RUNNER_PLACEHOLDER] : [],
      approximations: [
        "The JSONPath variant covers a subset (see the docs); its output has no path, and a native step's output keeps only the fields its Choices read.",
      ],
    };
  }
  const b = new Builder(ir, compiled.registry, {
    ...(file !== undefined && { file }),
    runner,
    table,
    native: options.nativeTasks !== false,
    secrets: compiled.document.secrets ?? {},
  });

  const first = b.to(ir.start);
  b.add('__start', {
    Type: 'Pass',
    Comment: `${ir.name}: the run's scope as variables`,
    Assign: startAssign(compiled),
    Next: b.lock ? '__lock' : first,
  });
  lockStates(b, first);
  for (const node of ir.nodes.values()) nodeStates(b, node);
  endStates(b);
  b.add('__done', {
    Type: 'Succeed',
    Output: "{% { 'outcome': $outcome, 'path': $path, 'steps': $steps } %}",
  });

  const states = reachable(b.states, '__start');
  const text = JSON.stringify(states);
  const placeholders = [runner, table].filter(
    (p, i) => [ACTION_RUNNER_PLACEHOLDER, TABLE_PLACEHOLDER][i] === p && text.includes(p),
  );
  return {
    definition: {
      Comment: `Firstline playbook ${ir.name}, exported by @firstline/stepfunctions`,
      QueryLanguage: 'JSONata',
      StartAt: '__start',
      TimeoutSeconds: Math.ceil(ir.timeoutMs / 1000),
      States: states,
    },
    nativeSteps: b.nativeSteps
      .filter((s) => s.state in states)
      .map(({ step, resource }) => ({ step, resource })),
    runnerSteps: b.runnerSteps.filter((s) => s.state in states).map((s) => s.step),
    placeholders,
    approximations: b.approximations,
  };
}

function toCompiled(playbook: RunnablePlaybook, options: ExportAslOptions): CompiledPlaybook {
  const given = compiledOf(playbook);
  if (given && !options.actions) return given;
  const source = given ? given.document : playbook;
  // Without the action definitions each action is taken by its place, as a simulation takes it.
  return compilePlaybook(source, { actions: options.actions ?? standIns(source) });
}

/** The run's scope, as the engine starts it: inputs with their defaults, trigger, `run`, empty records. */
function startAssign(compiled: CompiledPlaybook): Record<string, unknown> {
  const declared = compiled.document.inputs ?? {};
  const defaults = Object.fromEntries(
    Object.entries(declared)
      .filter(([, spec]) => spec.default !== undefined)
      .map(([name, spec]) => [name, spec.default]),
  );
  return {
    inputs: field(
      `$merge([${JSON.stringify(defaults)}, $exists($states.input.inputs) ? $states.input.inputs : {}])`,
    ),
    trigger: field('$exists($states.input.trigger) ? $states.input.trigger : null'),
    name: compiled.name,
    run: field(`($started := $toMillis($states.context.Execution.StartTime);
      { 'id': $states.context.Execution.Name, 'startedAt': $started, 'mode': 'live',
        'playbook': ${literal(compiled.name)}, 'deadline': $started + ${compiled.ir.timeoutMs} })`),
    steps: {},
    visits: {},
    path: [],
    round: 0,
    remediated: false,
    outcome: null,
    spendTries: 0,
  };
}

/**
 * Only the states a run can reach: the IR holds nodes no transition enters (the general form's
 * fell-off judge when every step ends explicitly), which Step Functions refuses.
 */
function reachable(states: Record<string, AslState>, start: string): Record<string, AslState> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name) || !(name in states)) continue;
    seen.add(name);
    const state = states[name] as {
      Next?: string;
      Default?: string;
      Choices?: Array<{ Next: string }>;
      Catch?: Array<{ Next: string }>;
    };
    for (const next of [state.Next, state.Default, ...(state.Choices ?? []), ...(state.Catch ?? [])])
      if (next !== undefined) queue.push(typeof next === 'string' ? next : next.Next);
  }
  return Object.fromEntries(Object.entries(states).filter(([name]) => seen.has(name)));
}

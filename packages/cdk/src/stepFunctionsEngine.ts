import { readFileSync } from 'node:fs';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import {
  mergeStatements,
  playbookActionSteps,
  secretPermissions,
  stepPermissions,
} from '@firstline/actions-aws';
import { FirstlineError, parsePlaybook } from '@firstline/core';
import type { AnyActionDefinition, IamStatement, Playbook } from '@firstline/core';
import { ACTION_RUNNER_PLACEHOLDER, exportAsl, TABLE_PLACEHOLDER } from '@firstline/stepfunctions';
import type { AslDefinition, AslExport } from '@firstline/stepfunctions';
import { bindInputs } from './bindInputs.js';
import type { CheckedPlaybook } from './responderPlaybooks.js';

/** The first state the construct puts before an exported definition: an alarm event → the run's input. */
export const ALARM_STATE = '__alarm';

/** A playbook as the Step Functions engine deploys it: its definition and its IAM, split by who calls. */
export interface PlaybookMachine {
  /** The playbook's name (the state machine's construct id is `Machine-<name>`). */
  name: string;
  /** What `exportAsl` returned (the definition without the construct's first state). */
  exported: AslExport;
  /** The definition deployed: {@link ALARM_STATE}, then the exported states. */
  definition: AslDefinition;
  /** What the state machine's native tasks call, as `stepPermissions` computes it for their steps. */
  machineStatements: IamStatement[];
  /** What the action runner calls for this playbook's runner steps, and its secrets' reads. */
  runnerStatements: IamStatement[];
  /**
   * The DynamoDB actions its lock and budget Tasks call on the table (`dynamodb:GetItem`, `PutItem`,
   * `DeleteItem`), read from the definition; none without `lock:` or `budgets:`.
   */
  tableActions: string[];
}

/**
 * Exports each checked playbook (JSONata, native tasks on) and splits its IAM statements: a step the
 * definition runs as a native task gives its `stepPermissions` to the state machine, a step run through
 * the action runner (notifications included) to the runner, a step that may run either way (a `with.region`
 * chosen at run time) to both. The fixed inputs are bound first, as for the Lambda engine.
 */
export function planMachines(
  playbooks: readonly CheckedPlaybook[],
  actions: readonly AnyActionDefinition[],
  scope: { region: string; accountId: string },
): PlaybookMachine[] {
  const byId = new Map(actions.map((action) => [action.id, action]));
  return playbooks.map((playbook) => {
    const loaded = parsePlaybook(readFileSync(playbook.file), { file: playbook.file });
    let exported: AslExport;
    try {
      exported = exportAsl(loaded, { actions });
    } catch (error) {
      if (error instanceof FirstlineError && error.code === 'E_ASL_UNSUPPORTED')
        throw new FirstlineError(
          'E_ASL_UNSUPPORTED',
          `FirstlineResponder (engine 'stepfunctions', playbook ${playbook.name}): ${error.message}`,
        );
      throw error;
    }
    const document = bindInputs(loaded.data as Playbook, playbook.inputs);
    const native = new Set(exported.nativeSteps.map((s) => s.step));
    const runner = new Set(exported.runnerSteps);
    const machineStatements: IamStatement[] = [];
    const runnerStatements: IamStatement[] = [];
    for (const step of playbookActionSteps(document)) {
      const definition = byId.get(step.action);
      if (!definition) continue;
      const statements = stepPermissions(definition, step.with);
      // Steps without an id are notifications: always the runner's.
      if (step.id !== undefined && native.has(step.id)) machineStatements.push(...statements);
      if (step.id === undefined || runner.has(step.id)) runnerStatements.push(...statements);
    }
    runnerStatements.push(...secretPermissions(document.secrets, scope));
    const states = JSON.stringify(exported.definition.States);
    return {
      name: playbook.name,
      exported,
      definition: withAlarmState(exported.definition, playbook, Object.keys(document.inputs ?? {})),
      machineStatements: mergeStatements(machineStatements),
      runnerStatements: mergeStatements(runnerStatements),
      tableActions: [...new Set([...states.matchAll(/arn:aws:states:::dynamodb:(\w+)/g)].map((m) => m[1]!))]
        .map((api) => `dynamodb:${api.charAt(0).toUpperCase()}${api.slice(1)}`)
        .sort(),
    };
  });
}

/** The substitutions a definition needs: only the placeholders it holds. */
export function substitutions(
  exported: AslExport,
  values: { runnerArn: string; tableName: string },
): Record<string, string> {
  const name = (placeholder: string) => placeholder.slice(2, -1);
  const out: Record<string, string> = {};
  if (exported.placeholders.includes(ACTION_RUNNER_PLACEHOLDER))
    out[name(ACTION_RUNNER_PLACEHOLDER)] = values.runnerArn;
  if (exported.placeholders.includes(TABLE_PLACEHOLDER)) out[name(TABLE_PLACEHOLDER)] = values.tableName;
  return out;
}

/**
 * The definition with a first Pass state that turns the EventBridge alarm event the rules deliver into
 * the `{ inputs, trigger }` the exported definition reads, as the Lambda engine's `parseAlarmEvent` and
 * routing do: the values the alarm offers (`alarmName`, `state`, `instanceId` when the alarm watches
 * exactly one instance, `autoScalingGroupName`, `region`, `accountId`) that the playbook declares, the
 * fixed inputs over them. Any other input (a `StartExecution` giving `{ inputs, trigger }`) passes as is.
 */
export function withAlarmState(
  definition: AslDefinition,
  playbook: Pick<CheckedPlaybook, 'inputs'>,
  declared: readonly string[],
): AslDefinition {
  // exportAsl names its own states `__start`, `__lock`, `__done`…, and steps cannot start with `_`.
  if (ALARM_STATE in definition.States) throw new Error(`the definition already has ${ALARM_STATE}`);
  return {
    ...definition,
    StartAt: ALARM_STATE,
    States: {
      [ALARM_STATE]: {
        Type: 'Pass',
        Comment: "A CloudWatch alarm event (the construct's rules) → { inputs, trigger }; other input as is",
        // One line: Step Functions' JSONata strings are `{% … %}` on one line.
        Output: `{% ${alarmToInput(declared, playbook.inputs).replace(/\s*\n\s*/g, ' ')} %}`,
        Next: definition.StartAt,
      },
      ...definition.States,
    },
  };
}

/** The JSONata of {@link ALARM_STATE}'s output (exported for the tests, which evaluate it). */
export function alarmToInput(declared: readonly string[], fixed: Readonly<Record<string, string>>): string {
  return `(
  $e := $states.input;
  $e.source = 'aws.cloudwatch' and $e.\`detail-type\` = 'CloudWatch Alarm State Change' and $type($e.detail.alarmName) = 'string' ? (
    $metrics := [$e.detail.configuration.metrics.metricStat.metric];
    $first := $metrics[0];
    $dimensions := $merge($reverse([$metrics.dimensions]));
    $instances := $distinct([$metrics.dimensions.InstanceId]);
    $offered := {
      'alarmName': $e.detail.alarmName,
      'state': $e.detail.state.value,
      'instanceId': $count($instances) = 1 ? $instances[0] : undefined,
      'autoScalingGroupName': $dimensions.AutoScalingGroupName,
      'region': $e.region,
      'accountId': $e.account
    };
    {
      'inputs': $merge([$sift($offered, function($v, $k) { $k in ${JSON.stringify(declared)} }), ${JSON.stringify(fixed)}]),
      'trigger': {
        'type': 'cloudwatch.alarm',
        'source': 'eventbridge',
        'alarmName': $e.detail.alarmName,
        'alarmArn': $e.resources[$contains($, ':alarm:')][0],
        'state': $e.detail.state.value,
        'previousState': $e.detail.previousState.value,
        'reason': $e.detail.state.reason,
        'time': $e.time,
        'region': $e.region,
        'accountId': $e.account,
        'namespace': $first.namespace,
        'metricName': $first.name,
        'dimensions': $dimensions,
        'eventId': $e.id
      }
    }
  ) : $e
)`;
}

/** What {@link playbookStateMachine} wires a state machine to. */
export interface MachineWiring {
  runner: lambda.IFunction;
  table: dynamodb.ITable;
  logGroup: logs.ILogGroup;
  tracing: boolean;
}

/**
 * One playbook's STANDARD state machine: its definition with the runner's ARN and the table substituted,
 * logged at level ERROR with execution data (inputs hold secret references, never values); its role
 * holds `lambda:InvokeFunction` on the runner, its native tasks' statements, the table's
 * conditional-write actions when it locks or budgets, and (added by CDK) log delivery and X-Ray.
 */
export function playbookStateMachine(
  scope: Construct,
  machine: PlaybookMachine,
  wiring: MachineWiring,
): sfn.StateMachine {
  const stateMachine = new sfn.StateMachine(scope, `Machine-${machine.name}`, {
    comment: `Firstline playbook ${machine.name}`,
    definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(machine.definition)),
    definitionSubstitutions: substitutions(machine.exported, {
      runnerArn: wiring.runner.functionArn,
      tableName: wiring.table.tableName,
    }),
    stateMachineType: sfn.StateMachineType.STANDARD,
    logs: { destination: wiring.logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: true },
    tracingEnabled: wiring.tracing,
  });
  if (machine.exported.runnerSteps.length > 0)
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [wiring.runner.functionArn] }),
    );
  for (const statement of machine.machineStatements)
    stateMachine.addToRolePolicy(iam.PolicyStatement.fromJson(statement));
  if (machine.tableActions.length > 0)
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: machine.tableActions, resources: [wiring.table.tableArn] }),
    );
  return stateMachine;
}

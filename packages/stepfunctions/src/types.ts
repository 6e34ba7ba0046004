import type { ActionRegistry, AnyActionDefinition } from '@firstline/core';

/** One state of an Amazon States Language definition, as plain JSON. */
export type AslState = Record<string, unknown>;

/** An Amazon States Language definition: what `CreateStateMachine` takes as `definition`. */
export interface AslDefinition {
  Comment?: string;
  QueryLanguage: 'JSONata' | 'JSONPath';
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, AslState>;
}

/** The placeholder a definition holds for the action runner's ARN when none is given. */
export const ACTION_RUNNER_PLACEHOLDER = '${ActionRunnerArn}';

/** The DynamoDB table locks and budgets use when no table is given: a placeholder to substitute. */
export const TABLE_PLACEHOLDER = '${FirstlineTable}';

/** Options of {@link exportAsl}. */
export interface ExportAslOptions {
  /** `JSONata` (default): every playbook expression maps to one. `JSONPath`: a subset, for interpreters without JSONata. */
  queryLanguage?: 'JSONata' | 'JSONPath';
  /**
   * The action runner Lambda (`createActionRunnerHandler` of `@firstline/lambda`): its ARN, or the
   * placeholder `${ActionRunnerArn}` for CloudFormation / CDK `DefinitionSubstitutions`.
   */
  actionRunnerArn?: string;
  /**
   * The DynamoDB table of locks and budgets (the `@firstline/store-dynamodb` layout), or the placeholder
   * `${FirstlineTable}`. Only used by playbooks with `lock:` or `budgets:`.
   */
  tableName?: string;
  /**
   * The action definitions: their kinds (what a passing remediation means) and native Step Functions
   * tasks. Without them each action is taken by its place, as a simulation does, and all run through the runner.
   */
  actions?: ActionRegistry | Iterable<AnyActionDefinition>;
  /** `false`: every action through the action runner, even those with a native `aws-sdk:` task. */
  nativeTasks?: boolean;
}

/** What {@link exportAsl} returns. */
export interface AslExport {
  /** The state machine definition, ready for `JSON.stringify`. */
  definition: AslDefinition;
  /** Steps run as native `aws-sdk:` or optimized tasks, with their resource. */
  nativeSteps: Array<{ step: string; resource: string }>;
  /** Steps run through the action runner. */
  runnerSteps: string[];
  /** Placeholders left in the definition, to substitute at deploy time. */
  placeholders: string[];
  /** Where the definition only approximates the engine (rounded durations…), one sentence each. */
  approximations: string[];
}

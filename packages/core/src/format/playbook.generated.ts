// Generated from schema.json by scripts/gen-types.mjs (pnpm gen). Do not edit by hand.

/**
 * Playbook name: letters, digits, '.', '_' and '-'.
 */
export type PlaybookName = string;
/**
 * Where a secret comes from: an environment variable, an SSM parameter, or a Secrets Manager secret.
 */
export type SecretRef = EnvSecretRef | SsmSecretRef | SecretsManagerSecretRef;
/**
 * A duration: a whole number and a unit (ms, s, m, h), optionally combined: 500ms, 20s, 3m, 1h, 1m30s.
 */
export type Duration = string;
/**
 * First-line form, checks only: what a check that could not run (its outcome is `error` or `timeout`: credentials, AccessDenied, a missing resource, its own deadline) means. `inconclusive` (default): nothing is remediated, the run ends `inconclusive` and `notify.inconclusive` escalates to a person. `fail`: it counts as a failed check, so it remediates ("couldn't check, act anyway"; validation warns when a remediation follows).
 */
export type OnError = 'inconclusive' | 'fail';
/**
 * A registered action, named family.service.verb (aws.ec2.reboot, slack.post).
 */
export type ActionId = string;
/**
 * The probes that decide whether the target is healthy: a list run in order, or a parallel group with a quorum.
 */
export type Checks = [ActionStep, ...ActionStep[]] | ParallelChecks;
/**
 * An id: a letter, then letters, digits, '_' or '-' (at most 64 characters).
 */
export type Identifier = string;
/**
 * A JSONata expression over inputs, secrets, steps, trigger and run (and output where the step's result is judged).
 */
export type Expression = string;
/**
 * How many times the step may run in one run; bounds every loop through it.
 */
export type MaxVisits = number;
/**
 * How many of a parallel group's steps must pass: all, any, or at least N.
 */
export type Quorum =
  | ('all' | 'any')
  | {
      /**
       * At least this many members must pass.
       */
      atLeast: number;
    };
/**
 * When a parallel group stops its steps: `decide` stops the rest once the quorum is settled; `all` decides at the quorum too, but lets the rest finish (within their timeouts) so the record says how each one ended. Defaults: `all` for first-line `checks`, `decide` for a general-form parallel step.
 */
export type Settle = 'all' | 'decide';
/**
 * Notifications sent, in order, for one run outcome.
 */
export type NotifyList = NotifyStep[];
/**
 * One step of the general form: exactly one of action, wait, goto, end, parallel or approve.
 */
export type Step = ActionStep | WaitStep | GotoStep | EndStep | ParallelStep | ApproveStep;
/**
 * A run outcome: healthy, recovered, unrecovered, inconclusive, failed, timed_out, cancelled, skipped, or a custom name.
 */
export type OutcomeName = string;

/**
 * A Firstline playbook (format v1): probes, remediations and notifications for first-line incident response. A whole-run `timeout` defaults to 1h when absent: nothing runs forever.
 */
export interface Playbook {
  /**
   * Editor hint: the URL or path of this schema.
   */
  $schema?: string;
  /**
   * Format version. This release reads version 1.
   */
  firstline: 1;
  name: PlaybookName;
  /**
   * What the playbook is for, in a sentence or two.
   */
  description?: string;
  /**
   * Typed inputs, validated (with defaults applied) before anything runs.
   */
  inputs?: {
    [k: string]: InputSpec;
  };
  /**
   * Secrets by reference only (environment, SSM Parameter Store, Secrets Manager); values never appear in the playbook.
   */
  secrets?: {
    [k: string]: SecretRef;
  };
  timeout?: Duration;
  defaults?: StepDefaults;
  lock?: Lock;
  /**
   * Remediation budgets: at most `max` uses of the listed remediations per key per window; past that the step is not run, the run ends `skipped` and `notify.skipped` escalates.
   *
   * @minItems 1
   */
  budgets?: [Budget, ...Budget[]];
  checks?: Checks;
  /**
   * Remediations run in order when a check fails.
   *
   * @minItems 1
   */
  remediate?: [ActionStep, ...ActionStep[]];
  recheck?: Recheck;
  notify?: Notify;
  /**
   * The general form: a graph of steps. The first step runs first; by default a passing step continues with the next one in the list.
   *
   * @minItems 1
   */
  steps?: [Step, ...Step[]];
}
/**
 * One typed input.
 */
export interface InputSpec {
  /**
   * The input's JSON type; a value of another type is rejected before the run starts.
   */
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  /**
   * What the input is, for the people who run the playbook.
   */
  description?: string;
  /**
   * Used when the input is not given; makes the input optional.
   */
  default?: unknown;
  /**
   * Whether the input must be given (default: true unless a default is set).
   */
  required?: boolean;
  /**
   * The only values allowed.
   *
   * @minItems 1
   */
  enum?: [unknown, ...unknown[]];
  /**
   * A regular expression a string input must match.
   */
  pattern?: string;
  /**
   * Shortest string allowed.
   */
  minLength?: number;
  /**
   * Longest string allowed.
   */
  maxLength?: number;
  /**
   * Smallest number allowed.
   */
  minimum?: number;
  /**
   * Largest number allowed.
   */
  maximum?: number;
  /**
   * JSON Schema of array items.
   */
  items?: {
    [k: string]: unknown;
  };
  /**
   * Example values, for people and editors.
   */
  examples?: unknown[];
}
/**
 * A secret read from an environment variable of the process running the playbook.
 */
export interface EnvSecretRef {
  /**
   * Name of the environment variable.
   */
  env: string;
}
/**
 * A secret read from SSM Parameter Store (SecureString values are decrypted).
 */
export interface SsmSecretRef {
  /**
   * Parameter name or ARN; SecureString values are decrypted.
   */
  ssm: string;
  /**
   * AWS region of the parameter (default: the actions' configured region, else AWS_REGION).
   */
  region?: string;
}
/**
 * A secret read from AWS Secrets Manager, optionally one key of a JSON secret.
 */
export interface SecretsManagerSecretRef {
  /**
   * Secret name or ARN.
   */
  secretsManager: string;
  /**
   * A key inside a JSON secret.
   */
  key?: string;
  /**
   * AWS region of the secret (default: the actions' configured region, else AWS_REGION).
   */
  region?: string;
}
/**
 * Settings every step inherits unless it sets its own.
 */
export interface StepDefaults {
  timeout?: Duration;
  retry?: RetryPolicy;
  onError?: OnError;
}
/**
 * How a failing step is retried.
 */
export interface RetryPolicy {
  /**
   * Total attempts, the first included (1: no retry).
   */
  attempts?: number;
  delay?: Duration;
  /**
   * How the wait grows from one retry to the next: `constant` (always `delay`), `linear` (`delay` more each time), `exponential` (doubling).
   */
  backoff?: 'constant' | 'linear' | 'exponential';
  maxDelay?: Duration;
  /**
   * `full`: each wait is random between 0 and the computed delay, so many runs do not retry in step; `none`: exactly the computed delay.
   */
  jitter?: 'full' | 'none';
  /**
   * Which failures are retried: error (any), throttled, timeout, 5xx, network, fail (expect not met).
   *
   * @minItems 1
   */
  on?: [
    'error' | 'throttled' | 'timeout' | '5xx' | 'network' | 'fail',
    ...('error' | 'throttled' | 'timeout' | '5xx' | 'network' | 'fail')[],
  ];
}
/**
 * One active run per resource: the run takes the lock on `key` before its first step and frees it when it ends. Locks are shared by every playbook using the same store.
 */
export interface Lock {
  /**
   * The resource, usually a template such as "{{ inputs.instanceId }}" (reads inputs, trigger and run).
   */
  key: string;
  ttl?: Duration;
  /**
   * What a run does when another run holds the lock: end `skipped` at once (default), or queue for it.
   */
  whenLocked?: 'skip' | 'queue';
  queueFor?: Duration;
}
/**
 * At most `max` runs of the listed remediation actions per `key` within `per`; the next one escalates instead (the run ends `skipped`).
 */
export interface Budget {
  /**
   * What the budget counts per, usually a template such as "{{ inputs.instanceId }}".
   */
  key: string;
  /**
   * The remediation actions that spend the budget.
   *
   * @minItems 1
   */
  actions: [ActionId, ...ActionId[]];
  /**
   * Uses allowed in the window.
   */
  max: number;
  per: Duration;
}
/**
 * Runs an action: a probe, a remediation or a notification. `expect` decides pass/fail from `output` (false → the step fails); `when` runs the step only when true (otherwise it is skipped).
 */
export interface ActionStep {
  id: Identifier;
  /**
   * What the step is for, in a sentence.
   */
  description?: string;
  action: ActionId;
  with?: ActionInput;
  expect?: Expression;
  when?: Expression;
  timeout?: Duration;
  retry?: RetryPolicy;
  /**
   * Safe to repeat after a crash (overrides the action's own declaration).
   */
  idempotent?: boolean;
  approval?: Approval;
  onError?: OnError;
  on?: Transitions;
  next?: Identifier;
  maxVisits?: MaxVisits;
}
/**
 * The action's input. Strings may hold {{ expressions }}; a string that is exactly one {{ }} keeps the value's type.
 */
export interface ActionInput {
  [k: string]: unknown;
}
/**
 * Asks a person before going on: the run is stored and waits (it survives restarts and Lambda invocations) until someone approves or denies, or the approval expires. Requests go out through `notify`; the console lists pending approvals.
 */
export interface Approval {
  /**
   * The question, shown in the request and the console; may hold `{{ expressions }}`.
   */
  message?: string;
  timeout: Duration;
  /**
   * Who may decide; absent: anyone who can reach the request (the Slack channel, console users).
   */
  approvers?: {
    /**
     * Slack user ids (U…/W…) whose Approve or Deny counts.
     *
     * @minItems 1
     */
    slack?: [string, ...string[]];
    /**
     * Console user names who may decide.
     *
     * @minItems 1
     */
    console?: [string, ...string[]];
  };
  /**
   * Notifications that ask for the decision, sent once when the approval is requested; their `with:` may read `approval` (`approval.id`, `approval.message`, `approval.url`, `approval.expiresAt`), e.g. `slack.post` with `approval: '{{ approval }}'` for Approve / Deny buttons.
   */
  notify?: NotifyStep[];
}
/**
 * A notification sent when the run ends with this outcome.
 */
export interface NotifyStep {
  id?: Identifier;
  /**
   * What the notification is for.
   */
  description?: string;
  action: ActionId;
  with?: ActionInput;
  when?: Expression;
  timeout?: Duration;
  retry?: RetryPolicy;
}
/**
 * Where to go after each step outcome (step ids). Defaults: pass → the next step, fail/error/timeout → the run fails.
 */
export interface Transitions {
  pass?: Identifier;
  fail?: Identifier;
  error?: Identifier;
  timeout?: Identifier;
}
/**
 * Checks run at once; the run counts as healthy when the quorum of them passes.
 */
export interface ParallelChecks {
  /**
   * Marks the checks as run at once.
   */
  parallel: true;
  quorum?: Quorum;
  settle?: Settle;
  /**
   * The checks, run at once.
   *
   * @minItems 1
   */
  steps: [ActionStep, ...ActionStep[]];
}
/**
 * After remediating, wait `after`, then run the checks again; at most `rounds` times.
 */
export interface Recheck {
  /**
   * How many times, at most, the checks run again after a remediation; while they still fail and rounds are left, the remediations run again first.
   */
  rounds?: number;
  after: Duration;
}
/**
 * Notifications per run outcome.
 */
export interface Notify {
  healthy?: NotifyList;
  recovered?: NotifyList;
  unrecovered?: NotifyList;
  inconclusive?: NotifyList;
  failed?: NotifyList;
  timed_out?: NotifyList;
  cancelled?: NotifyList;
  skipped?: NotifyList;
}
/**
 * Waits a fixed duration, or until a probe's output meets a condition.
 */
export interface WaitStep {
  id: Identifier;
  /**
   * What the step is for, in a sentence.
   */
  description?: string;
  /**
   * A duration to wait, or a condition to poll for.
   */
  wait: Duration | WaitUntil;
  on?: Transitions;
  next?: Identifier;
  maxVisits?: MaxVisits;
}
/**
 * Polls the probe step named by `step` every `every` until `until` (judged over its `output`) holds, or fails after `timeout`.
 */
export interface WaitUntil {
  until: Expression;
  step: Identifier;
  every?: Duration;
  timeout: Duration;
}
/**
 * Jumps to another step; a loop through it needs `maxVisits`.
 */
export interface GotoStep {
  id: Identifier;
  /**
   * What the step is for, in a sentence.
   */
  description?: string;
  goto: Identifier;
  maxVisits?: MaxVisits;
}
/**
 * Ends the run with an outcome.
 */
export interface EndStep {
  id: Identifier;
  /**
   * What the step is for, in a sentence.
   */
  description?: string;
  end: OutcomeName;
}
/**
 * Runs its steps at once; passes when the quorum passes and decides as soon as the quorum is settled.
 */
export interface ParallelStep {
  id: Identifier;
  /**
   * What the step is for, in a sentence.
   */
  description?: string;
  /**
   * Marks a parallel group.
   */
  parallel: true;
  quorum?: Quorum;
  settle?: Settle;
  /**
   * The members, run at once.
   *
   * @minItems 1
   */
  steps: [ActionStep, ...ActionStep[]];
  timeout?: Duration;
  on?: Transitions;
  next?: Identifier;
  maxVisits?: MaxVisits;
}
/**
 * Waits for a person to approve or deny; its outcomes `approved`, `denied` and `expired` branch like any step's.
 */
export interface ApproveStep {
  id: Identifier;
  /**
   * What the step is for, in a sentence.
   */
  description?: string;
  approve: Approval;
  on?: ApprovalTransitions;
  next?: Identifier;
  maxVisits?: MaxVisits;
}
/**
 * Where each approval outcome leads (step ids). Defaults: approved → the next step; denied and expired → the run ends `skipped` (nothing is remediated, `notify.skipped` escalates).
 */
export interface ApprovalTransitions {
  approved?: Identifier;
  denied?: Identifier;
  expired?: Identifier;
}

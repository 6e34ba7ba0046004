import type { PrecompiledValidators } from './schemaValidators.js';

/** A JSON Schema (draft 2020-12) as a plain object. */
export type JSONSchema = Record<string, unknown>;

/** What an action is: a read-only probe, a remediation that changes something, or a notification. */
export type ActionKind = 'probe' | 'remediation' | 'notify';

/** The time source the runtime hands to actions; virtual in simulations, so never read the wall clock directly. */
export interface Clock {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
  /** Calls `fn` after `ms` milliseconds of this clock's time. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer made by {@link Clock.setTimeout}. */
  clearTimeout(handle: unknown): void;
}

/** Structured log lines; secret values are redacted before they reach any sink. */
export interface Logger {
  /** Detail for debugging a run. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** What happened. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something odd that did not stop the step. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Something failed. */
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Everything an action may use while it runs, besides its input. */
export interface ActionContext {
  /** Aborted on cancellation and on the step's timeout: pass it to every I/O call. */
  signal: AbortSignal;
  /** The run this call belongs to. */
  runId: string;
  /** The step (its `id:`) being run. */
  stepId: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /**
   * `runId:stepId:visit`: the same for every attempt of one step visit and across a crash and resume, so
   * a retry after an ambiguous failure sends the same client token and the remote side de-duplicates it.
   * Pass it as a client token where the API takes one.
   */
  idempotencyKey: string;
  /** The run's clock (virtual in simulations). */
  clock: Clock;
  /** Where the action logs. */
  logger: Logger;
  /** The playbook's resolved secrets, by name. */
  secrets: Readonly<Record<string, string>>;
  /**
   * The run's redactor for text (every secret, in every form, replaced): call it BEFORE cutting or
   * quoting text, since a cut secret no longer matches. Use `redactText`, which falls back to
   * `secrets` when a caller outside the engine leaves this out.
   */
  redact?: (text: string) => string;
  /**
   * True when a resendable notification is sent again after a crash: its earlier attempt was started and
   * may have gone out. The action de-duplicates with its key (an alias, a marker) or says it is a re-send.
   */
  resend?: boolean;
}

/** What a remediation or notification would do, reported in shadow mode instead of doing it. */
export interface Plan {
  /** One sentence: "would reboot i-0abc1234". */
  summary: string;
  /** The resources it would change and how. */
  changes?: Array<{ resource: string; change: string }>;
  /** A permission preflight (EC2 DryRun, for instance): whether the real call would be allowed. */
  preflight?: { ok: boolean; detail?: string };
}

/** One statement of an IAM policy, as least privilege for one action call. */
export interface IamStatement {
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * How an action runs as one native Step Functions task (`arn:aws:states:::aws-sdk:<service>:<api>`) when a
 * playbook is exported as Amazon States Language: pure data, JSONata expressions over `$input` (the step's
 * rendered `with:`) and `$result` (the API's answer). An action without it runs through the action runner.
 */
export interface StepFunctionsTask {
  /** The SDK service name of the integration, e.g. `ec2`, `autoscaling`. */
  service: string;
  /** The API action, camelCase, e.g. `rebootInstances`. */
  api: string;
  /** JSONata over `$input`: the API call's arguments (PascalCase, as the SDK takes them). */
  arguments: string;
  /** JSONata over `$input` and `$result`: the action's output, as its `run` would return it. */
  output: string;
  /** JSONata over `$input` and `$output`: true when the answer is the action's verdict `fail`. */
  verdict?: string;
  /** JSONata over `$input` and `$result`: true when the answer cannot be judged (the step ends `error`). */
  unusable?: string;
  /**
   * The input field that picks a region: a native task calls the state machine's own region, so a step
   * whose value names another one runs through the action runner instead (decided at run time).
   */
  regionInput?: string;
  /** The same call for a JSONPath definition (Step Functions interpreters without JSONata, e.g. moto). */
  jsonPath?: StepFunctionsJsonPathTask;
}

/**
 * A native task in JSONPath: `Parameters` whose strings may read the step's input as `$input.<field>` (also
 * inside an intrinsic, `States.Array($input.instanceId)`), output fields as paths into the API's answer,
 * and Choice rules over the answer (their `Variable`s are paths in it).
 */
export interface StepFunctionsJsonPathTask {
  /** The call's Parameters; a field whose input is absent is left out (the API's default applies). */
  parameters: Record<string, unknown>;
  /** Output fields, as JSONPath into the answer: `{ state: '$.InstanceStatuses[0].InstanceState.Name' }`. */
  output: Record<string, string>;
  /** Boolean output fields, as Choice rules over the answer: `{ healthy: { And: [...] } }`. */
  conditions?: Record<string, unknown>;
  /** A Choice rule over the answer: true when it is the verdict `fail`, unless the input field `unless` is false. */
  verdict?: { rule: unknown; unless?: string };
  /** A Choice rule over the answer: true when it cannot be judged (the step ends `error`). */
  unusable?: unknown;
}

/** An action a playbook can name in `action:`: a plain object made with `defineAction`. */
export interface ActionDefinition<I = unknown, O = unknown> {
  /** `family.service.verb`, e.g. `aws.ec2.reboot`: what `action:` names. */
  id: string;
  /** Probes must be read-only; remediations and notifications are only planned in shadow mode. */
  kind: ActionKind;
  /** One sentence for docs and `--help`. */
  description: string;
  /** JSON Schema of `with:`; checked at validation time where values are not expressions, and again at run time. */
  input: JSONSchema;
  /** JSON Schema of the output; lets the validator check `steps.<id>.output.<field>` references. */
  output?: JSONSchema;
  /** True when repeating a call after a crash is harmless (a resumed run may then call it again). */
  idempotent?: boolean;
  /**
   * Notifications only: one started but not known to have finished when the run was interrupted is sent
   * again on resume (at least once), with `ctx.resend` set so the action de-duplicates. Remediations
   * never: they stay at most once.
   */
  resendable?: boolean;
  /** Does the work. Must honour `ctx.signal`. */
  run(input: I, ctx: ActionContext): Promise<O>;
  /** Shadow mode: what `run` would do, without doing it; may preflight permissions. */
  plan?(input: I, ctx: ActionContext): Promise<Plan>;
  /** Least-privilege IAM statements for this call. */
  permissions?(input: I): IamStatement[];
  /**
   * Least-privilege IAM statements for `plan()`: the reads it makes (finding the alarm it would set),
   * which shadow mode needs though `run` is never called. A DryRun preflight needs the real call's
   * permission, already in `permissions()`; without it the preflight reports "denied".
   */
  planPermissions?(input: I): IamStatement[];
  /**
   * What a call would do, in a few words, from its input alone ("reboot i-0abc1234"): pure, no I/O.
   * Simulations and `firstline simulate` show it for remediations and notifications, which they never call.
   */
  describe?(input: I): string;
  /**
   * Whether this call changes anything, from its input alone (pure): reports list only calls that do under
   * "what changed". When absent, remediations and notifications change something and probes never do.
   */
  changes?(input: I): boolean;
  /**
   * Validators compiled from `input` and `output` at build time (`withPrecompiledValidators`), so
   * checking a call needs no ajv; absent, the registry compiles the schemas with ajv on first use.
   */
  validators?: PrecompiledValidators;
  /** The native Step Functions task this action is when exported as Amazon States Language, if one call suffices. */
  stepFunctions?: StepFunctionsTask;
}

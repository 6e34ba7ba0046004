import {
  createActionRegistry,
  FirstlineError,
  redactText,
  resolveSecrets,
  systemClock,
} from '@firstline/core';
import type {
  ActionContext,
  ActionRegistry,
  AnyActionDefinition,
  Clock,
  Logger,
  SecretResolvers,
} from '@firstline/core';
import { classify } from '@firstline/core/internal';

// The action runner: the one Lambda an exported Step Functions state machine (`@firstline/stepfunctions`)
// calls for every step that is not a native `aws-sdk:` task. It runs one action with the installed
// registry and answers `{ outcome, output }`; what a Retry should see it throws as a named error.

/** A secret the state machine leaves to the runner: where it goes in `with`, its name and its reference. */
export interface RunnerSecretSlot {
  path: Array<string | number>;
  name: string;
  /** The playbook's reference (`{ env: SLACK_TOKEN }`, `{ ssm: /path }`…): never a value. */
  ref: Record<string, string>;
}

/** What the state machine sends: one step's action and its input, rendered by the state machine. */
export interface ActionRunnerRequest {
  action: string;
  step: string;
  with: Record<string, unknown>;
  runId?: string;
  visit?: number;
  /** The step's timeout: the action is stopped (its signal aborted) when it passes. */
  timeoutMs?: number;
  secrets?: RunnerSecretSlot[];
}

/** What the runner answers for a call the action completed: `pass`, or its verdict `fail`. */
export interface ActionRunnerResult {
  outcome: 'pass' | 'fail';
  output?: unknown;
  error?: string;
  /** Set by a scripted invoke (tests): the outcome is final, `expect` does not judge it. */
  forced?: true;
}

/** What one call of an action returned: its output, or (scripted invokes in tests) a forced outcome. */
export interface RunnerInvocation {
  output?: unknown;
  forced?: 'pass' | 'fail';
}

/** How the runner calls an action; the default calls its `run`. Tests pass a scripted one. */
export type RunnerInvoke = (
  def: AnyActionDefinition,
  input: unknown,
  ctx: ActionContext,
) => Promise<RunnerInvocation>;

/** Options of {@link createActionRunner} and {@link createActionRunnerHandler}. */
export interface ActionRunnerOptions {
  /** The installed actions. */
  actions: ActionRegistry | Iterable<AnyActionDefinition>;
  /** Resolvers of secret references (`env` is built in; `awsSecretResolvers` of `@firstline/actions-aws` for the rest). */
  secrets?: SecretResolvers;
  /** How an action is called (default: its `run`). */
  invoke?: RunnerInvoke;
  /** Where actions log (default: nothing). */
  logger?: Logger;
  /** A step's timeout when the request gives none. */
  defaultTimeoutMs?: number;
  /** The clock of timeouts and of the actions' `ctx.clock` (default: the system clock; tests pass a virtual one). */
  clock?: Clock;
}

/** The error names a state machine's Retry and Catch match, by failure kind. */
export const RUNNER_ERROR_NAMES = {
  throttled: 'Firstline.Throttled',
  timeout: 'Firstline.Timeout',
  '5xx': 'Firstline.5xx',
  network: 'Firstline.Network',
  error: 'Firstline.Error',
  /** Not retryable (access denied, no such resource, bad input): no Retry matches it. */
  fatal: 'Firstline.Fatal',
} as const;

/** A failure the runner reports to Step Functions: its `name` is the error a Retry or Catch matches. */
export class ActionRunnerError extends Error {
  constructor(name: (typeof RUNNER_ERROR_NAMES)[keyof typeof RUNNER_ERROR_NAMES], message: string) {
    super(message);
    this.name = name;
  }
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const liveInvoke: RunnerInvoke = async (def, input, ctx) => ({ output: await def.run(input, ctx) });

/**
 * The runner's pure core: takes one request, runs its action and resolves `{ outcome, output }`, or
 * rejects with an {@link ActionRunnerError} named for the failure kind. A bad request rejects with
 * `E_RUNNER_REQUEST` named `Firstline.Fatal`.
 *
 * @example
 * const run = createActionRunner({ actions: [...awsActions(), ...notifiers()] });
 * await run({ action: 'slack.post', step: 'tell-ops', with: { channel: '#ops', text: 'hi' } });
 */
export function createActionRunner(
  options: ActionRunnerOptions,
): (request: unknown) => Promise<ActionRunnerResult> {
  const registry =
    'get' in options.actions && typeof options.actions.get === 'function'
      ? options.actions
      : createActionRegistry(options.actions as Iterable<AnyActionDefinition>);
  const invoke = options.invoke ?? liveInvoke;
  const logger = options.logger ?? silent;
  const clock = options.clock ?? systemClock;
  return async (raw) => {
    const request = readRequest(raw);
    const def = registry.get(request.action);
    if (!def) throw fatal(`action ${request.action} is not installed in this runner`);
    const secrets = await secretsOf(request, options.secrets);
    const input = withSecrets(request, secrets);
    const problems = registry.checkInput(def.id, input);
    if (problems.length > 0) {
      const list = problems.map((p) => `${p.instancePath || '(input)'} ${p.message ?? ''}`.trim()).join('; ');
      throw fatal(redact(`input does not match ${def.id}: ${list}`, secrets));
    }
    const timeoutMs = request.timeoutMs ?? options.defaultTimeoutMs ?? 60_000;
    const controller = new AbortController();
    let timer: unknown;
    const timedOut = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => {
        controller.abort(new Error('timeout'));
        reject(new ActionRunnerError(RUNNER_ERROR_NAMES.timeout, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    timedOut.catch(() => undefined);
    const runId = request.runId ?? 'stepfunctions';
    const visit = request.visit ?? 1;
    const ctx: ActionContext = {
      signal: controller.signal,
      runId,
      stepId: request.step,
      attempt: 1,
      idempotencyKey: `${runId}:${request.step}:${visit}`,
      clock,
      logger,
      secrets: Object.fromEntries(secrets.map((s) => [s.name, s.value])),
      redact: (text) => redact(text, secrets),
    };
    try {
      const done = await Promise.race([invoke(def, input, ctx), timedOut]);
      const output = done.output === undefined ? {} : { output: done.output };
      if (done.forced)
        return {
          outcome: done.forced,
          ...output,
          forced: true,
          ...(done.forced === 'fail' && { error: 'scripted fail' }),
        };
      return { outcome: 'pass', ...output };
    } catch (error) {
      if (error instanceof ActionRunnerError) throw error;
      const message = redact(error instanceof Error ? error.message : String(error), secrets);
      const failure = classify(error);
      // The target's own bad answer is the verdict `fail`: an answer, not an error to retry.
      if (failure.verdict) return { outcome: 'fail', error: message };
      if (!failure.retryable) throw new ActionRunnerError(RUNNER_ERROR_NAMES.fatal, message);
      throw new ActionRunnerError(
        RUNNER_ERROR_NAMES[failure.kind === 'fail' ? 'error' : failure.kind],
        message,
      );
    } finally {
      clock.clearTimeout(timer);
    }
  };
}

/**
 * The action runner as a Lambda handler (`Payload` of `arn:aws:states:::lambda:invoke`): build it at
 * module scope, once per container.
 *
 * @example
 * export const handler = createActionRunnerHandler({ actions: [...awsActions(aws), ...notifiers()], secrets: awsSecretResolvers(aws) });
 */
export function createActionRunnerHandler(
  options: ActionRunnerOptions,
): (event: unknown) => Promise<ActionRunnerResult> {
  const run = createActionRunner(options);
  return (event) => run(event);
}

const fatal = (message: string) =>
  Object.assign(new FirstlineError('E_RUNNER_REQUEST', message), { name: RUNNER_ERROR_NAMES.fatal });

function readRequest(raw: unknown): ActionRunnerRequest {
  const r = raw as Partial<ActionRunnerRequest> | null;
  if (typeof r !== 'object' || r === null) throw fatal('the request is not an object');
  if (typeof r.action !== 'string' || r.action === '') throw fatal('the request names no action');
  if (typeof r.step !== 'string' || r.step === '') throw fatal('the request names no step');
  if (r.with !== undefined && (typeof r.with !== 'object' || r.with === null || Array.isArray(r.with)))
    throw fatal('the request\'s "with" is not an object');
  if (r.timeoutMs !== undefined && !(Number.isFinite(r.timeoutMs) && r.timeoutMs > 0))
    throw fatal('timeoutMs is not a positive number');
  if (r.secrets !== undefined && !Array.isArray(r.secrets)) throw fatal('secrets is not a list');
  return { ...r, with: r.with ?? {} } as ActionRunnerRequest;
}

async function secretsOf(
  request: ActionRunnerRequest,
  resolvers: SecretResolvers | undefined,
): Promise<Array<RunnerSecretSlot & { value: string }>> {
  const slots = request.secrets ?? [];
  if (slots.length === 0) return [];
  const specs = Object.fromEntries(slots.map((s) => [s.name, s.ref])) as unknown as Parameters<
    typeof resolveSecrets
  >[0];
  let values: Record<string, string>;
  try {
    values = await resolveSecrets(specs, resolvers ? { resolvers } : {});
  } catch (error) {
    throw new ActionRunnerError(RUNNER_ERROR_NAMES.fatal, (error as Error).message);
  }
  return slots.map((s) => ({ ...s, value: values[s.name]! }));
}

/** The request's `with`, with each secret's value set at its path (a copy: the request is not changed). */
function withSecrets(request: ActionRunnerRequest, secrets: Array<RunnerSecretSlot & { value: string }>) {
  const input = structuredClone(request.with);
  for (const { path, value } of secrets) {
    if (path.length === 0) continue;
    let at: Record<string | number, unknown> = input;
    for (const key of path.slice(0, -1)) {
      const next = at[key];
      if (typeof next !== 'object' || next === null) at[key] = {};
      at = at[key] as Record<string | number, unknown>;
    }
    at[path.at(-1)!] = value;
  }
  return input;
}

function redact(text: string, secrets: ReadonlyArray<{ value: string }>): string {
  if (secrets.length === 0) return text;
  return redactText({ secrets: Object.fromEntries(secrets.map((s, i) => [String(i), s.value])) }, text);
}

import type { Issue } from './validate/issues.js';

/** Every error code a Firstline API throws; stable, safe to branch on. */
export type FirstlineErrorCode =
  | 'E_PLAYBOOK_INVALID'
  | 'E_ACTION_FAILED'
  | 'E_ACTION_DEFINITION'
  | 'E_DUPLICATE_ACTION'
  | 'E_READ'
  | 'E_INPUT_INVALID'
  | 'E_SECRET_UNRESOLVED'
  | 'E_EXPRESSION'
  | 'E_MISSING_VALUE'
  | 'E_SIMULATION'
  | 'E_RUN_NOT_FOUND'
  | 'E_RUN_CONFLICT'
  | 'E_RUN_BUSY'
  | 'E_HOST_OPTIONS'
  | 'E_STORE'
  | 'E_STORE_CONFLICT'
  | 'E_LOCK_KEY'
  | 'E_EVENT_UNKNOWN'
  | 'E_HANDLER_CONFIG'
  | 'E_DEPLOY_CONFIG'
  | 'E_RUN_ID_INVALID'
  | 'E_DATA_LIMIT'
  | 'E_UNSAFE_KEY'
  | 'E_SECRET_TOO_SHORT'
  | 'E_EXPRESSION_LIMIT'
  | 'E_REGEX'
  | 'E_CONFIG_INVALID'
  | 'E_CONFIG_LOAD'
  | 'E_MONITOR_CONFIG'
  | 'E_ACTION_INPUT'
  | 'E_ACTION_OUTPUT'
  | 'E_ASL_UNSUPPORTED'
  | 'E_RUNNER_REQUEST'
  | 'E_APPROVAL_ID'
  | 'E_RUN_QUERY'
  | 'E_RUN_CURSOR'
  | 'E_STORE_URL'
  | 'E_SLACK_HEADERS'
  | 'E_SLACK_TIMESTAMP'
  | 'E_SLACK_SIGNATURE'
  | 'E_SLACK_PAYLOAD';

// A brand survives two installed copies of @firstline/core, where `instanceof` would not.
const brand = Symbol.for('firstline.error');

/** The base of every error Firstline throws: a stable `code`, a plain message and an optional `cause`. */
export class FirstlineError extends Error {
  /** Marks Firstline errors across package copies; see {@link isFirstlineError}. */
  readonly [brand] = true;

  constructor(
    readonly code: FirstlineErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True for any error thrown by Firstline, even one from another installed copy of the package. */
export function isFirstlineError(value: unknown): value is FirstlineError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** A playbook that cannot be loaded or used; carries every issue found, each with its position. */
export class PlaybookInvalid extends FirstlineError {
  constructor(
    readonly issues: readonly Issue[],
    readonly file?: string,
  ) {
    const first = issues[0];
    const where = first ? `${file ?? '<playbook>'}:${first.line}:${first.column}` : (file ?? '<playbook>');
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(
      'E_PLAYBOOK_INVALID',
      `${where} ${first?.code ?? ''} ${first?.message ?? 'invalid playbook'}${more}`.trim(),
    );
  }
}

/** How a failed action may be retried: whether at all, and after how long if the API said so. */
export interface RetryAdvice {
  /** False for failures a retry cannot fix (access denied, unknown resource). */
  retryable: boolean;
  /** A delay the remote side asked for (Retry-After), in milliseconds. */
  afterMs?: number;
  /** What kind of failure this was, matched against a step's `retry.on`. */
  kind?: 'throttled' | 'timeout' | '5xx' | 'network' | 'error';
}

/** Options of an {@link ActionError}: its cause, and whether it is the target's verdict. */
export interface ActionErrorOptions extends ErrorOptions {
  /**
   * True when the target answered and its answer is bad (HTTP 5xx or refused at the target, a health
   * check reporting Failure, an impaired instance): the step's outcome is `fail`. False or absent when
   * the check itself could not be done (credentials, AccessDenied, a missing resource, throttled past
   * retries, bad input, an unreadable answer): the outcome is `error`, which never remediates by default.
   */
  verdict?: boolean;
}

/**
 * An action's failure, naming the action and saying whether retrying can help. An action may leave
 * `actionId` empty (the action kit's `actionFailed`, `verdict`, `couldNotCheck` do): the engine fills
 * it in with the id of the action that threw it, and the message then starts with it as usual.
 */
export class ActionError extends FirstlineError {
  /** See {@link ActionErrorOptions.verdict}: `fail` when true, `error` otherwise. */
  readonly verdict: boolean;

  constructor(
    readonly actionId: string,
    message: string,
    readonly retry: RetryAdvice = { retryable: false },
    options?: ActionErrorOptions,
  ) {
    super('E_ACTION_FAILED', actionId === '' ? message : `${actionId}: ${message}`, options);
    this.verdict = options?.verdict === true;
  }
}

/**
 * Names the action behind an ActionError thrown without one (its `actionId` empty): sets the id and
 * prefixes the message with it, as the constructor would have. Anything else is left as it is. Reads
 * plain fields, so an ActionError of another installed copy of core is named too.
 */
export function nameActionError(error: unknown, actionId: string): void {
  if (!isFirstlineError(error) || error.code !== 'E_ACTION_FAILED') return;
  const named = error as { actionId?: unknown; message: string };
  if (named.actionId !== '' && named.actionId !== undefined) return;
  Object.defineProperty(error, 'actionId', { value: actionId, enumerable: true });
  named.message = `${actionId}: ${named.message}`;
}

/** One problem with a run's inputs: where (`inputs.region`) and what. */
export interface InputProblem {
  /** Dotted path of the offending value, from `inputs`. */
  path: string;
  /** A plain sentence. */
  message: string;
}

/** Inputs that do not match the playbook's `inputs:`; thrown before anything runs, listing every problem. */
export class InputInvalid extends FirstlineError {
  constructor(
    readonly problems: readonly InputProblem[],
    readonly playbook: string,
  ) {
    const list = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    super('E_INPUT_INVALID', `${playbook}: invalid input: ${list}`);
  }
}

/** What {@link MissingValue} says: which path is missing, what was there instead, and where. */
export interface MissingValueDetail {
  /** The missing path as expressions write it (`trigger.alarmName`); absent when no single path is to blame. */
  path?: string;
  /** What was there instead: `trigger has: kind, raw`, `the run has no trigger`. */
  found: string;
  /** The template or expression that read it, as written in the playbook. */
  expression: string;
}

/**
 * A template or expression read a value that is not there (`trigger.alarmName` of a trigger without
 * one): the step fails instead of rendering empty text. The message starts with the code, because a
 * step keeps only the message (`steps.<id>.error`, the trace) and the code must survive there.
 */
export class MissingValue extends FirstlineError {
  /** The missing path, when one is to blame. */
  readonly path: string | undefined;

  constructor(readonly detail: MissingValueDetail) {
    const what = detail.path ? `${detail.path} is missing` : 'it gave no value';
    super('E_MISSING_VALUE', `E_MISSING_VALUE: ${what} (${detail.found}) in ${detail.expression}`);
    this.path = detail.path;
  }
}

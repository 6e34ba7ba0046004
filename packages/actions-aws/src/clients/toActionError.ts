import { ActionError, isFirstlineError } from '@firstline/core';
import type { RetryAdvice } from '@firstline/core';
import { parseRetryAfter, retryAfterHeader } from '@firstline/core/action-kit';

// The one place an AWS failure becomes an ActionError, and the outcome rule for every AWS action:
//  - An AWS API failure is never a verdict (outcome `error`): the API is how a check is made, not
//    what it checks. Credentials, AccessDenied, a resource that does not exist, bad input, throttling
//    or 5xx past the retries, an unreadable answer: the check could not be done.
//  - A probe's own bad verdict about its target (an impaired instance, a health check reporting
//    Failure, a state the instance cannot leave) is made with `verdictError` (outcome `fail`).
//  - Only one layer retries a failure (see CallPolicy): the SDK for calls safe to repeat, the step's
//    `retry:` for calls that are not, and never a failure AWS may have acted on for those.

/** What an AWS SDK failure was, in the terms a step's `retry.on` and an operator understand. */
export interface AwsFailure {
  /** AWS's own error code (`InvalidInstanceID.NotFound`, `ThrottlingException`) or the network error code. */
  code: string;
  /** AWS's message, trimmed to one line. */
  message: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Whether, when and what kind of retry can help. */
  retry: RetryAdvice;
  /** True when the caller was not allowed to make the call. */
  denied: boolean;
  /** True when AWS may have carried the request out despite the failure (5xx, timeout, connection lost mid-call). */
  ambiguous: boolean;
  /** Attempts the SDK made, retries included, when it says. */
  attempts?: number;
}

/**
 * Which layer retries an AWS call's failures (only one may) and whether the call is safe to repeat.
 * Absent, a failure keeps its plain retry advice.
 */
export interface CallPolicy {
  /** The SDK client retries the call itself (maxAttempts > 1): a failure that reaches the step is final. */
  sdkRetried?: boolean;
  /**
   * The call takes no client token and must not run twice (RebootInstances, SendCommand): the client
   * makes one attempt, the step's `retry:` retries only failures AWS certainly did not act on
   * (throttled, connection refused, name not found), never an ambiguous one.
   */
  once?: boolean;
}

// Codes AWS services use for "slow down"; the SDK also flags some with $retryable.throttling.
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'LimitExceededException',
]);

// Server-side trouble reported with a 4xx status or no status at all; worth another try.
const TRANSIENT = new Set([
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'InternalServerErrorException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Unavailable',
  'InternalException',
]);

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthFailure',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'MissingAuthenticationToken',
  'OptInRequired',
  'CredentialsProviderError',
]);

// Network failures before the request left: AWS cannot have acted on it.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

// Denials about who is calling rather than what they may do: the credentials, not IAM policy.
const CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'MissingAuthenticationToken',
  'CredentialsProviderError',
  'AuthFailure',
]);

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: { throttling?: boolean };
  $response?: { headers?: Record<string, string | undefined> };
  cause?: unknown;
}

/** Classifies an AWS SDK error (service error, network failure, abort) once, for every caller. */
export function classifyAwsError(error: unknown): AwsFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const message = oneLine(typeof e.message === 'string' ? e.message : String(error));
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const networkCode = networkCodeOf(e);
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const code = typeof e.Code === 'string' ? e.Code : name !== 'Error' ? name : (networkCode ?? name);
  const base = {
    code,
    message,
    ...(status !== undefined && { status }),
    ...(attempts !== undefined && { attempts }),
  };
  const sure = { denied: false, ambiguous: false };

  if (name === 'AbortError')
    return { ...base, retry: { retryable: false, kind: 'timeout' }, denied: false, ambiguous: true };
  // A throttled request was refused before anything was done: never ambiguous.
  if (THROTTLING.has(code) || e.$retryable?.throttling === true || status === 429) {
    const afterMs = parseRetryAfter(retryAfterHeader(e.$response?.headers));
    return {
      ...base,
      retry: { retryable: true, kind: 'throttled', ...(afterMs !== undefined && { afterMs }) },
      ...sure,
    };
  }
  if (DENIED.has(code) || status === 401 || status === 403)
    return { ...base, retry: { retryable: false, kind: 'error' }, denied: true, ambiguous: false };
  if (name === 'TimeoutError' || code === 'RequestTimeout' || code === 'RequestTimeoutException')
    return { ...base, retry: { retryable: true, kind: 'timeout' }, denied: false, ambiguous: true };
  if (TRANSIENT.has(code) || (status !== undefined && status >= 500) || e.$fault === 'server')
    return { ...base, retry: { retryable: true, kind: '5xx' }, denied: false, ambiguous: true };
  if (networkCode !== undefined || (status === undefined && e.$metadata === undefined && isSystemError(e))) {
    const netCode = networkCode ?? code;
    return {
      ...base,
      code: netCode,
      retry: { retryable: true, kind: 'network' },
      denied: false,
      ambiguous: !NOT_SENT.has(netCode),
    };
  }
  return { ...base, retry: { retryable: false, kind: 'error' }, ...sure };
}

/**
 * Turns any failure of an AWS call into an ActionError naming the operation and AWS's error code (or
 * the network error code) and HTTP status, so the step's error says what AWS answered. Its outcome is
 * always `error`: an AWS API failure is never the target's verdict. Retry advice follows `policy`:
 * what the SDK already retried is final, and what a `once` call may have done is never retried. AWS
 * error messages carry ids and ARNs, never credentials, so the message is kept.
 */
export function toActionError(
  actionId: string,
  operation: string,
  error: unknown,
  policy: CallPolicy = {},
): ActionError {
  if (isFirstlineError(error)) return error as ActionError;
  const failure = classifyAwsError(error);
  const hint = !failure.denied
    ? ''
    : CREDENTIALS.has(failure.code)
      ? ' (the credentials were refused: missing, invalid or expired)'
      : ` (the caller needs IAM permission ${operation}; see the action's permissions())`;
  const tried =
    failure.attempts !== undefined && failure.attempts > 1 ? `, ${failure.attempts} attempts` : '';
  const status =
    failure.status !== undefined ? ` [HTTP ${failure.status}${tried}]` : tried ? ` [${tried.slice(2)}]` : '';
  const text = failure.message && failure.message !== failure.code ? `: ${failure.message}` : '';
  let retry = failure.retry;
  let note = '';
  if (policy.once && failure.ambiguous && failure.code !== 'AbortError') {
    // Without a client token a second request would act twice: at most once beats at least once.
    retry = { retryable: false, ...(retry.kind && { kind: retry.kind }) };
    note = '; AWS may have carried it out, so it is not retried: look before repeating it';
  } else if (policy.sdkRetried && retry.retryable) {
    // The SDK retried it already; the step retrying too would multiply the attempts.
    retry = { retryable: false, ...(retry.kind && { kind: retry.kind }) };
  }
  return new ActionError(
    actionId,
    `${operation} failed: ${failure.code}${text}${status}${hint}${note}`,
    retry,
    {
      cause: error,
    },
  );
}

/**
 * A probe's own bad verdict about its target (an impaired instance, a health check reporting Failure,
 * a state the instance cannot leave): the step's outcome is `fail`, which `on: { fail: … }` and
 * `retry: { on: [fail] }` see. Not retryable under any other kind unless `retry` says so.
 */
export function verdictError(
  actionId: string,
  message: string,
  retry: RetryAdvice = { retryable: false, kind: 'error' },
): ActionError {
  return new ActionError(actionId, message, retry, { verdict: true });
}

function networkCodeOf(e: SdkErrorShape): string | undefined {
  for (let current: unknown = e, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isSystemError(e: SdkErrorShape): boolean {
  return typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 500 ? `${flat.slice(0, 497)}...` : flat;
}

import { ActionError, isFirstlineError } from '@firstline/core';
import type { RetryAdvice } from '@firstline/core';

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
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
  $response?: { headers?: Record<string, string | undefined> };
  cause?: unknown;
}

/** Classifies an AWS SDK error (service error, network failure, abort) once, for every caller. */
export function classifyAwsError(error: unknown): AwsFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const message = oneLine(typeof e.message === 'string' ? e.message : String(error));
  const status = e.$metadata?.httpStatusCode;
  const networkCode = networkCodeOf(e);
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const code = typeof e.Code === 'string' ? e.Code : name !== 'Error' ? name : (networkCode ?? name);
  const base = { code, message, ...(status !== undefined && { status }) };

  if (name === 'AbortError') return { ...base, retry: { retryable: false, kind: 'timeout' }, denied: false };
  if (THROTTLING.has(code) || e.$retryable?.throttling === true || status === 429) {
    const afterMs = retryAfterMs(e.$response?.headers);
    return {
      ...base,
      retry: { retryable: true, kind: 'throttled', ...(afterMs !== undefined && { afterMs }) },
      denied: false,
    };
  }
  if (DENIED.has(code) || status === 401 || status === 403)
    return { ...base, retry: { retryable: false, kind: 'error' }, denied: true };
  if (name === 'TimeoutError' || code === 'RequestTimeout' || code === 'RequestTimeoutException')
    return { ...base, retry: { retryable: true, kind: 'timeout' }, denied: false };
  if (TRANSIENT.has(code) || (status !== undefined && status >= 500) || e.$fault === 'server')
    return { ...base, retry: { retryable: true, kind: '5xx' }, denied: false };
  if (networkCode !== undefined || (status === undefined && e.$metadata === undefined && isSystemError(e)))
    return { ...base, code: networkCode ?? code, retry: { retryable: true, kind: 'network' }, denied: false };
  return { ...base, retry: { retryable: false, kind: 'error' }, denied: false };
}

/**
 * Turns any failure of an AWS call into an ActionError naming the operation and AWS's error code,
 * with the right retry advice: throttling, 5xx and network errors are retryable; access denied,
 * unknown resources and validation errors are not. AWS error messages carry ids and ARNs, never
 * credentials, so the message is kept.
 */
export function toActionError(actionId: string, operation: string, error: unknown): ActionError {
  if (isFirstlineError(error)) return error as ActionError;
  const failure = classifyAwsError(error);
  const hint = failure.denied
    ? ` (the caller needs IAM permission ${operation}; see the action's permissions())`
    : '';
  const status = failure.status !== undefined ? ` [HTTP ${failure.status}]` : '';
  const text = failure.message && failure.message !== failure.code ? `: ${failure.message}` : '';
  return new ActionError(
    actionId,
    `${operation} failed: ${failure.code}${text}${status}${hint}`,
    failure.retry,
    {
      cause: error,
    },
  );
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

function retryAfterMs(headers: Record<string, string | undefined> | undefined): number | undefined {
  const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  // A date Retry-After is relative to the server's clock; only its distance from ours matters.
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 500 ? `${flat.slice(0, 497)}...` : flat;
}

import { ActionError } from '@firstline/core';
import type { RetryAdvice } from '@firstline/core';

// How socket-level failures become ActionErrors: the message names the system error code (the
// "remote error code" of a network failure) and the retry advice follows what a retry can fix.

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed while sending',
  ECONNABORTED: 'connection aborted',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  EAI_AGAIN: 'temporary name resolution failure',
  ERR_SOCKET_CLOSED: 'socket closed',
  ERR_STREAM_PREMATURE_CLOSE: 'connection closed before the response was complete',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
};

const TLS_CODES =
  /^(ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** The `code` of a Node system error (or of its `cause`, as fetch wraps them), if any. */
export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when the error is the abort of an AbortSignal (the step's timeout or a cancel). */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || errorCode(error) === 'ABORT_ERR';
}

/**
 * Turns a failure talking to `target` into an ActionError: network failures and timeouts are
 * retryable, name-not-found and TLS verification failures are not (a retry cannot fix them).
 */
export function networkFailure(
  actionId: string,
  target: string,
  error: unknown,
  signal?: AbortSignal,
): ActionError {
  if (error instanceof ActionError) return error;
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const advice = (retry: RetryAdvice, message: string) =>
    new ActionError(actionId, message, retry, { cause: error });
  if (isAbort(error, signal))
    return advice(
      { retryable: true, kind: 'timeout' },
      `${target}: aborted (the step timed out or was cancelled)`,
    );
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT')
    return advice({ retryable: true, kind: 'timeout' }, `${target}: timed out (${code})`);
  if (code === 'ENOTFOUND')
    return advice({ retryable: false, kind: 'error' }, `${target}: host name not found (ENOTFOUND)`);
  if (code !== undefined && NETWORK[code] !== undefined)
    return advice({ retryable: true, kind: 'network' }, `${target}: ${NETWORK[code]} (${code})`);
  if (code !== undefined && TLS_CODES.test(code))
    return advice(
      { retryable: false, kind: 'error' },
      `${target}: TLS verification failed (${code}: ${detail}); fix the certificate, give its CA in \`ca\`, or set insecure: true for a lab`,
    );
  return advice({ retryable: true, kind: 'network' }, `${target}: ${detail}${code ? ` (${code})` : ''}`);
}

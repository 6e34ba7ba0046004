import { ActionError } from '@firstline/core';
import type { RetryAdvice } from '@firstline/core';

// How a probe's failures become ActionErrors, and which outcome each gets (the README's table):
//  - `fail`, a verdict: the target answered, or failed to, and that is the finding (refused, reset
//    or timed out at the target, HTTP 5xx, NXDOMAIN for dns.check, no ping reply).
//  - `error`: the check could not be done (our credentials, TLS trust, a name that does not resolve
//    for a probe of something else, no route from here, a local resource missing, a data source down).
// The message names the system error code, HTTP status or DNS code, so the trace says what happened.

/** Network failures that say the target is down or refusing: a verdict when the peer is the target. */
const AT_TARGET: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed while sending',
  ECONNABORTED: 'connection aborted',
  EHOSTUNREACH: 'host unreachable',
  EHOSTDOWN: 'host down',
  ERR_SOCKET_CLOSED: 'socket closed',
  ERR_STREAM_PREMATURE_CLOSE: 'connection closed before the response was complete',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
};

/** Network failures on our side of the network: the check could not be done, whatever the target. */
const OUR_SIDE: Record<string, string> = {
  ENETUNREACH: 'network unreachable from here',
  EAI_AGAIN: 'temporary name resolution failure',
};

const TLS_CODES =
  /^(ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** Certificate failures that are the target's fault whoever checks it: every client sees them. */
const TLS_VERDICTS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

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
 * The target's own bad answer (a 5xx, a refused connection, no reply): the step's outcome is `fail`,
 * which `on: { fail: … }` routes and `retry: { on: [fail] }` retries. Not retryable under another kind
 * unless `retry` says so (a 5xx is, under `5xx`).
 */
export function verdict(
  actionId: string,
  message: string,
  retry: RetryAdvice = { retryable: false, kind: 'error' },
  cause?: unknown,
): ActionError {
  return new ActionError(actionId, message, retry, { verdict: true, ...(cause !== undefined && { cause }) });
}

/**
 * Turns a failure talking to `peer` into an ActionError naming its code. `atTarget`: the peer is
 * what the probe judges (http.check's URL, tcp.check's port), so refused, reset and timed-out
 * connections are its verdict (`fail`); false for a data source (Prometheus), where they only mean
 * the check could not be done. A name that does not resolve, no route from here and TLS trust
 * failures are never verdicts; an expired certificate is, at the target. Retry advice follows what a
 * retry can fix: network failures and timeouts yes, a missing name or a bad certificate no.
 */
export function networkFailure(
  actionId: string,
  peer: string,
  error: unknown,
  signal?: AbortSignal,
  atTarget = true,
): ActionError {
  if (error instanceof ActionError) return error;
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const make = (retry: RetryAdvice, message: string, isVerdict = false) =>
    new ActionError(actionId, message, retry, { cause: error, verdict: isVerdict });
  if (isAbort(error, signal))
    return make(
      { retryable: true, kind: 'timeout' },
      `${peer}: aborted (the step timed out or was cancelled)`,
    );
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT')
    return make({ retryable: true, kind: 'timeout' }, `${peer}: timed out (${code})`, atTarget);
  if (code === 'ENOTFOUND')
    return make(
      { retryable: false, kind: 'error' },
      `${peer}: host name not found (ENOTFOUND); the check could not reach it (dns.check judges a name)`,
    );
  if (code !== undefined && OUR_SIDE[code] !== undefined)
    return make({ retryable: true, kind: 'network' }, `${peer}: ${OUR_SIDE[code]} (${code})`);
  if (code !== undefined && AT_TARGET[code] !== undefined)
    return make({ retryable: true, kind: 'network' }, `${peer}: ${AT_TARGET[code]} (${code})`, atTarget);
  if (code !== undefined && TLS_VERDICTS.has(code))
    return make(
      { retryable: false, kind: 'error' },
      `${peer}: its TLS certificate is not valid now (${code}: ${detail})`,
      atTarget,
    );
  if (code !== undefined && TLS_CODES.test(code))
    return make(
      { retryable: false, kind: 'error' },
      `${peer}: TLS verification failed (${code}: ${detail}); fix the certificate, give its CA in \`ca\`, or set insecure: true for a lab`,
    );
  // Unknown: not claimed as a verdict about the target.
  return make({ retryable: true, kind: 'network' }, `${peer}: ${detail}${code ? ` (${code})` : ''}`);
}

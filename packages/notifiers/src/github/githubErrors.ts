import { ActionError } from '@firstline/core';
import { networkCode } from '../shared/http.js';
import { parseRetryAfter } from '../shared/retry.js';
import { scrub } from '../shared/text.js';

interface OctokitFailure {
  status?: number;
  message?: string;
  cause?: unknown;
  response?: {
    headers?: Record<string, string | number | undefined>;
    data?: { message?: unknown; errors?: unknown };
  };
}

const HINTS: Record<number, string> = {
  401: 'the token is not valid',
  403: 'the token lacks permission (it needs issues: write)',
  404: 'the repository or issue does not exist, or the token cannot see it',
  410: 'issues are disabled in this repository',
};

/**
 * Turns an Octokit failure into an ActionError naming GitHub's own message (`Bad credentials`,
 * `Validation Failed: Issue.title missing_field`), throttled with the delay GitHub asked for on rate
 * limits, retryable on 5xx and network failures only. `credentials` are scrubbed from the message.
 */
export function githubError(
  actionId: string,
  what: string,
  error: unknown,
  credentials: ReadonlyArray<string | undefined>,
  now = Date.now(),
): ActionError {
  const failure = (error ?? {}) as OctokitFailure;
  const fail = (text: string, advice: ConstructorParameters<typeof ActionError>[2]) =>
    new ActionError(actionId, scrub(`GitHub ${what} failed: ${text}`, credentials), advice);
  if (!failure.response) {
    if (typeof failure.status === 'number' && failure.status !== 500)
      return fail(`HTTP ${failure.status}`, { retryable: false });
    return fail(`unreachable: ${networkCode(failure.cause ?? error)}`, { retryable: true, kind: 'network' });
  }
  const status = failure.status ?? 0;
  const headers = failure.response.headers ?? {};
  const data = failure.response.data ?? {};
  const message = typeof data.message === 'string' ? data.message : String(failure.message ?? '');
  const details = Array.isArray(data.errors) ? data.errors.slice(0, 5).map(describeError).join('; ') : '';
  const said = `${message}${details ? `: ${details}` : ''}`;
  const header = (name: string) => {
    const value = headers[name];
    return value === undefined ? undefined : String(value);
  };
  const rateLimited =
    status === 429 ||
    (status === 403 && (header('x-ratelimit-remaining') === '0' || /rate limit/i.test(message)));
  if (rateLimited) {
    const reset = Number(header('x-ratelimit-reset'));
    const afterMs =
      parseRetryAfter(header('retry-after'), now) ??
      (Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined);
    return fail(`HTTP ${status} ${said}`, {
      retryable: true,
      kind: 'throttled',
      ...(afterMs !== undefined && { afterMs }),
    });
  }
  const hint = HINTS[status] ? ` (${HINTS[status]})` : '';
  if (status >= 500) return fail(`HTTP ${status} ${said}`, { retryable: true, kind: '5xx' });
  return fail(`HTTP ${status} ${said}${hint}`, { retryable: false, kind: 'error' });
}

/** One entry of a 422's `errors`: `Issue.title missing_field`, or its own message. */
function describeError(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  const e = (entry ?? {}) as { resource?: unknown; field?: unknown; code?: unknown; message?: unknown };
  if (typeof e.message === 'string' && e.message) return e.message;
  const where = [e.resource, e.field].filter((part) => typeof part === 'string').join('.');
  return [where, typeof e.code === 'string' ? e.code : ''].filter(Boolean).join(' ');
}

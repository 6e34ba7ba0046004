import { describe, expect, it } from 'vitest';
import { networkFailure, verdict } from './failure.js';

// The network codes a loopback test cannot produce (no route, a host that never answers, a resolver
// out of reach), classified as Node reports them; test/outcomes.test.ts covers the rest for real.
const systemError = (code: string, message = `fake ${code}`) => Object.assign(new Error(message), { code });

describe('networkFailure', () => {
  it.each([
    ['ETIMEDOUT', true, { retryable: true, kind: 'timeout' }, 'timed out (ETIMEDOUT)'],
    ['EHOSTUNREACH', true, { retryable: true, kind: 'network' }, 'host unreachable (EHOSTUNREACH)'],
    ['EHOSTDOWN', true, { retryable: true, kind: 'network' }, 'host down (EHOSTDOWN)'],
    ['ECONNRESET', true, { retryable: true, kind: 'network' }, 'connection reset by peer (ECONNRESET)'],
    [
      'ENETUNREACH',
      false,
      { retryable: true, kind: 'network' },
      'network unreachable from here (ENETUNREACH)',
    ],
    [
      'EAI_AGAIN',
      false,
      { retryable: true, kind: 'network' },
      'temporary name resolution failure (EAI_AGAIN)',
    ],
    ['ENOTFOUND', false, { retryable: false, kind: 'error' }, 'host name not found (ENOTFOUND)'],
    ['CERT_HAS_EXPIRED', true, { retryable: false, kind: 'error' }, 'its TLS certificate is not valid now'],
    [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      false,
      { retryable: false, kind: 'error' },
      'TLS verification failed',
    ],
    ['EWEIRD', false, { retryable: true, kind: 'network' }, 'fake EWEIRD (EWEIRD)'],
  ])('%s at the target: verdict %s', (code, isVerdict, retry, text) => {
    const error = networkFailure('tcp.check', 'db:5432', systemError(code));
    expect(error.verdict).toBe(isVerdict);
    expect(error.retry).toEqual(retry);
    expect(error.message).toContain(`tcp.check: db:5432: ${text}`);
  });

  it('a data source refusing or timing out is never a verdict', () => {
    for (const code of ['ECONNREFUSED', 'ETIMEDOUT', 'CERT_HAS_EXPIRED'])
      expect(
        networkFailure('prometheus.query', 'Prometheus', systemError(code), undefined, false).verdict,
      ).toBe(false);
  });

  it('an abort is the step stopping, not the target', () => {
    const controller = new AbortController();
    controller.abort();
    const error = networkFailure('http.check', 'GET /', systemError('ECONNRESET'), controller.signal);
    expect(error.verdict).toBe(false);
    expect(error.message).toContain('aborted (the step timed out or was cancelled)');
  });

  it('verdict() marks the outcome `fail`, not retryable under another kind unless told', () => {
    expect(verdict('x', 'bad')).toMatchObject({ verdict: true, retry: { retryable: false, kind: 'error' } });
    expect(verdict('x', 'bad', { retryable: true, kind: '5xx' }).retry).toEqual({
      retryable: true,
      kind: '5xx',
    });
  });
});

import { createServer } from 'node:net';
import { DescribeInstancesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { classifyAwsError, toActionError, verdictError } from './toActionError.js';

function serviceError(
  name: string,
  status: number,
  message = 'fake message',
  headers?: Record<string, string>,
) {
  const error = new EC2ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });
  return headers ? Object.assign(error, { $response: { headers } }) : error;
}

/** A loopback port nothing listens on: the OS gave it out, then it was closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('classifyAwsError', () => {
  it.each([
    ['ThrottlingException', 400, { retryable: true, kind: 'throttled' }],
    ['RequestLimitExceeded', 503, { retryable: true, kind: 'throttled' }],
    ['TooManyRequestsException', 429, { retryable: true, kind: 'throttled' }],
    ['InternalError', 500, { retryable: true, kind: '5xx' }],
    ['ServiceUnavailable', 503, { retryable: true, kind: '5xx' }],
    ['UnauthorizedOperation', 403, { retryable: false, kind: 'error' }],
    ['AccessDeniedException', 400, { retryable: false, kind: 'error' }],
    ['InvalidInstanceID.NotFound', 400, { retryable: false, kind: 'error' }],
    ['ValidationException', 400, { retryable: false, kind: 'error' }],
    ['RequestTimeout', 400, { retryable: true, kind: 'timeout' }],
  ])('%s (HTTP %i)', (code, status, retry) => {
    expect(classifyAwsError(serviceError(code, status))).toMatchObject({ code, status, retry });
  });

  it('marks access denied as denied', () => {
    expect(classifyAwsError(serviceError('UnauthorizedOperation', 403)).denied).toBe(true);
    expect(classifyAwsError(serviceError('InvalidInstanceID.NotFound', 400)).denied).toBe(false);
  });

  it('honours Retry-After, in seconds or as a date', () => {
    expect(
      classifyAwsError(serviceError('ThrottlingException', 400, 'slow', { 'retry-after': '7' })).retry,
    ).toEqual({
      retryable: true,
      kind: 'throttled',
      afterMs: 7000,
    });
    const far = new Date(Date.now() + 3_600_000).toUTCString();
    const afterMs = classifyAwsError(serviceError('SlowDown', 503, 'slow', { 'retry-after': far })).retry
      .afterMs;
    expect(afterMs).toBeGreaterThan(3_500_000);
  });

  it('recognises missing credentials and aborted requests', () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(classifyAwsError(noCredentials)).toMatchObject({ denied: true, retry: { retryable: false } });
    const aborted = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    expect(classifyAwsError(aborted).retry).toEqual({ retryable: false, kind: 'timeout' });
  });

  it('a refused connection from the real SDK is a retryable network error, without the credentials', async () => {
    const client = new EC2Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      credentials: { accessKeyId: 'fake-access-key-123', secretAccessKey: 'fake-secret-key-456' },
      maxAttempts: 1,
    });
    const error = await client.send(new DescribeInstancesCommand({})).catch((e: unknown) => e);
    client.destroy();
    expect(classifyAwsError(error)).toMatchObject({
      code: 'ECONNREFUSED',
      retry: { retryable: true, kind: 'network' },
    });
    const actionError = toActionError('aws.ec2.describe', 'ec2:DescribeInstances', error);
    expect(actionError.message).toMatch(/^aws\.ec2\.describe: ec2:DescribeInstances failed: ECONNREFUSED/);
    expect(actionError.message).not.toContain('fake-secret-key-456');
    expect(actionError.message).not.toContain('fake-access-key-123');
  });
});

describe('toActionError', () => {
  it('names the operation and the AWS code, hints the permission when denied', () => {
    const error = toActionError(
      'aws.ec2.reboot',
      'ec2:RebootInstances',
      serviceError('UnauthorizedOperation', 403, 'nope'),
    );
    expect(error.message).toBe(
      "aws.ec2.reboot: ec2:RebootInstances failed: UnauthorizedOperation: nope [HTTP 403] (the caller needs IAM permission ec2:RebootInstances; see the action's permissions())",
    );
    expect(error.retry).toEqual({ retryable: false, kind: 'error' });
    expect(error.code).toBe('E_ACTION_FAILED');
  });

  it('keeps an ActionError as it is', () => {
    const first = toActionError('aws.ec2.reboot', 'ec2:RebootInstances', serviceError('InternalError', 500));
    expect(toActionError('aws.ec2.reboot', 'ec2:RebootInstances', first)).toBe(first);
  });

  it('says credentials were refused rather than asking for a permission', () => {
    const error = toActionError(
      'aws.ec2.status',
      'ec2:DescribeInstanceStatus',
      serviceError('AuthFailure', 401, 'AWS was not able to validate the provided access credentials'),
    );
    expect(error.message).toBe(
      'aws.ec2.status: ec2:DescribeInstanceStatus failed: AuthFailure: AWS was not able to validate the provided access credentials [HTTP 401] (the credentials were refused: missing, invalid or expired)',
    );
  });

  it('an AWS API failure is never a verdict: the outcome is `error`', () => {
    for (const code of ['NoSuchHealthCheck', 'AccessDenied', 'ThrottlingException', 'InternalError'])
      expect(
        toActionError('aws.x', 'x:Y', serviceError(code, code === 'InternalError' ? 500 : 400)).verdict,
      ).toBe(false);
    expect(verdictError('aws.x', 'impaired').verdict).toBe(true);
    expect(verdictError('aws.x', 'impaired').retry).toEqual({ retryable: false, kind: 'error' });
  });

  it('what the SDK already retried is final for the step, with the attempts it made', () => {
    const throttled = Object.assign(serviceError('ThrottlingException', 400, 'Rate exceeded'), {
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    const error = toActionError('aws.x', 'x:Y', throttled, { sdkRetried: true });
    expect(error.retry).toEqual({ retryable: false, kind: 'throttled' });
    expect(error.message).toBe(
      'aws.x: x:Y failed: ThrottlingException: Rate exceeded [HTTP 400, 3 attempts]',
    );
    // Without SDK retries the step's `retry:` is the layer: the advice stands.
    expect(toActionError('aws.x', 'x:Y', throttled).retry).toEqual({ retryable: true, kind: 'throttled' });
  });

  it('a call that must not run twice never retries what AWS may have done, only what it surely did not', () => {
    const ambiguous = toActionError(
      'aws.ec2.reboot',
      'ec2:RebootInstances',
      serviceError('InternalError', 500),
      {
        once: true,
      },
    );
    expect(ambiguous.retry).toEqual({ retryable: false, kind: '5xx' });
    expect(ambiguous.message).toContain('AWS may have carried it out, so it is not retried');
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toActionError('a', 'b:C', reset, { once: true }).retry.retryable).toBe(false);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toActionError('a', 'b:C', refused, { once: true }).retry).toEqual({
      retryable: true,
      kind: 'network',
    });
    const throttled = serviceError('RequestLimitExceeded', 503);
    expect(toActionError('a', 'b:C', throttled, { once: true }).retry).toMatchObject({
      retryable: true,
      kind: 'throttled',
    });
  });
});

// Shared pieces of the client-mock tests: mocked clients behind awsActions(), SDK-shaped service
// errors (what the SDK throws after deserializing an AWS error response).
import { EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createVirtualClock } from '@firstline/core';
import { mockClient } from 'aws-sdk-client-mock';
import { awsActions } from '../src/index.js';
import type { AwsOptions } from '../src/index.js';

/** The region of the mocked clients. */
export const MOCK_REGION = 'us-east-1';

/**
 * awsActions() over mocked EC2, SSM and Route 53 clients, with the mocks to script and inspect.
 * `extra.maxAttempts: 1` says the clients make one attempt, so the step's `retry:` is the retrying layer.
 */
export function mocked(extra: AwsOptions = {}) {
  const ec2 = new EC2Client({ region: MOCK_REGION });
  const ssm = new SSMClient({ region: MOCK_REGION });
  const route53 = new Route53Client({ region: MOCK_REGION });
  const mocks = { ec2: mockClient(ec2), ssm: mockClient(ssm), route53: mockClient(route53) };
  const actions = awsActions({ region: MOCK_REGION, clients: { ec2, ssm, route53 }, ...extra });
  return { actions, ...mocks };
}

/** Run options with a virtual clock: polls and retry delays cost no real time. */
export const virtual = () => ({ clock: createVirtualClock() });

/** An AWS service error as the SDK would throw it. */
export function awsError(
  code: string,
  status: number,
  message = `${code} (fake message)`,
  headers?: Record<string, string>,
): Error {
  const error = new EC2ServiceException({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'fake-request-id' },
    message,
  });
  if (headers) Object.assign(error, { $response: { statusCode: status, headers } });
  return error;
}

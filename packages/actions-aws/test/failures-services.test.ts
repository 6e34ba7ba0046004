import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetHealthCheckStatusCommand } from '@aws-sdk/client-route-53';
import { runPlaybook } from '@firstline/core';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { awsActions } from '../src/index.js';
import { mocked, MOCK_REGION, virtual } from './mocks.js';
import { runStep } from './support.js';

// Route 53 and CloudWatch answers moto cannot give (its health checks are always healthy, its
// GetMetricData always complete), with aws-sdk-client-mock standing in for AWS, on a virtual clock.

describe('Route 53 health (mock Route 53)', () => {
  const observations = (healthy: number, total: number) => ({
    HealthCheckObservations: Array.from({ length: total }, (_, i) => ({
      Region: `region-${i}` as const,
      IPAddress: `198.51.100.${i}`,
      StatusReport: {
        Status: i < healthy ? 'Success: HTTP Status Code 200, OK' : 'Failure: Connection timed out.',
        CheckedTime: new Date(Date.UTC(2024, 4, 1, 12)),
      },
    })),
  });

  it('fails (verdict) when too few checkers agree the endpoint is healthy (mock Route 53)', async () => {
    const { actions, route53 } = mocked();
    route53.on(GetHealthCheckStatusCommand).resolves(observations(2, 16) as never);
    const result = await runStep(
      actions,
      'aws.route53.healthCheckStatus',
      { healthCheckId: 'hc-1' },
      virtual(),
    );
    expect(result.steps.step?.outcome).toBe('fail');
    expect(result.steps.step?.error).toBe(
      'aws.route53.healthCheckStatus: health check hc-1 is unhealthy: 2 of 16 checkers report healthy (need more than 18%); e.g. region-2: Failure: Connection timed out.',
    );
  });

  it('a health check reporting Failure takes `on: fail`; one without observations takes `on: error` (mock Route 53)', async () => {
    const playbook = {
      firstline: 1,
      name: 'routed',
      steps: [
        {
          id: 'health',
          action: 'aws.route53.healthCheckStatus',
          with: { healthCheckId: 'hc-1' },
          on: { fail: 'unhealthy', error: 'unknown' },
        },
        { id: 'unhealthy', end: 'unhealthy' },
        { id: 'unknown', end: 'could_not_check' },
      ],
    };
    const failing = mocked();
    failing.route53.on(GetHealthCheckStatusCommand).resolves(observations(0, 8) as never);
    const unhealthy = await runPlaybook(playbook, { actions: failing.actions, ...virtual() });
    expect(unhealthy.outcome).toBe('unhealthy');

    const fresh = mocked();
    fresh.route53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: [] });
    const unknown = await runPlaybook(playbook, { actions: fresh.actions, ...virtual() });
    expect(unknown.outcome).toBe('could_not_check');
    expect(unknown.steps.health?.error).toBe(
      'aws.route53.healthCheckStatus: health check hc-1 has no observations yet',
    );
  });

  it('passes above the threshold, and the threshold is configurable (mock Route 53)', async () => {
    const { actions, route53 } = mocked();
    route53.on(GetHealthCheckStatusCommand).resolves(observations(3, 16) as never);
    const ok = await runStep(actions, 'aws.route53.healthCheckStatus', { healthCheckId: 'hc-1' }, virtual());
    expect(ok.output.step).toMatchObject({ healthy: true, healthyCheckers: 3, checkers: 16 });
    const strict = await runStep(
      actions,
      'aws.route53.healthCheckStatus',
      { healthCheckId: 'hc-1', threshold: 0.5, failWhenUnhealthy: false },
      virtual(),
    );
    expect(strict.output.step).toMatchObject({ healthy: false, healthyCheckers: 3 });
  });
});

describe('CloudWatch metric answers without a reading (mock CloudWatch)', () => {
  const metric = {
    namespace: 'AWS/EC2',
    metric: 'CPUUtilization',
    dimensions: { InstanceId: 'i-0abc1234def567890' },
  };

  it.each([
    ['Forbidden', 'error'],
    ['InternalError', 'error'],
    ['PartialData', 'pass'],
  ] as const)('a result with StatusCode %s ends %s (mock CloudWatch)', async (StatusCode, outcome) => {
    const cloudWatch = new CloudWatchClient({ region: MOCK_REGION });
    const mock = mockClient(cloudWatch);
    mock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'm0',
          StatusCode,
          Timestamps: StatusCode === 'PartialData' ? [new Date(Date.UTC(2026, 0, 1))] : [],
          Values: StatusCode === 'PartialData' ? [42] : [],
          Messages:
            StatusCode === 'Forbidden'
              ? [{ Code: 'Forbidden', Value: 'no access to the source account' }]
              : [],
        },
      ],
    });
    const actions = awsActions({ region: MOCK_REGION, clients: { cloudWatch } });
    const result = await runStep(actions, 'aws.cloudwatch.metric', metric, virtual());
    expect(result.steps.step?.outcome).toBe(outcome);
    if (StatusCode === 'Forbidden')
      expect(result.steps.step?.error).toBe(
        'aws.cloudwatch.metric: cloudwatch:GetMetricData answered Forbidden for AWS/EC2 CPUUtilization: no access to the source account',
      );
    if (StatusCode === 'PartialData') expect(result.output.step).toMatchObject({ value: 42, datapoints: 1 });
    mock.restore();
  });
});

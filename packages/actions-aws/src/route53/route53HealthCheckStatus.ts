import { ActionError, defineAction } from '@firstline/core';
import type { ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { callAws } from '../clients/callAws.js';
import type { AwsClients } from '../clients/createAwsClients.js';
import { verdictError } from '../clients/toActionError.js';
import { allow, partitionOf } from '../iam/arn.js';
import { route53Sdk } from '../clients/sdk.js';

const route53HealthCheckStatusInput = {
  type: 'object',
  additionalProperties: false,
  required: ['healthCheckId'],
  properties: {
    healthCheckId: { type: 'string', minLength: 1, maxLength: 64 },
    threshold: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0.18,
      description: 'Share of checkers that must report healthy; 0.18 is what Route 53 itself uses.',
    },
    failWhenUnhealthy: {
      type: 'boolean',
      default: true,
      description: 'false: never fail on an unhealthy endpoint, report it in output.healthy instead.',
    },
  },
} as const satisfies JSONSchema;

const route53HealthCheckStatusOutput = {
  examples: [
    {
      healthy: true,
      healthyCheckers: 16,
      checkers: 16,
      observations: [
        {
          region: 'us-east-1',
          status: 'Success: HTTP Status Code 200, OK',
          checkedAt: '2024-04-05T09:14:02.000Z',
        },
      ],
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['healthy', 'healthyCheckers', 'checkers'],
  properties: {
    healthy: { type: 'boolean' },
    healthyCheckers: { type: 'integer', minimum: 0 },
    checkers: { type: 'integer', minimum: 0 },
    observations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          region: { type: 'string' },
          status: { type: 'string' },
          checkedAt: { type: 'string' },
        },
      },
    },
  },
} as const satisfies JSONSchema;

/** Input of `aws.route53.healthCheckStatus`. */
export type Route53HealthCheckStatusInput = FromSchema<typeof route53HealthCheckStatusInput>;

/** Output of `aws.route53.healthCheckStatus`. */
export type Route53HealthCheckStatusOutput = FromSchema<typeof route53HealthCheckStatusOutput>;

const ID = 'aws.route53.healthCheckStatus';

/**
 * `aws.route53.healthCheckStatus`: the latest observation of each Route 53 checker; healthy when more
 * than `threshold` of them report success, as Route 53 decides. Too few is the verdict `fail`; no
 * observation at all (a new health check) and NoSuchHealthCheck are `error`: nothing to judge yet.
 * Route 53 is global: always us-east-1.
 */
export function route53HealthCheckStatusAction(
  aws: AwsClients,
): ActionDefinition<Route53HealthCheckStatusInput, Route53HealthCheckStatusOutput> {
  return defineAction({
    id: ID,
    kind: 'probe',
    description:
      "Reads a Route 53 health check's latest observations; passes when more than `threshold` of the checkers report healthy.",
    idempotent: true,
    input: route53HealthCheckStatusInput,
    output: route53HealthCheckStatusOutput,
    async run(input, ctx) {
      const route53 = await aws.route53();
      const { GetHealthCheckStatusCommand } = await route53Sdk();
      const out = await callAws(
        ID,
        'route53:GetHealthCheckStatus',
        () =>
          route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: input.healthCheckId }), {
            abortSignal: ctx.signal,
          }),
        aws.policy(),
      );
      const observations = (out.HealthCheckObservations ?? []).map((o) => ({
        region: o.Region ?? o.IPAddress ?? 'unknown',
        status: o.StatusReport?.Status ?? '',
        ...(o.StatusReport?.CheckedTime && { checkedAt: new Date(o.StatusReport.CheckedTime).toISOString() }),
      }));
      // Route 53 prefixes every checker's report with "Success" or "Failure".
      const healthyCheckers = observations.filter((o) => o.status.startsWith('Success')).length;
      const checkers = observations.length;
      const threshold = input.threshold ?? 0.18;
      const healthy = checkers > 0 && healthyCheckers / checkers > threshold;
      const output = { healthy, healthyCheckers, checkers, observations };
      if (!healthy && input.failWhenUnhealthy !== false) {
        // No checker has reported yet: the check cannot be judged (retryable: one may report soon).
        if (checkers === 0)
          throw new ActionError(ID, `health check ${input.healthCheckId} has no observations yet`, {
            retryable: true,
            kind: 'error',
          });
        const failing = observations.find((o) => !o.status.startsWith('Success'));
        const sample = failing ? `; e.g. ${failing.region}: ${failing.status}` : '';
        throw verdictError(
          ID,
          `health check ${input.healthCheckId} is unhealthy: ${healthyCheckers} of ${checkers} checkers report healthy (need more than ${Math.round(threshold * 100)}%)${sample}`,
        );
      }
      return output;
    },
    permissions: (input) => [
      allow(
        ['route53:GetHealthCheckStatus'],
        `arn:${partitionOf(aws.regionOf())}:route53:::healthcheck/${input.healthCheckId}`,
      ),
    ],
  });
}

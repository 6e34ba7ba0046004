import { ActionError, defineAction } from '@firstline/core';
import type { ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import type { AwsClients } from '../clients/createAwsClients.js';
import { allow, arnScope } from '../iam/arn.js';
import { regionSchema } from '../schemas.js';
import { alarmArn, describeAlarm } from './describeAlarm.js';

const cloudwatchAlarmStateInput = {
  type: 'object',
  additionalProperties: false,
  required: ['alarmName'],
  properties: { alarmName: { type: 'string', minLength: 1, maxLength: 255 }, region: regionSchema },
} as const satisfies JSONSchema;

const cloudwatchAlarmStateOutput = {
  examples: [
    {
      alarmName: 'web-5xx-rate',
      state: 'ALARM',
      reason: 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).',
      updatedAt: '2024-04-05T09:14:00.000Z',
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['alarmName', 'state'],
  properties: {
    alarmName: { type: 'string' },
    state: { enum: ['OK', 'ALARM', 'INSUFFICIENT_DATA'] },
    reason: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const satisfies JSONSchema;

/** Input of `aws.cloudwatch.alarmState`. */
export type CloudwatchAlarmStateInput = FromSchema<typeof cloudwatchAlarmStateInput>;

/** Output of `aws.cloudwatch.alarmState`. */
export type CloudwatchAlarmStateOutput = FromSchema<typeof cloudwatchAlarmStateOutput>;

const ID = 'aws.cloudwatch.alarmState';

/**
 * `aws.cloudwatch.alarmState`: a metric or composite alarm's current state (DescribeAlarms); judge it
 * with `expect` (the probe never fails by itself). An alarm that does not exist is `error`.
 */
export function cloudwatchAlarmStateAction(
  aws: AwsClients,
): ActionDefinition<CloudwatchAlarmStateInput, CloudwatchAlarmStateOutput> {
  return defineAction({
    id: ID,
    kind: 'probe',
    description: "Reads a CloudWatch alarm's current state (DescribeAlarms).",
    idempotent: true,
    input: cloudwatchAlarmStateInput,
    output: cloudwatchAlarmStateOutput,
    async run(input, ctx) {
      const region = aws.requireRegion(ID, input.region);
      const alarm = await describeAlarm(aws, ID, region, input.alarmName, ctx);
      if (!alarm)
        throw new ActionError(
          ID,
          `no alarm named "${input.alarmName}" in ${region} (DescribeAlarms found none)`,
          {
            retryable: false,
          },
        );
      return {
        alarmName: input.alarmName,
        state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
        ...(alarm.StateReason && { reason: alarm.StateReason }),
        ...(alarm.StateUpdatedTimestamp && {
          updatedAt: new Date(alarm.StateUpdatedTimestamp).toISOString(),
        }),
      };
    },
    permissions: (input) => [
      allow(['cloudwatch:DescribeAlarms'], alarmArn(arnScope(aws, input.region), input.alarmName)),
    ],
  });
}

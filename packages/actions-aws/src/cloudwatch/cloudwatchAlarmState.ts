import { ActionError, defineAction } from '@firstline/core';
import type { ActionDefinition } from '@firstline/core';
import type { AwsClients } from '../clients/createAwsClients.js';
import { allow, arnScope } from '../iam/arn.js';
import { regionSchema } from '../schemas.js';
import { alarmArn, describeAlarm } from './describeAlarm.js';
import type { AlarmStateValue } from './describeAlarm.js';

/** Input of `aws.cloudwatch.alarmState`. */
export interface CloudwatchAlarmStateInput {
  alarmName: string;
  region?: string;
}

/** Output of `aws.cloudwatch.alarmState`. */
export interface CloudwatchAlarmStateOutput {
  alarmName: string;
  state: AlarmStateValue;
  reason?: string;
  updatedAt?: string;
}

const ID = 'aws.cloudwatch.alarmState';

/**
 * `aws.cloudwatch.alarmState`: a metric or composite alarm's current state (DescribeAlarms); judge it
 * with `expect` (the probe never fails by itself). An alarm that does not exist is `error`.
 */
export function cloudwatchAlarmStateAction(
  aws: AwsClients,
): ActionDefinition<CloudwatchAlarmStateInput, CloudwatchAlarmStateOutput> {
  return defineAction<CloudwatchAlarmStateInput, CloudwatchAlarmStateOutput>({
    id: ID,
    kind: 'probe',
    description: "Reads a CloudWatch alarm's current state (DescribeAlarms).",
    idempotent: true,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['alarmName'],
      properties: { alarmName: { type: 'string', minLength: 1, maxLength: 255 }, region: regionSchema },
    },
    output: {
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
    },
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

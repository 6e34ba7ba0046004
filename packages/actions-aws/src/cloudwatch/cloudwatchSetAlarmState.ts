import { defineAction } from '@firstline/core';
import type { ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { callAws } from '../clients/callAws.js';
import type { AwsClients } from '../clients/createAwsClients.js';
import { allow, arnScope } from '../iam/arn.js';
import { regionSchema } from '../schemas.js';
import { alarmArn, describeAlarm } from './describeAlarm.js';
import { cloudWatchSdk } from '../clients/sdk.js';

const cloudwatchSetAlarmStateInput = {
  type: 'object',
  additionalProperties: false,
  required: ['alarmName', 'state'],
  properties: {
    alarmName: { type: 'string', minLength: 1, maxLength: 255 },
    state: { enum: ['OK', 'ALARM', 'INSUFFICIENT_DATA'] },
    reason: { type: 'string', minLength: 1, maxLength: 1023 },
    reasonData: { type: 'object' },
    region: regionSchema,
  },
} as const satisfies JSONSchema;

const cloudwatchSetAlarmStateOutput = {
  examples: [{ alarmName: 'web-5xx-rate', state: 'OK' }],
  type: 'object',
  additionalProperties: false,
  required: ['alarmName', 'state'],
  properties: { alarmName: { type: 'string' }, state: { enum: ['OK', 'ALARM', 'INSUFFICIENT_DATA'] } },
} as const satisfies JSONSchema;

/** Input of `aws.cloudwatch.setAlarmState`. */
export type CloudwatchSetAlarmStateInput = FromSchema<typeof cloudwatchSetAlarmStateInput>;

/** Output of `aws.cloudwatch.setAlarmState`. */
export type CloudwatchSetAlarmStateOutput = FromSchema<typeof cloudwatchSetAlarmStateOutput>;

const ID = 'aws.cloudwatch.setAlarmState';

/**
 * `aws.cloudwatch.setAlarmState`: SetAlarmState, e.g. back to OK after a fix so the alarm can fire
 * again, or to ALARM to test its actions. CloudWatch re-evaluates the alarm at its next period.
 */
export function cloudwatchSetAlarmStateAction(
  aws: AwsClients,
): ActionDefinition<CloudwatchSetAlarmStateInput, CloudwatchSetAlarmStateOutput> {
  return defineAction({
    id: ID,
    kind: 'remediation',
    description:
      'Sets a CloudWatch alarm to OK, ALARM or INSUFFICIENT_DATA until its next evaluation (SetAlarmState).',
    idempotent: true,
    input: cloudwatchSetAlarmStateInput,
    output: cloudwatchSetAlarmStateOutput,
    async run(input, ctx) {
      const cloudWatch = await aws.cloudWatch(aws.requireRegion(ID, input.region));
      const { SetAlarmStateCommand } = await cloudWatchSdk();
      await callAws(
        ID,
        'cloudwatch:SetAlarmState',
        () =>
          cloudWatch.send(
            new SetAlarmStateCommand({
              AlarmName: input.alarmName,
              StateValue: input.state,
              StateReason: input.reason ?? `set by firstline run ${ctx.runId}, step ${ctx.stepId}`,
              ...(input.reasonData && { StateReasonData: JSON.stringify(input.reasonData) }),
            }),
            { abortSignal: ctx.signal },
          ),
        aws.policy(),
      );
      return { alarmName: input.alarmName, state: input.state };
    },
    describe: (input) => `set alarm ${input.alarmName} to ${input.state}`,
    async plan(input, ctx) {
      // SetAlarmState has no DryRun; finding the alarm at least proves the name and region are right.
      const region = aws.requireRegion(ID, input.region);
      const alarm = await describeAlarm(aws, ID, region, input.alarmName, ctx);
      const preflight = alarm
        ? { ok: true, detail: `alarm found, now ${alarm.StateValue ?? 'unknown'}` }
        : { ok: false, detail: `no alarm named "${input.alarmName}" in ${region}` };
      return {
        summary: `would set alarm ${input.alarmName} to ${input.state} (${preflight.detail})`,
        changes: [{ resource: `alarm ${input.alarmName} (${region})`, change: `state → ${input.state}` }],
        preflight,
      };
    },
    permissions: (input) => [
      allow(['cloudwatch:SetAlarmState'], alarmArn(arnScope(aws, input.region), input.alarmName)),
    ],
    planPermissions: (input) => [
      allow(['cloudwatch:DescribeAlarms'], alarmArn(arnScope(aws, input.region), input.alarmName)),
    ],
  });
}

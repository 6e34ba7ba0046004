import type { AutoScalingInstanceDetails } from '@aws-sdk/client-auto-scaling';
import { ActionError, defineAction } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { callAws } from '../clients/callAws.js';
import type { AwsClients } from '../clients/createAwsClients.js';
import { allow, arnScope } from '../iam/arn.js';
import { instanceIdSchema, regionSchema } from '../schemas.js';
import { autoScalingSdk } from '../clients/sdk.js';

const autoscalingSetInstanceHealthInput = {
  type: 'object',
  additionalProperties: false,
  required: ['instanceId', 'healthStatus'],
  properties: {
    instanceId: instanceIdSchema,
    healthStatus: { enum: ['Healthy', 'Unhealthy'] },
    shouldRespectGracePeriod: {
      type: 'boolean',
      default: true,
      description: "Leave an instance inside the group's health check grace period alone (AWS's default).",
    },
    region: regionSchema,
  },
} as const satisfies JSONSchema;

const autoscalingSetInstanceHealthOutput = {
  examples: [
    { instanceId: 'i-0abc1234def567890', healthStatus: 'Unhealthy', autoScalingGroupName: 'web-asg' },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['instanceId', 'healthStatus'],
  properties: {
    instanceId: { type: 'string' },
    healthStatus: { enum: ['Healthy', 'Unhealthy'] },
    autoScalingGroupName: { type: 'string' },
  },
} as const satisfies JSONSchema;

/** Input of `aws.autoscaling.setInstanceHealth`. */
export type AutoscalingSetInstanceHealthInput = FromSchema<typeof autoscalingSetInstanceHealthInput>;

/** Output of `aws.autoscaling.setInstanceHealth`. */
export type AutoscalingSetInstanceHealthOutput = FromSchema<typeof autoscalingSetInstanceHealthOutput>;

const ID = 'aws.autoscaling.setInstanceHealth';

/**
 * `aws.autoscaling.setInstanceHealth`: SetInstanceHealth, so an Unhealthy instance is replaced now
 * rather than when the group's own checks notice. Looks the instance up first, so "not in any group"
 * is a clear error and the output names the group.
 */
export function autoscalingSetInstanceHealthAction(
  aws: AwsClients,
): ActionDefinition<AutoscalingSetInstanceHealthInput, AutoscalingSetInstanceHealthOutput> {
  return defineAction({
    id: ID,
    kind: 'remediation',
    description: 'Sets the health status of an instance in its Auto Scaling group (SetInstanceHealth).',
    idempotent: true,
    input: autoscalingSetInstanceHealthInput,
    output: autoscalingSetInstanceHealthOutput,
    async run(input, ctx) {
      const region = aws.requireRegion(ID, input.region);
      const member = await findMember(aws, region, input.instanceId, ctx);
      if (!member)
        throw new ActionError(ID, `${input.instanceId} is not in any Auto Scaling group in ${region}`, {
          retryable: false,
        });
      const autoScaling = await aws.autoScaling(region);
      const { SetInstanceHealthCommand } = await autoScalingSdk();
      await callAws(
        ID,
        'autoscaling:SetInstanceHealth',
        () =>
          autoScaling.send(
            new SetInstanceHealthCommand({
              InstanceId: input.instanceId,
              HealthStatus: input.healthStatus,
              ShouldRespectGracePeriod: input.shouldRespectGracePeriod ?? true,
            }),
            { abortSignal: ctx.signal },
          ),
        aws.policy(),
      );
      return {
        instanceId: input.instanceId,
        healthStatus: input.healthStatus,
        ...(member.AutoScalingGroupName && { autoScalingGroupName: member.AutoScalingGroupName }),
      };
    },
    describe: (input) => `mark ${input.instanceId} ${input.healthStatus} in its Auto Scaling group`,
    async plan(input, ctx) {
      // SetInstanceHealth has no DryRun; the lookup proves the instance is in a group and shows its state.
      const region = aws.requireRegion(ID, input.region);
      const member = await findMember(aws, region, input.instanceId, ctx);
      const preflight = member
        ? {
            ok: true,
            detail: `in group ${member.AutoScalingGroupName ?? '?'}, now ${member.HealthStatus ?? '?'} and ${member.LifecycleState ?? '?'}`,
          }
        : { ok: false, detail: `${input.instanceId} is not in any Auto Scaling group in ${region}` };
      const replace = input.healthStatus === 'Unhealthy' ? ' (its group replaces it)' : '';
      return {
        summary: `would mark ${input.instanceId} ${input.healthStatus}${replace} (${preflight.detail})`,
        changes: [
          {
            resource: `${input.instanceId} in ${member?.AutoScalingGroupName ?? 'no group'} (${region})`,
            change: `health → ${input.healthStatus}`,
          },
        ],
        preflight,
      };
    },
    permissions: (input) => {
      const { partition, region, account } = arnScope(aws, input.region);
      return [
        // The group is only known at run time: any group, in the step's region and account.
        allow(
          ['autoscaling:SetInstanceHealth'],
          `arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/*`,
        ),
        allow(['autoscaling:DescribeAutoScalingInstances'], '*'),
      ];
    },
    // The plan's lookup of the instance's group; DescribeAutoScalingInstances has no resource-level permissions.
    planPermissions: () => [allow(['autoscaling:DescribeAutoScalingInstances'], '*')],
    // Exported to Step Functions: SetInstanceHealth alone. An instance in no group is AWS's ValidationError
    // (the step ends `error`), and the output cannot name the group, which only the lookup finds.
    stepFunctions: {
      service: 'autoscaling',
      api: 'setInstanceHealth',
      arguments:
        "{ 'InstanceId': $input.instanceId, 'HealthStatus': $input.healthStatus, 'ShouldRespectGracePeriod': $input.shouldRespectGracePeriod = false ? false : true }",
      output: "{ 'instanceId': $input.instanceId, 'healthStatus': $input.healthStatus }",
      regionInput: 'region',
      jsonPath: {
        parameters: {
          InstanceId: '$input.instanceId',
          HealthStatus: '$input.healthStatus',
          ShouldRespectGracePeriod: '$input.shouldRespectGracePeriod',
        },
        output: {},
      },
    },
  });
}

async function findMember(
  aws: AwsClients,
  region: string,
  instanceId: string,
  ctx: ActionContext,
): Promise<AutoScalingInstanceDetails | undefined> {
  const autoScaling = await aws.autoScaling(region);
  const { DescribeAutoScalingInstancesCommand } = await autoScalingSdk();
  const out = await callAws(
    ID,
    'autoscaling:DescribeAutoScalingInstances',
    () =>
      autoScaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }), {
        abortSignal: ctx.signal,
      }),
    aws.policy(),
  );
  return out.AutoScalingInstances?.find((i) => i.InstanceId === instanceId);
}

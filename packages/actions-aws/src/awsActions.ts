import { withPrecompiledValidators } from '@firstline/core';
import type { ActionDefinition } from '@firstline/core';
import { createAwsClients } from './clients/createAwsClients.js';
import type { AwsClients, AwsOptions } from './clients/createAwsClients.js';
import { autoscalingSetInstanceHealthAction } from './autoscaling/autoscalingSetInstanceHealth.js';
import { cloudwatchAlarmStateAction } from './cloudwatch/cloudwatchAlarmState.js';
import { cloudwatchMetricAction } from './cloudwatch/cloudwatchMetric.js';
import { cloudwatchSetAlarmStateAction } from './cloudwatch/cloudwatchSetAlarmState.js';
import { ec2DescribeAction } from './ec2/ec2Describe.js';
import { ec2RebootAction, ec2StartAction, ec2StopAction } from './ec2/ec2StateChange.js';
import { ec2StatusAction } from './ec2/ec2Status.js';
import { ec2WaitForAction } from './ec2/ec2WaitFor.js';
import { route53HealthCheckStatusAction } from './route53/route53HealthCheckStatus.js';
import { ssmRunCommandAction } from './ssm/ssmRunCommand.js';
import { ssmStartAutomationAction } from './ssm/ssmStartAutomation.js';
import { precompiled } from './actionValidators.generated.js';

/** Options of {@link awsActions}: {@link AwsOptions}, or the clients of another call to share them. */
export type AwsActionsOptions = AwsOptions | AwsClients;

/**
 * Every AWS action, sharing one set of clients: created once per (service, region) on first use and
 * reused, so a warm Lambda keeps its connections. Region: the step's `region`, then `options.region`,
 * then AWS_REGION / AWS_DEFAULT_REGION; credentials: the SDK's default chain unless given.
 *
 * @example
 * const result = await runPlaybook(doc, {
 *   input, actions: awsActions({ region: 'eu-west-1' }), secrets: awsSecretResolvers(),
 * });
 */
export function awsActions(options: AwsActionsOptions = {}): ActionDefinition[] {
  const aws = 'requireRegion' in options ? options : createAwsClients(options);
  return withPrecompiledValidators(precompiled, [
    ec2DescribeAction(aws),
    ec2StatusAction(aws),
    ec2RebootAction(aws),
    ec2StopAction(aws),
    ec2StartAction(aws),
    ec2WaitForAction(aws),
    route53HealthCheckStatusAction(aws),
    ssmRunCommandAction(aws),
    ssmStartAutomationAction(aws),
    cloudwatchAlarmStateAction(aws),
    cloudwatchMetricAction(aws),
    cloudwatchSetAlarmStateAction(aws),
    autoscalingSetInstanceHealthAction(aws),
  ] as ActionDefinition[]);
}

/** The ids of every action {@link awsActions} returns. */
export const AWS_ACTION_IDS = [
  'aws.ec2.describe',
  'aws.ec2.status',
  'aws.ec2.reboot',
  'aws.ec2.stop',
  'aws.ec2.start',
  'aws.ec2.waitFor',
  'aws.route53.healthCheckStatus',
  'aws.ssm.runCommand',
  'aws.ssm.startAutomation',
  'aws.cloudwatch.alarmState',
  'aws.cloudwatch.metric',
  'aws.cloudwatch.setAlarmState',
  'aws.autoscaling.setInstanceHealth',
] as const;

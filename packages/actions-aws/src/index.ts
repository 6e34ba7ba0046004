// @firstline/actions-aws: AWS probes and remediations (EC2, Route 53, SSM, CloudWatch, Auto Scaling)
// for Firstline playbooks, the AWS secret resolvers, and the alarm-event parser that starts runs.
export { awsActions, AWS_ACTION_IDS } from './awsActions.js';
export type { AwsActionsOptions } from './awsActions.js';
export { createAwsClients, ROUTE53_REGION } from './clients/createAwsClients.js';
export type {
  AwsClientOverrides,
  AwsClients,
  AwsCredentials,
  AwsOptions,
  ClientOverride,
} from './clients/createAwsClients.js';
export { callAws } from './clients/callAws.js';
export { classifyAwsError, toActionError, verdictError } from './clients/toActionError.js';
export type { AwsFailure, CallPolicy } from './clients/toActionError.js';

export { ec2DescribeAction } from './ec2/ec2Describe.js';
export type {
  Ec2DescribeInput,
  Ec2DescribeOutput,
  Ec2InstanceSummary,
  InstanceStateName,
} from './ec2/ec2Describe.js';
export { ec2StatusAction } from './ec2/ec2Status.js';
export type { Ec2StatusInput, Ec2StatusOutput, Reachability } from './ec2/ec2Status.js';
export { ec2RebootAction, ec2StartAction, ec2StopAction } from './ec2/ec2StateChange.js';
export type {
  Ec2InstancesInput,
  Ec2RebootOutput,
  Ec2StateChangeOutput,
  Ec2StopInput,
} from './ec2/ec2StateChange.js';
export { ec2WaitForAction } from './ec2/ec2WaitFor.js';
export type { Ec2WaitForInput, Ec2WaitForOutput, WaitTarget } from './ec2/ec2WaitFor.js';
export { dryRunPreflight } from './ec2/dryRunPreflight.js';

export { route53HealthCheckStatusAction } from './route53/route53HealthCheckStatus.js';
export type {
  Route53HealthCheckStatusInput,
  Route53HealthCheckStatusOutput,
} from './route53/route53HealthCheckStatus.js';

export { ssmRunCommandAction } from './ssm/ssmRunCommand.js';
export type { SsmRunCommandInput, SsmRunCommandOutput } from './ssm/ssmRunCommand.js';
export { ssmStartAutomationAction } from './ssm/ssmStartAutomation.js';
export type { SsmStartAutomationInput, SsmStartAutomationOutput } from './ssm/ssmStartAutomation.js';
export { clientTokenFor } from './ssm/clientToken.js';
export type { OnAbort } from './ssm/stopOnAbort.js';

export { cloudwatchAlarmStateAction } from './cloudwatch/cloudwatchAlarmState.js';
export type {
  CloudwatchAlarmStateInput,
  CloudwatchAlarmStateOutput,
} from './cloudwatch/cloudwatchAlarmState.js';
export type { AlarmStateValue } from './cloudwatch/describeAlarm.js';
export { cloudwatchMetricAction } from './cloudwatch/cloudwatchMetric.js';
export type { CloudwatchMetricInput, CloudwatchMetricOutput } from './cloudwatch/cloudwatchMetric.js';
export { cloudwatchSetAlarmStateAction } from './cloudwatch/cloudwatchSetAlarmState.js';
export type {
  CloudwatchSetAlarmStateInput,
  CloudwatchSetAlarmStateOutput,
} from './cloudwatch/cloudwatchSetAlarmState.js';

export { autoscalingSetInstanceHealthAction } from './autoscaling/autoscalingSetInstanceHealth.js';
export type {
  AutoscalingSetInstanceHealthInput,
  AutoscalingSetInstanceHealthOutput,
} from './autoscaling/autoscalingSetInstanceHealth.js';

export {
  awsSecretResolvers,
  secretsManagerSecretResolver,
  ssmSecretResolver,
} from './secrets/awsSecretResolvers.js';
export type { AwsSecretResolverOptions } from './secrets/awsSecretResolvers.js';

export { parseAlarmEvent, parseAlarmEvents, regionCodeOf } from './triggers/index.js';
export type {
  AlarmEventSource,
  AlarmInputs,
  AlarmState,
  AlarmTrigger,
  ParsedAlarmEvent,
} from './triggers/index.js';

export {
  mergeStatements,
  playbookActionSteps,
  playbookPermissions,
  secretPermissions,
  stepPermissions,
} from './iam/playbookPermissions.js';
export type { PermissionOptions, PermissionScope, PlaybookActionStep } from './iam/playbookPermissions.js';
export { allow, instanceArn, partitionOf } from './iam/arn.js';

import type { InstanceStatus } from '@aws-sdk/client-ec2';
import { ActionError, defineAction } from '@firstline/core';
import type { ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { callAws } from '../clients/callAws.js';
import type { AwsClients } from '../clients/createAwsClients.js';
import { verdictError } from '../clients/toActionError.js';
import { allow } from '../iam/arn.js';
import { instanceIdSchema, instanceStateSchema, reachabilitySchema, regionSchema } from '../schemas.js';
import { ec2Sdk } from '../clients/sdk.js';

/** A reachability check's status. */
export type Reachability = 'ok' | 'impaired' | 'initializing' | 'insufficient-data' | 'not-applicable';

const ec2StatusInput = {
  type: 'object',
  additionalProperties: false,
  required: ['instanceId'],
  properties: {
    instanceId: instanceIdSchema,
    failWhenUnhealthy: {
      type: 'boolean',
      default: true,
      description: 'false: never fail on an unhealthy instance, report it in output.healthy instead.',
    },
    region: regionSchema,
  },
} as const satisfies JSONSchema;

const ec2StatusOutput = {
  examples: [
    {
      instanceId: 'i-0abc1234def567890',
      state: 'running',
      systemStatus: 'ok',
      instanceStatus: 'ok',
      healthy: true,
      events: [],
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['instanceId', 'state', 'systemStatus', 'instanceStatus', 'healthy'],
  properties: {
    instanceId: { type: 'string' },
    state: instanceStateSchema,
    systemStatus: reachabilitySchema,
    instanceStatus: reachabilitySchema,
    healthy: { type: 'boolean' },
    events: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          description: { type: 'string' },
          notBefore: { type: 'string' },
        },
      },
    },
  },
} as const satisfies JSONSchema;

/** Input of `aws.ec2.status`. */
export type Ec2StatusInput = FromSchema<typeof ec2StatusInput>;

/** Output of `aws.ec2.status`. */
export type Ec2StatusOutput = FromSchema<typeof ec2StatusOutput>;

const ID = 'aws.ec2.status';

/**
 * `aws.ec2.status`: state plus system and instance reachability (DescribeInstanceStatus). Its verdict
 * is `fail` when the instance is not running or a check is impaired; `initializing` (a fresh boot) and
 * `insufficient-data` are not failures. An instance EC2 does not know is `error` (nothing to judge).
 */
export function ec2StatusAction(aws: AwsClients): ActionDefinition<Ec2StatusInput, Ec2StatusOutput> {
  return defineAction({
    id: ID,
    kind: 'probe',
    description:
      'Reads DescribeInstanceStatus for one instance; fails when it is not running or a reachability check is impaired.',
    idempotent: true,
    input: ec2StatusInput,
    output: ec2StatusOutput,
    async run(input, ctx) {
      const ec2 = await aws.ec2(aws.requireRegion(ID, input.region));
      const { DescribeInstanceStatusCommand } = await ec2Sdk();
      const out = await callAws(
        ID,
        'ec2:DescribeInstanceStatus',
        () =>
          ec2.send(
            // IncludeAllInstances: a stopped instance is reported as stopped, not left out.
            new DescribeInstanceStatusCommand({ InstanceIds: [input.instanceId], IncludeAllInstances: true }),
            { abortSignal: ctx.signal },
          ),
        aws.policy(),
      );
      const status = out.InstanceStatuses?.find((s) => s.InstanceId === input.instanceId);
      // EC2 answers InvalidInstanceID.NotFound for an unknown id; an answer without it is unreadable.
      if (!status)
        throw new ActionError(
          ID,
          `ec2:DescribeInstanceStatus returned no status for ${input.instanceId} (terminated and gone?)`,
          { retryable: false },
        );
      const output = statusOutput(input.instanceId, status);
      // The instance's own state is the verdict: `fail`, retried by a step's `retry: { on: [fail] }`.
      if (!output.healthy && input.failWhenUnhealthy !== false)
        throw verdictError(ID, `${input.instanceId} is unhealthy: ${describeStatus(output)}`);
      return output;
    },
    permissions: () => [allow(['ec2:DescribeInstanceStatus'], '*')],
    stepFunctions: ec2StatusTask,
  });
}

// statusOutput in JSONata, for the native DescribeInstanceStatus task of an exported state machine.
const STATUS = '$result.InstanceStatuses[InstanceId = $input.instanceId][0]';
// `healthy` as a Choice rule over the answer, for JSONPath definitions.
const HEALTHY = {
  And: [
    { Variable: '$.InstanceStatuses[0].InstanceState.Name', StringEquals: 'running' },
    { Not: { Variable: '$.InstanceStatuses[0].SystemStatus.Status', StringEquals: 'impaired' } },
    { Not: { Variable: '$.InstanceStatuses[0].InstanceStatus.Status', StringEquals: 'impaired' } },
  ],
};
const ec2StatusTask = {
  service: 'ec2',
  api: 'describeInstanceStatus',
  arguments: "{ 'InstanceIds': [$input.instanceId], 'IncludeAllInstances': true }",
  output: `( $s := ${STATUS};
  $state := $exists($s.InstanceState.Name) ? $s.InstanceState.Name : 'pending';
  $system := $exists($s.SystemStatus.Status) ? $s.SystemStatus.Status : 'not-applicable';
  $instance := $exists($s.InstanceStatus.Status) ? $s.InstanceStatus.Status : 'not-applicable';
  $events := [$s.Events.{ 'code': $exists(Code) ? Code : 'unknown' }];
  $merge([{ 'instanceId': $input.instanceId, 'state': $state, 'systemStatus': $system,
    'instanceStatus': $instance,
    'healthy': $state = 'running' and $system != 'impaired' and $instance != 'impaired' },
    $count($events) > 0 ? { 'events': $events } : {}]) )`,
  verdict: '$not($input.failWhenUnhealthy = false) and $output.healthy = false',
  unusable: `$not($exists(${STATUS}))`,
  regionInput: 'region',
  jsonPath: {
    parameters: { InstanceIds: 'States.Array($input.instanceId)', IncludeAllInstances: true },
    output: {
      instanceId: '$.InstanceStatuses[0].InstanceId',
      state: '$.InstanceStatuses[0].InstanceState.Name',
      systemStatus: '$.InstanceStatuses[0].SystemStatus.Status',
      instanceStatus: '$.InstanceStatuses[0].InstanceStatus.Status',
    },
    conditions: { healthy: HEALTHY },
    verdict: { rule: { Not: HEALTHY }, unless: 'failWhenUnhealthy' },
    unusable: { Not: { Variable: '$.InstanceStatuses[0]', IsPresent: true } },
  },
} as const;

/** DescribeInstanceStatus's answer for one instance as plain JSON, with the verdict in `healthy`. */
export function statusOutput(instanceId: string, status: InstanceStatus): Ec2StatusOutput {
  const state = status.InstanceState?.Name ?? 'pending';
  const systemStatus = status.SystemStatus?.Status ?? 'not-applicable';
  const instanceStatus = status.InstanceStatus?.Status ?? 'not-applicable';
  const events = (status.Events ?? []).map((e) => ({
    code: e.Code ?? 'unknown',
    ...(e.Description && { description: e.Description }),
    ...(e.NotBefore && { notBefore: new Date(e.NotBefore).toISOString() }),
  }));
  return {
    instanceId,
    state,
    systemStatus,
    instanceStatus,
    healthy: state === 'running' && systemStatus !== 'impaired' && instanceStatus !== 'impaired',
    ...(events.length > 0 && { events }),
  };
}

function describeStatus(s: Ec2StatusOutput): string {
  const events = s.events?.length ? `; scheduled events: ${s.events.map((e) => e.code).join(', ')}` : '';
  return `state ${s.state}, system status ${s.systemStatus}, instance status ${s.instanceStatus}${events}`;
}

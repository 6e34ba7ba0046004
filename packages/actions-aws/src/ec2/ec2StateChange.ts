import type { InstanceStateChange } from '@aws-sdk/client-ec2';
import { defineAction } from '@firstline/core';
import type { ActionContext, ActionDefinition, JSONSchema, Plan, StepFunctionsTask } from '@firstline/core';
import { callAws } from '../clients/callAws.js';
import type { AwsClients } from '../clients/createAwsClients.js';
import { allow, arnScope, instanceArn } from '../iam/arn.js';
import { instanceIdsSchema, regionSchema, stateChangeSchema } from '../schemas.js';
import type { InstanceStateName } from './ec2Describe.js';
import { dryRunPreflight, withPreflight } from './dryRunPreflight.js';
import { ec2Sdk } from '../clients/sdk.js';

/** Input of `aws.ec2.reboot` and `aws.ec2.start`. */
export interface Ec2InstancesInput {
  instanceIds: string[];
  region?: string;
}

/** Input of `aws.ec2.stop`. */
export interface Ec2StopInput extends Ec2InstancesInput {
  /** Stop without letting the OS shut down cleanly (a hung instance). */
  force?: boolean;
  /** Hibernate instead of stop (the instance must be enabled for it). */
  hibernate?: boolean;
}

/** Output of `aws.ec2.reboot`. */
export interface Ec2RebootOutput {
  rebooted: string[];
}

/** Output of `aws.ec2.stop` and `aws.ec2.start`: each instance's state before and after the call. */
export interface Ec2StateChangeOutput {
  instances: Array<{ instanceId: string; previousState: InstanceStateName; currentState: InstanceStateName }>;
}

interface Verb<I extends Ec2InstancesInput, O> {
  id: string;
  verb: 'reboot' | 'stop' | 'start';
  operation: string;
  description: string;
  idempotent: boolean;
  extraInput?: Record<string, JSONSchema>;
  output: JSONSchema;
  /** The native Step Functions task, when the verb's output follows from its input alone. */
  stepFunctions?: StepFunctionsTask;
  send(aws: AwsClients, input: I, ctx: ActionContext, dryRun: boolean): Promise<O>;
}

const instancesInput = (extra: Record<string, JSONSchema> = {}): JSONSchema => ({
  type: 'object',
  additionalProperties: false,
  required: ['instanceIds'],
  properties: { instanceIds: instanceIdsSchema(50), ...extra, region: regionSchema },
});

// Reboot, stop and start differ only in their command: one builder keeps their preflight, plan and
// permissions identical.
function stateChangeAction<I extends Ec2InstancesInput, O>(
  aws: AwsClients,
  verb: Verb<I, O>,
): ActionDefinition<I, O> {
  return defineAction<I, O>({
    id: verb.id,
    kind: 'remediation',
    description: verb.description,
    idempotent: verb.idempotent,
    input: instancesInput(verb.extraInput),
    output: verb.output,
    ...(verb.stepFunctions && { stepFunctions: verb.stepFunctions }),
    run: (input, ctx) => verb.send(aws, input, ctx, false),
    describe: (input) => `${verb.verb} ${input.instanceIds.join(', ')}`,
    async plan(input, ctx): Promise<Plan> {
      const region = aws.requireRegion(verb.id, input.region);
      const preflight = await dryRunPreflight(verb.id, verb.operation, () =>
        verb.send(aws, input, ctx, true),
      );
      return {
        summary: withPreflight(`would ${verb.verb} ${input.instanceIds.join(', ')}`, preflight),
        changes: input.instanceIds.map((id) => ({ resource: `${id} (${region})`, change: verb.verb })),
        preflight,
      };
    },
    permissions: (input) => {
      const scope = arnScope(aws, input.region);
      return [
        allow(
          [verb.operation],
          input.instanceIds.map((id) => instanceArn(scope, id)),
        ),
      ];
    },
  });
}

const REBOOT = 'aws.ec2.reboot';
const STOP = 'aws.ec2.stop';
const START = 'aws.ec2.start';

/**
 * `aws.ec2.reboot`: RebootInstances; `plan()` preflights it with DryRun. RebootInstances takes no
 * client token, so it is sent at most once per attempt (no SDK retries) and a failure AWS may have
 * acted on (5xx, timeout, connection lost) is never retried; throttling and refused connections are.
 */
export function ec2RebootAction(aws: AwsClients): ActionDefinition<Ec2InstancesInput, Ec2RebootOutput> {
  return stateChangeAction<Ec2InstancesInput, Ec2RebootOutput>(aws, {
    id: REBOOT,
    verb: 'reboot',
    operation: 'ec2:RebootInstances',
    description: 'Reboots EC2 instances (RebootInstances); a reboot request takes no client token.',
    idempotent: false,
    output: {
      examples: [{ rebooted: ['i-0abc1234def567890'] }],
      type: 'object',
      additionalProperties: false,
      required: ['rebooted'],
      properties: { rebooted: { type: 'array', items: { type: 'string' } } },
    },
    // One RebootInstances call whose output is its input: a native task when exported to Step Functions.
    stepFunctions: {
      service: 'ec2',
      api: 'rebootInstances',
      arguments: "{ 'InstanceIds': $input.instanceIds }",
      output: "{ 'rebooted': $input.instanceIds }",
      regionInput: 'region',
      jsonPath: { parameters: { InstanceIds: '$input.instanceIds' }, output: {} },
    },
    async send(aws, input, ctx, dryRun) {
      const ec2 = await aws.ec2(aws.requireRegion(REBOOT, input.region), 'once');
      const { RebootInstancesCommand } = await ec2Sdk();
      await callAws(
        REBOOT,
        'ec2:RebootInstances',
        () =>
          ec2.send(new RebootInstancesCommand({ InstanceIds: input.instanceIds, DryRun: dryRun }), {
            abortSignal: ctx.signal,
          }),
        aws.policy('once'),
      );
      return { rebooted: input.instanceIds };
    },
  });
}

const stateChangeOutput: JSONSchema = {
  examples: [
    {
      instances: [{ instanceId: 'i-0abc1234def567890', previousState: 'running', currentState: 'stopping' }],
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['instances'],
  properties: { instances: { type: 'array', items: stateChangeSchema } },
};

/** `aws.ec2.stop`: StopInstances (optionally forced or hibernating); `plan()` preflights it with DryRun. */
export function ec2StopAction(aws: AwsClients): ActionDefinition<Ec2StopInput, Ec2StateChangeOutput> {
  return stateChangeAction<Ec2StopInput, Ec2StateChangeOutput>(aws, {
    id: STOP,
    verb: 'stop',
    operation: 'ec2:StopInstances',
    description: 'Stops EC2 instances (StopInstances); stopping a stopped instance is harmless.',
    idempotent: true,
    extraInput: {
      force: {
        type: 'boolean',
        default: false,
        description: 'Skip the clean OS shutdown (a hung instance).',
      },
      hibernate: { type: 'boolean', default: false },
    },
    output: stateChangeOutput,
    async send(aws, input, ctx, dryRun) {
      const ec2 = await aws.ec2(aws.requireRegion(STOP, input.region));
      const { StopInstancesCommand } = await ec2Sdk();
      const out = await callAws(
        STOP,
        'ec2:StopInstances',
        () =>
          ec2.send(
            new StopInstancesCommand({
              InstanceIds: input.instanceIds,
              DryRun: dryRun,
              ...(input.force && { Force: true }),
              ...(input.hibernate && { Hibernate: true }),
            }),
            { abortSignal: ctx.signal },
          ),
        aws.policy(),
      );
      return { instances: stateChanges(out.StoppingInstances) };
    },
  });
}

/** `aws.ec2.start`: StartInstances; `plan()` preflights it with DryRun. */
export function ec2StartAction(aws: AwsClients): ActionDefinition<Ec2InstancesInput, Ec2StateChangeOutput> {
  return stateChangeAction<Ec2InstancesInput, Ec2StateChangeOutput>(aws, {
    id: START,
    verb: 'start',
    operation: 'ec2:StartInstances',
    description: 'Starts EC2 instances (StartInstances); starting a running instance is harmless.',
    idempotent: true,
    output: stateChangeOutput,
    async send(aws, input, ctx, dryRun) {
      const ec2 = await aws.ec2(aws.requireRegion(START, input.region));
      const { StartInstancesCommand } = await ec2Sdk();
      const out = await callAws(
        START,
        'ec2:StartInstances',
        () =>
          ec2.send(new StartInstancesCommand({ InstanceIds: input.instanceIds, DryRun: dryRun }), {
            abortSignal: ctx.signal,
          }),
        aws.policy(),
      );
      return { instances: stateChanges(out.StartingInstances) };
    },
  });
}

function stateChanges(changes: InstanceStateChange[] | undefined): Ec2StateChangeOutput['instances'] {
  return (changes ?? []).map((c) => ({
    instanceId: c.InstanceId ?? '',
    previousState: c.PreviousState?.Name ?? 'pending',
    currentState: c.CurrentState?.Name ?? 'pending',
  }));
}

import type { Filter, Instance } from '@aws-sdk/client-ec2';
import { defineAction } from '@firstline/core';
import type { ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { callAws } from '../clients/callAws.js';
import type { AwsClients } from '../clients/createAwsClients.js';
import { allow } from '../iam/arn.js';
import { instanceIdsSchema, instanceStateSchema, regionSchema, stringMapSchema } from '../schemas.js';
import { ec2Sdk } from '../clients/sdk.js';

/** An EC2 instance state name. */
export type InstanceStateName =
  'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

const DEFAULT_LIMIT = 1000;

const ec2DescribeInput = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['instanceIds'] }, { required: ['tags'] }],
  properties: {
    instanceIds: instanceIdsSchema(1000),
    tags: {
      type: 'object',
      minProperties: 1,
      description: 'Tag key → value (or any of several values); every key must match.',
      additionalProperties: {
        oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }],
      },
    },
    states: { type: 'array', minItems: 1, uniqueItems: true, items: instanceStateSchema },
    pageSize: { type: 'integer', minimum: 5, maximum: 1000, default: 1000 },
    limit: { type: 'integer', minimum: 1, maximum: 10000, default: DEFAULT_LIMIT },
    region: regionSchema,
  },
} as const satisfies JSONSchema;

const ec2DescribeOutput = {
  examples: [
    {
      count: 1,
      truncated: false,
      instances: [
        {
          instanceId: 'i-0abc1234def567890',
          state: 'running',
          instanceType: 't3.medium',
          availabilityZone: 'us-east-1a',
          privateIpAddress: '10.0.1.23',
          privateDnsName: 'ip-10-0-1-23.ec2.internal',
          launchTime: '2024-04-05T09:12:44.000Z',
          tags: { Name: 'web-1', service: 'web' },
        },
      ],
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['instances', 'count', 'truncated'],
  properties: {
    count: { type: 'integer', minimum: 0 },
    truncated: { type: 'boolean' },
    instances: {
      type: 'array',
      items: {
        type: 'object',
        required: ['instanceId', 'state'],
        properties: {
          instanceId: { type: 'string' },
          state: instanceStateSchema,
          instanceType: { type: 'string' },
          availabilityZone: { type: 'string' },
          privateIpAddress: { type: 'string' },
          publicIpAddress: { type: 'string' },
          privateDnsName: { type: 'string' },
          launchTime: { type: 'string' },
          tags: stringMapSchema,
        },
      },
    },
  },
} as const satisfies JSONSchema;

/** Input of `aws.ec2.describe`: instances by id, by tags, or both (both must match). */
export type Ec2DescribeInput = FromSchema<typeof ec2DescribeInput>;

/** One instance as `aws.ec2.describe` reports it. */
export interface Ec2InstanceSummary {
  instanceId: string;
  state: InstanceStateName;
  instanceType?: string;
  availabilityZone?: string;
  privateIpAddress?: string;
  publicIpAddress?: string;
  privateDnsName?: string;
  launchTime?: string;
  tags?: Record<string, string>;
}

/** Output of `aws.ec2.describe`. */
export type Ec2DescribeOutput = FromSchema<typeof ec2DescribeOutput>;

const ID = 'aws.ec2.describe';

/** `aws.ec2.describe`: finds instances by id or by tags (`tag:<key>` filters), following every page. */
export function ec2DescribeAction(aws: AwsClients): ActionDefinition<Ec2DescribeInput, Ec2DescribeOutput> {
  return defineAction({
    id: ID,
    kind: 'probe',
    description: 'Describes EC2 instances chosen by id or by tags (DescribeInstances, every page).',
    idempotent: true,
    input: ec2DescribeInput,
    output: ec2DescribeOutput,
    async run(input, ctx) {
      const ec2 = await aws.ec2(aws.requireRegion(ID, input.region));
      const { DescribeInstancesCommand } = await ec2Sdk();
      const filters = describeFilters(input);
      const limit = input.limit ?? DEFAULT_LIMIT;
      const instances: Ec2InstanceSummary[] = [];
      let truncated = false;
      let token: string | undefined;
      do {
        const page = await callAws(
          ID,
          'ec2:DescribeInstances',
          () =>
            ec2.send(
              new DescribeInstancesCommand({
                ...(input.instanceIds && { InstanceIds: input.instanceIds }),
                ...(filters.length > 0 && { Filters: filters }),
                // EC2 refuses MaxResults together with InstanceIds.
                ...(!input.instanceIds && { MaxResults: input.pageSize ?? 1000 }),
                ...(token && { NextToken: token }),
              }),
              { abortSignal: ctx.signal },
            ),
          aws.policy(),
        );
        for (const reservation of page.Reservations ?? [])
          for (const instance of reservation.Instances ?? []) {
            if (instances.length >= limit) truncated = true;
            else instances.push(summarizeInstance(instance));
          }
        token = page.NextToken || undefined;
        if (truncated) break;
      } while (token);
      ctx.logger.debug('described instances', { count: instances.length, truncated });
      return { count: instances.length, instances, truncated };
    },
    permissions: () => [allow(['ec2:DescribeInstances'], '*')],
  });
}

/** The DescribeInstances filters for tags and states. */
export function describeFilters(input: Pick<Ec2DescribeInput, 'tags' | 'states'>): Filter[] {
  const filters: Filter[] = Object.entries(input.tags ?? {}).map(([key, value]) => ({
    Name: `tag:${key}`,
    Values: Array.isArray(value) ? value : [value],
  }));
  if (input.states?.length) filters.push({ Name: 'instance-state-name', Values: input.states });
  return filters;
}

/** An SDK Instance as a plain JSON summary (ISO launch time, tags as a map). */
export function summarizeInstance(instance: Instance): Ec2InstanceSummary {
  const tags = Object.fromEntries(
    (instance.Tags ?? []).flatMap((t) => (t.Key !== undefined ? [[t.Key, t.Value ?? '']] : [])),
  );
  return {
    instanceId: instance.InstanceId ?? '',
    state: instance.State?.Name ?? 'pending',
    ...(instance.InstanceType && { instanceType: instance.InstanceType }),
    ...(instance.Placement?.AvailabilityZone && { availabilityZone: instance.Placement.AvailabilityZone }),
    ...(instance.PrivateIpAddress && { privateIpAddress: instance.PrivateIpAddress }),
    ...(instance.PublicIpAddress && { publicIpAddress: instance.PublicIpAddress }),
    ...(instance.PrivateDnsName && { privateDnsName: instance.PrivateDnsName }),
    ...(instance.LaunchTime && { launchTime: new Date(instance.LaunchTime).toISOString() }),
    ...(Object.keys(tags).length > 0 && { tags }),
  };
}

import type { JSONSchema } from '@firstline/core';

// The JSON Schema pieces the AWS actions share. They started as the stand-ins the example playbooks
// were written against (examples/src/pending), so a playbook valid then is valid now.

/** A duration string, as the playbook format writes them: 500ms, 20s, 3m, 1h, 1m30s. */
export const durationSchema = {
  type: 'string',
  pattern: '^([0-9]+(ms|s|m|h))+$',
} as const satisfies JSONSchema;

/** An AWS region code (us-east-1, eu-west-3, us-gov-west-1); when absent: the factory's, then the environment's. */
export const regionSchema = {
  type: 'string',
  pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$',
  description: 'AWS region; defaults to the one given to awsActions(), then AWS_REGION.',
} as const satisfies JSONSchema;

/** An EC2 instance id. */
export const instanceIdSchema = {
  type: 'string',
  pattern: '^i-[0-9a-f]{8,17}$',
} as const satisfies JSONSchema;

/** A list of distinct EC2 instance ids, at most `max` of them. */
export function instanceIdsSchema(max: number) {
  return {
    type: 'array',
    minItems: 1,
    maxItems: max,
    uniqueItems: true,
    items: instanceIdSchema,
  } as const satisfies JSONSchema;
}

/** A map of string labels or values (tags, CloudWatch dimensions). */
export const stringMapSchema = {
  type: 'object',
  additionalProperties: { type: 'string' },
} as const satisfies JSONSchema;

/** The states an EC2 instance can be in. */
export const instanceStateSchema = {
  enum: ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'],
} as const satisfies JSONSchema;

/** A reachability check's status, as DescribeInstanceStatus reports it. */
export const reachabilitySchema = {
  enum: ['ok', 'impaired', 'initializing', 'insufficient-data', 'not-applicable'],
} as const satisfies JSONSchema;

/** The state of an EC2 instance, before and after a state change. */
export const stateChangeSchema = {
  type: 'object',
  required: ['instanceId', 'previousState', 'currentState'],
  properties: {
    instanceId: { type: 'string' },
    previousState: instanceStateSchema,
    currentState: instanceStateSchema,
  },
} as const satisfies JSONSchema;

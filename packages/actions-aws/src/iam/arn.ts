import type { IamStatement } from '@firstline/core';
import type { AwsClients } from '../clients/createAwsClients.js';

/** The AWS partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`…); `aws` for `*` or unknown. */
export function partitionOf(region: string | undefined): string {
  if (!region || region === '*') return 'aws';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** Where an ARN points: the region (or `*`) and account (or `*`) `permissions()` writes into it. */
export interface ArnScope {
  /** Region code, or `*` when the step's region is only known at run time. */
  region: string;
  /** Account id, or `*` when the factory was not told it. */
  account: string;
  /** The partition of `region`. */
  partition: string;
}

/**
 * The scope of the ARNs in one action's `permissions(input)`: the step's region, then the factory's,
 * then the environment's, else `*`; a region that is still a template (`{{ inputs.region }}`) is `*` too.
 */
export function arnScope(aws: AwsClients, region: string | undefined): ArnScope {
  const known = aws.regionOf(region);
  const resolved = known && !known.includes('{{') ? known : '*';
  return { region: resolved, account: aws.options.accountId ?? '*', partition: partitionOf(resolved) };
}

/** `arn:<partition>:ec2:<region>:<account>:instance/<id>`. */
export function instanceArn(scope: ArnScope, instanceId: string): string {
  return `arn:${scope.partition}:ec2:${scope.region}:${scope.account}:instance/${instanceId}`;
}

/** One Allow statement; a single resource stays a string, as IAM policies are usually written. */
export function allow(actions: string[], resource: string | string[]): IamStatement {
  const resources = Array.isArray(resource) ? [...new Set(resource)] : [resource];
  return { Effect: 'Allow', Action: actions, Resource: resources.length === 1 ? resources[0]! : resources };
}

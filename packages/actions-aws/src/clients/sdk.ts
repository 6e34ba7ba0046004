/**
 * The AWS SDK's service modules, each imported on first use and then shared. Nothing in this package
 * imports an SDK module at load time, so reading a playbook (`validate`, `simulate`, `graph`…) with
 * the AWS actions installed never pays the SDK's start-up cost.
 */
import type * as AutoScaling from '@aws-sdk/client-auto-scaling';
import type * as CloudWatch from '@aws-sdk/client-cloudwatch';
import type * as Ec2 from '@aws-sdk/client-ec2';
import type * as Route53 from '@aws-sdk/client-route-53';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type * as Ssm from '@aws-sdk/client-ssm';

/** A module loader that imports once and hands every caller the same promise. */
function lazily<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}

/** `@aws-sdk/client-ec2`, loaded on first use. */
export const ec2Sdk: () => Promise<typeof Ec2> = lazily(() => import('@aws-sdk/client-ec2'));
/** `@aws-sdk/client-route-53`, loaded on first use. */
export const route53Sdk: () => Promise<typeof Route53> = lazily(() => import('@aws-sdk/client-route-53'));
/** `@aws-sdk/client-ssm`, loaded on first use. */
export const ssmSdk: () => Promise<typeof Ssm> = lazily(() => import('@aws-sdk/client-ssm'));
/** `@aws-sdk/client-cloudwatch`, loaded on first use. */
export const cloudWatchSdk: () => Promise<typeof CloudWatch> = lazily(
  () => import('@aws-sdk/client-cloudwatch'),
);
/** `@aws-sdk/client-auto-scaling`, loaded on first use. */
export const autoScalingSdk: () => Promise<typeof AutoScaling> = lazily(
  () => import('@aws-sdk/client-auto-scaling'),
);
/** `@aws-sdk/client-secrets-manager`, loaded on first use. */
export const secretsManagerSdk: () => Promise<typeof SecretsManager> = lazily(
  () => import('@aws-sdk/client-secrets-manager'),
);

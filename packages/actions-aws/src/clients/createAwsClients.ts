import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client, EC2ClientConfig } from '@aws-sdk/client-ec2';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ActionError } from '@firstline/core';
import { autoScalingSdk, cloudWatchSdk, ec2Sdk, route53Sdk, secretsManagerSdk, ssmSdk } from './sdk.js';
import type { CallPolicy } from './toActionError.js';

/** Credentials for the AWS clients: fixed keys or a provider; the SDK's default chain when absent. */
export type AwsCredentials = NonNullable<EC2ClientConfig['credentials']>;

/** A pre-built client used for every region, or a function building the client for a region. */
export type ClientOverride<C> = C | ((region: string) => C);

/** Pre-built clients to use instead of building them (tests, or a Lambda sharing its own). */
export interface AwsClientOverrides {
  /** EC2 (instances, status checks, state changes). */
  ec2?: ClientOverride<EC2Client>;
  /** Route 53 (health checks); a global service, always called in us-east-1. */
  route53?: ClientOverride<Route53Client>;
  /** Systems Manager (Run Command, Automation, Parameter Store). */
  ssm?: ClientOverride<SSMClient>;
  /** CloudWatch (alarms, metrics). */
  cloudWatch?: ClientOverride<CloudWatchClient>;
  /** EC2 Auto Scaling. */
  autoScaling?: ClientOverride<AutoScalingClient>;
  /** Secrets Manager (secret references). */
  secretsManager?: ClientOverride<SecretsManagerClient>;
}

/** How the AWS actions and secret resolvers reach AWS. Everything is optional: the SDK's defaults apply. */
export interface AwsOptions {
  /** Default region when a step gives none; then AWS_REGION, then AWS_DEFAULT_REGION. */
  region?: string;
  /** Credentials; the SDK's default provider chain (environment, SSO, instance/Lambda role…) when absent. */
  credentials?: AwsCredentials;
  /** Endpoint for every service (moto, LocalStack, a VPC endpoint). */
  endpoint?: string;
  /**
   * Attempts per API call, retries included (SDK default 3), for every call safe to repeat: the SDK is
   * then the one layer that retries them, and a failure reaching a step is final for its `retry:`.
   * 1 hands retrying to the steps' `retry:` instead (visible in the trace, on the run's clock). Calls
   * that must not run twice (RebootInstances, SendCommand) always make one attempt. With `clients`,
   * say here what the injected clients do.
   */
  maxAttempts?: number;
  /** The SDK's retry mode; `adaptive` (the default here) also rate-limits the client when AWS throttles. */
  retryMode?: 'adaptive' | 'standard' | 'legacy';
  /** Account id used in the ARNs of `permissions()`; `*` when absent. */
  accountId?: string;
  /** Clients to use instead of building them. */
  clients?: AwsClientOverrides;
  /** Where AWS_REGION / AWS_DEFAULT_REGION are read (default `process.env`, read at call time). */
  env?: Record<string, string | undefined>;
}

/**
 * The AWS clients of one factory call: built lazily, once per (service, region), then reused. Each
 * getter is async because the SDK module itself is imported on first use (see `sdk.ts`).
 */
export interface AwsClients {
  /** The options the clients were made from. */
  readonly options: AwsOptions;
  /** The region a call uses: the step's, then the options', then the environment's; undefined when none. */
  regionOf(explicit?: string): string | undefined;
  /** Like {@link AwsClients.regionOf}, but throws a clear, non-retryable ActionError for `actionId` when there is none. */
  requireRegion(actionId: string, explicit?: string): string;
  /** True when the SDK retries calls safe to repeat (`maxAttempts` absent or above 1). */
  readonly sdkRetries: boolean;
  /**
   * The retry policy of a call for `callAws`: the SDK's retries for calls safe to repeat; `'once'`
   * for a call without a client token that must not run twice (sent with the `once` client).
   */
  policy(calls?: 'once'): CallPolicy;
  /** The EC2 client for `region`; `once`: one that never retries (for RebootInstances). */
  ec2(region: string, once?: 'once'): Promise<EC2Client>;
  /** The Route 53 client (us-east-1: Route 53's control plane is global). */
  route53(): Promise<Route53Client>;
  /** The SSM client for `region`; `once`: one that never retries (for SendCommand). */
  ssm(region: string, once?: 'once'): Promise<SSMClient>;
  /** The CloudWatch client for `region`. */
  cloudWatch(region: string): Promise<CloudWatchClient>;
  /** The Auto Scaling client for `region`. */
  autoScaling(region: string): Promise<AutoScalingClient>;
  /** The Secrets Manager client for `region`. */
  secretsManager(region: string): Promise<SecretsManagerClient>;
}

/** The region Route 53's API lives in. */
export const ROUTE53_REGION = 'us-east-1';

interface BaseConfig {
  region: string;
  credentials?: AwsCredentials;
  endpoint?: string;
  maxAttempts?: number;
  retryMode: string;
}

/**
 * Makes the client cache one factory call shares. Clients are created on first use, so a playbook
 * that only reads alarms never loads credentials for EC2, and a warm Lambda reuses every connection.
 */
export function createAwsClients(options: AwsOptions = {}): AwsClients {
  const cache = new Map<string, unknown>();
  const regionOf = (explicit?: string): string | undefined => {
    const env = options.env ?? process.env;
    return explicit || options.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  };

  const sdkRetries = options.maxAttempts === undefined || options.maxAttempts > 1;

  function client<C>(
    service: keyof AwsClientOverrides,
    region: string,
    build: (config: BaseConfig) => C,
    once?: 'once',
  ): C {
    const key = `${service}:${region}${once ? ':once' : ''}`;
    const cached = cache.get(key) as C | undefined;
    if (cached) return cached;
    const override = options.clients?.[service] as ClientOverride<C> | undefined;
    const made =
      override === undefined
        ? build({
            region,
            retryMode: options.retryMode ?? 'adaptive',
            ...(options.credentials && { credentials: options.credentials }),
            ...(options.endpoint && { endpoint: options.endpoint }),
            ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
            // A call that must not run twice gets no SDK retries: a 500 may mean it was done.
            ...(once && { maxAttempts: 1 }),
          })
        : typeof override === 'function'
          ? (override as (region: string) => C)(region)
          : override;
    cache.set(key, made);
    return made;
  }

  return {
    options,
    regionOf,
    requireRegion(actionId, explicit) {
      const region = regionOf(explicit);
      if (region) return region;
      throw new ActionError(
        actionId,
        'no AWS region: set `region` in the step, pass awsActions({ region }), or set AWS_REGION',
        { retryable: false },
      );
    },
    sdkRetries,
    policy: (calls) => (calls === 'once' ? { once: true } : { sdkRetried: sdkRetries }),
    async ec2(region, once) {
      const { EC2Client } = await ec2Sdk();
      return client('ec2', region, (config) => new EC2Client(config), once);
    },
    async route53() {
      const { Route53Client } = await route53Sdk();
      return client('route53', ROUTE53_REGION, (config) => new Route53Client(config));
    },
    async ssm(region, once) {
      const { SSMClient } = await ssmSdk();
      return client('ssm', region, (config) => new SSMClient(config), once);
    },
    async cloudWatch(region) {
      const { CloudWatchClient } = await cloudWatchSdk();
      return client('cloudWatch', region, (config) => new CloudWatchClient(config));
    },
    async autoScaling(region) {
      const { AutoScalingClient } = await autoScalingSdk();
      return client('autoScaling', region, (config) => new AutoScalingClient(config));
    },
    async secretsManager(region) {
      const { SecretsManagerClient } = await secretsManagerSdk();
      return client('secretsManager', region, (config) => new SecretsManagerClient(config));
    },
  };
}

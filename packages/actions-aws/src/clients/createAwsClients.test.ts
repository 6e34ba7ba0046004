import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from './createAwsClients.js';

describe('createAwsClients', () => {
  it('picks the region: step, then options, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    const env = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' };
    expect(createAwsClients({ region: 'us-west-2', env }).regionOf('ap-south-1')).toBe('ap-south-1');
    expect(createAwsClients({ region: 'us-west-2', env }).regionOf()).toBe('us-west-2');
    expect(createAwsClients({ env }).regionOf()).toBe('eu-west-1');
    expect(createAwsClients({ env: { AWS_DEFAULT_REGION: 'eu-west-2' } }).regionOf()).toBe('eu-west-2');
    expect(createAwsClients({ env: {} }).regionOf()).toBeUndefined();
  });

  it('without any region, requireRegion says where to set one, not retryable', () => {
    const aws = createAwsClients({ env: {} });
    expect(() => aws.requireRegion('aws.ec2.reboot')).toThrow(
      'aws.ec2.reboot: no AWS region: set `region` in the step, pass awsActions({ region }), or set AWS_REGION',
    );
  });

  it('creates one client per service and region, and reuses it', async () => {
    const aws = createAwsClients({ env: {}, maxAttempts: 2 });
    const east = await aws.ec2('us-east-1');
    expect(await aws.ec2('us-east-1')).toBe(east);
    expect(await aws.ec2('eu-west-1')).not.toBe(east);
    expect(await east.config.region()).toBe('us-east-1');
    expect(await east.config.maxAttempts()).toBe(2);
    expect(east.config.retryMode).toBe('adaptive');
    // Route 53 is global: one client, in us-east-1.
    expect(await (await aws.route53()).config.region()).toBe('us-east-1');
  });

  it('uses injected clients: one instance for every region, or a function per region', async () => {
    const shared = new EC2Client({ region: 'us-east-1' });
    expect(await createAwsClients({ clients: { ec2: shared } }).ec2('eu-west-1')).toBe(shared);
    const built: string[] = [];
    const aws = createAwsClients({
      clients: { ec2: (region) => (built.push(region), new EC2Client({ region })) },
    });
    await aws.ec2('eu-west-1');
    await aws.ec2('eu-west-1');
    await aws.ec2('us-west-2');
    expect(built).toEqual(['eu-west-1', 'us-west-2']);
  });
});

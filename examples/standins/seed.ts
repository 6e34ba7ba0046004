// Seeds moto (a local AWS stand-in) with what examples/playbooks/ec2-first-line.yaml looks at: one
// running EC2 instance and a Route 53 health check. Prints their ids. See docs/guides/local-standins.md.
//
//   moto_server -H 127.0.0.1 -p 5000 &
//   AWS_ENDPOINT_URL=http://127.0.0.1:5000 node --import tsx examples/standins/seed.ts
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';

/** The AMI moto knows by default (any id moto lists works). */
export const MOTO_AMI = 'ami-12c6146b';

/** What the seed created. */
export interface Seeded {
  instanceId: string;
  healthCheckId: string;
}

/**
 * Creates a running instance and a health check in the AWS endpoint `endpoint` (moto); credentials
 * are fake ones moto accepts, unless the environment has its own.
 */
export async function seed(endpoint: string, region = 'us-east-1'): Promise<Seeded> {
  const config = {
    endpoint,
    region,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'testing',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
    },
  };
  const ec2 = new EC2Client(config);
  const route53 = new Route53Client(config);
  try {
    const launched = await ec2.send(
      new RunInstancesCommand({
        ImageId: MOTO_AMI,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'firstline-demo' }] }],
      }),
    );
    const check = await route53.send(
      new CreateHealthCheckCommand({
        CallerReference: `firstline-demo-${Date.now()}`,
        HealthCheckConfig: { Type: 'HTTP', IPAddress: '192.0.2.10', Port: 80, ResourcePath: '/health' },
      }),
    );
    return { instanceId: launched.Instances![0]!.InstanceId!, healthCheckId: check.HealthCheck!.Id! };
  } finally {
    ec2.destroy();
    route53.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5000';
  const seeded = await seed(endpoint, process.env.AWS_REGION ?? 'us-east-1');
  console.log(`instanceId=${seeded.instanceId}`);
  console.log(`healthCheckId=${seeded.healthCheckId}`);
}

// Seeds moto (a local AWS stand-in) with what examples/playbooks/ec2-first-line.yaml looks at: one
// running EC2 instance, a Route 53 health check, and the instance's CPUUtilization (35%, one datapoint
// a minute for the next hour, so the playbook's `cpu` check has a value). Prints the ids.
// It then starts moto's request recorder, so `seed.ts --calls` can show what a run did (the reboot).
// See docs/guides/local-standins.md.
//
//   moto_server -H 127.0.0.1 -p 5000 &
//   AWS_ENDPOINT_URL=http://127.0.0.1:5000 node --import tsx examples/standins/seed.ts
//   AWS_ENDPOINT_URL=http://127.0.0.1:5000 node --import tsx examples/standins/seed.ts --calls
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';

/** The AMI moto knows by default (any id moto lists works). */
export const MOTO_AMI = 'ami-12c6146b';

/** What the seed created. */
export interface Seeded {
  instanceId: string;
  healthCheckId: string;
}

/** The CPU the seed reports for the instance: under the playbook's 90% threshold. */
export const SEEDED_CPU = 35;

/**
 * Creates a running instance, a health check and an hour of CPU datapoints in the AWS endpoint
 * `endpoint` (moto); credentials are fake ones moto accepts, unless the environment has its own.
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
  const cloudwatch = new CloudWatchClient(config);
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
    const instanceId = launched.Instances![0]!.InstanceId!;
    // The check reads the newest datapoint of the last five minutes: one a minute for an hour from now
    // keeps it answering however long the guide's reader takes. (Only a stand-in accepts AWS/ data.)
    const now = Date.now();
    for (let minute = -5; minute < 60; minute += 20)
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/EC2',
          MetricData: Array.from({ length: 20 }, (_, i) => ({
            MetricName: 'CPUUtilization',
            Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
            Timestamp: new Date(now + (minute + i) * 60_000),
            Value: SEEDED_CPU,
            Unit: 'Percent' as const,
          })),
        }),
      );
    // From here on moto records every request (in a file in its working directory).
    await moto(endpoint, 'POST', 'start-recording');
    return { instanceId, healthCheckId: check.HealthCheck!.Id! };
  } finally {
    ec2.destroy();
    route53.destroy();
    cloudwatch.destroy();
  }
}

/**
 * The EC2 actions moto received since the seed, e.g. `RebootInstances i-0abc…`, read from its request
 * recorder (query-protocol bodies: `Action=RebootInstances&InstanceId.1=i-…`).
 */
export async function recordedEc2Calls(endpoint: string): Promise<string[]> {
  const lines = (await moto(endpoint, 'GET', 'download-recording')).split('\n').filter((l) => l.trim());
  const calls: string[] = [];
  for (const line of lines) {
    const request = JSON.parse(line) as { body?: string; body_encoded?: boolean };
    const body = request.body_encoded
      ? Buffer.from(request.body ?? '', 'base64').toString('utf8')
      : (request.body ?? '');
    if (!body.startsWith('Action=')) continue;
    const fields = new URLSearchParams(body);
    const ids = [...fields].filter(([key]) => key.startsWith('InstanceId.')).map(([, value]) => value);
    calls.push([fields.get('Action'), ...ids].join(' '));
  }
  return calls;
}

async function moto(endpoint: string, method: 'GET' | 'POST', action: string): Promise<string> {
  const response = await fetch(`${endpoint}/moto-api/recorder/${action}`, { method });
  if (!response.ok) throw new Error(`moto's recorder (${action}) answered ${response.status}`);
  return response.text();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5000';
  if (process.argv.includes('--calls')) {
    for (const call of await recordedEc2Calls(endpoint)) console.log(call);
  } else {
    const seeded = await seed(endpoint, process.env.AWS_REGION ?? 'us-east-1');
    console.log(`instanceId=${seeded.instanceId}`);
    console.log(`healthCheckId=${seeded.healthCheckId}`);
  }
}

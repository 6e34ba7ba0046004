// The contender the Firstline bundle's cold start is compared with (coldVsHandwritten.ts): the Lambda
// function one would write by hand for the same alarm, bundled the same way (scripts/bundle.mjs --split)
// with the same AWS SDK clients. It parses the EventBridge alarm event and makes the same first AWS call
// as Firstline: a conditional PutItem taking the run's lease in DynamoDB. The remediation clients are
// imported at start (their code loads with the module) and made on first use; handwritten-lean-handler.ts
// imports them on first use too.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';

const table = process.env.FIRSTLINE_TABLE ?? 'runs';
const alarm = process.env.FIRSTLINE_ALARM;
const dynamo = new DynamoDBClient({});

/** The remediation clients, made on first use (the hand-written remediation would call them next). */
export const clients = {
  ec2: () => new EC2Client({}),
  ssm: () => new SSMClient({}),
  cloudWatch: () => new CloudWatchClient({}),
  route53: () => new Route53Client({}),
  autoScaling: () => new AutoScalingClient({}),
  secretsManager: () => new SecretsManagerClient({}),
};

interface AlarmEvent {
  id: string;
  detail?: {
    alarmName?: string;
    state?: { value?: string };
    configuration?: {
      metrics?: Array<{ metricStat?: { metric?: { dimensions?: Record<string, string> } } }>;
    };
  };
}

/** Takes the lease for the alarmed instance's run; the remediation would follow. */
export async function handler(event: AlarmEvent): Promise<{ runId?: string; ignored?: string }> {
  const detail = event.detail;
  if (!detail?.alarmName || detail.state?.value !== 'ALARM') return { ignored: 'state' };
  if (alarm && detail.alarmName !== alarm) return { ignored: 'unrouted' };
  const instanceId = detail.configuration?.metrics?.[0]?.metricStat?.metric?.dimensions?.InstanceId;
  if (!instanceId) throw new Error('the alarm has no InstanceId dimension');
  const runId = `first-line-eb-${event.id}`;
  const now = Date.now();
  await dynamo.send(
    new PutItemCommand({
      TableName: table,
      Item: {
        pk: { S: `run#${runId}` },
        sk: { S: 'lease' },
        owner: { S: `handwritten:${process.pid}` },
        until: { N: String(now + 300_000) },
        instanceId: { S: instanceId },
      },
      ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: { ':now': { N: String(now) } },
    }),
  );
  return { runId };
}

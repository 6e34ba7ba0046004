// The lean contender of coldVsHandwritten.ts: handwritten-handler.ts with its remediation clients
// imported on first use (a dynamic import each, a chunk of its split bundle), as the Firstline bundle
// loads its actions' clients. At start it parses only the DynamoDB client: the least a hand-written
// function for this alarm parses before its first request (the same conditional PutItem of the lease).
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

const table = process.env.FIRSTLINE_TABLE ?? 'runs';
const alarm = process.env.FIRSTLINE_ALARM;
const dynamo = new DynamoDBClient({});

/** The remediation clients, imported and made on first use (the hand-written remediation would call them next). */
export const clients = {
  ec2: async () => new (await import('@aws-sdk/client-ec2')).EC2Client({}),
  ssm: async () => new (await import('@aws-sdk/client-ssm')).SSMClient({}),
  cloudWatch: async () => new (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient({}),
  route53: async () => new (await import('@aws-sdk/client-route-53')).Route53Client({}),
  autoScaling: async () => new (await import('@aws-sdk/client-auto-scaling')).AutoScalingClient({}),
  secretsManager: async () => new (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient({}),
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

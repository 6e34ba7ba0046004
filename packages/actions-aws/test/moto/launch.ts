// Launches an EC2 instance in a moto_server with the real SDK: for tests outside this package (the
// CLI's subprocess end-to-end test) that have no AWS SDK dependency of their own.
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { sdkConfig } from '../support.js';

/** A running instance in moto, and how to read its state back. */
export interface LaunchedInstance {
  instanceId: string;
  /** The instance's state name as moto reports it now. */
  state(): Promise<string | undefined>;
  /** Closes the client's connections. */
  close(): void;
}

/** Launches one instance in moto at `endpoint` (us-east-1), with `tags` when given. */
export async function launchInstance(
  endpoint: string,
  tags: Record<string, string> = {},
): Promise<LaunchedInstance> {
  const ec2 = new EC2Client(sdkConfig(endpoint));
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      ...(Tags.length > 0 && { TagSpecifications: [{ ResourceType: 'instance', Tags }] }),
    }),
  );
  const instanceId = out.Instances![0]!.InstanceId!;
  return {
    instanceId,
    state: async () => {
      const found = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
      return found.Reservations?.[0]?.Instances?.[0]?.State?.Name;
    },
    close: () => ec2.destroy(),
  };
}

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

/** Launches one instance in moto at `endpoint` (us-east-1). */
export async function launchInstance(endpoint: string): Promise<LaunchedInstance> {
  const ec2 = new EC2Client(sdkConfig(endpoint));
  const out = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }));
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

import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingInstancesCommand,
} from '@aws-sdk/client-auto-scaling';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand } from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';

/**
 * Creates, on moto, a launch template `<name>` and an Auto Scaling group `<name>-asg` of one instance in
 * us-east-1a, and returns that instance's id: what a definition marking an instance Unhealthy acts on.
 */
export async function createOneInstanceGroup(
  ec2: EC2Client,
  autoScaling: AutoScalingClient,
  name: string,
): Promise<string> {
  await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
    }),
  );
  await autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: `${name}-asg`,
      LaunchTemplate: { LaunchTemplateName: name },
      MinSize: 1,
      MaxSize: 1,
      DesiredCapacity: 1,
      AvailabilityZones: ['us-east-1a'],
    }),
  );
  const members = await autoScaling.send(new DescribeAutoScalingInstancesCommand({}));
  return members.AutoScalingInstances!.find((i) => i.AutoScalingGroupName === `${name}-asg`)!.InstanceId!;
}

import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingInstancesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateLaunchTemplateCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, describe, expect, it } from 'vitest';
import { awsActions } from '../../src/index.js';
import { motoOptions, runStep, sdkConfig } from '../support.js';

// Route 53, CloudWatch and Auto Scaling actions against a real moto_server, through the engine.

/** Route 53, CloudWatch and Auto Scaling actions against moto, through the engine. */
export function servicesSuite(url: string): void {
  describe('Route 53, CloudWatch and Auto Scaling actions against moto', () => {
    const route53 = new Route53Client(sdkConfig(url));
    const cloudWatch = new CloudWatchClient(sdkConfig(url));
    const ec2 = new EC2Client(sdkConfig(url));
    const autoScaling = new AutoScalingClient(sdkConfig(url));
    const actions = awsActions(motoOptions(url));
    afterAll(() => {
      for (const client of [route53, cloudWatch, ec2, autoScaling]) client.destroy();
    });

    it('aws.route53.healthCheckStatus reads the checkers and passes when enough are healthy', async () => {
      const created = await route53.send(
        new CreateHealthCheckCommand({
          CallerReference: 'firstline-test-1',
          HealthCheckConfig: {
            Type: 'HTTPS',
            FullyQualifiedDomainName: 'app.example.com',
            ResourcePath: '/health',
          },
        }),
      );
      const id = created.HealthCheck!.Id!;
      const result = await runStep(actions, 'aws.route53.healthCheckStatus', { healthCheckId: id });
      expect(result.steps.step?.outcome).toBe('pass');
      expect(result.output.step).toMatchObject({
        healthy: true,
        healthyCheckers: 1,
        checkers: 1,
        observations: [{ status: expect.stringMatching(/^Success/) as unknown }],
      });
    });

    it('aws.route53.healthCheckStatus names NoSuchHealthCheck for an unknown id', async () => {
      const result = await runStep(actions, 'aws.route53.healthCheckStatus', {
        healthCheckId: '00000000-0000-0000-0000-000000000000',
      });
      expect(result.steps.step?.outcome).toBe('error');
      expect(result.steps.step?.error).toBe(
        'aws.route53.healthCheckStatus: route53:GetHealthCheckStatus failed: NoSuchHealthCheck: A health check with id 00000000-0000-0000-0000-000000000000 does not exist. [HTTP 404]',
      );
    });

    it('aws.cloudwatch.alarmState and setAlarmState: read, flip to ALARM, read again', async () => {
      await cloudWatch.send(
        new PutMetricAlarmCommand({
          AlarmName: 'NetworkInAlarm',
          Namespace: 'AWS/EC2',
          MetricName: 'NetworkIn',
          Dimensions: [{ Name: 'InstanceId', Value: 'i-0abc1234def567890' }],
          Statistic: 'Average',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1_000_000,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      );
      const before = await runStep(actions, 'aws.cloudwatch.alarmState', { alarmName: 'NetworkInAlarm' });
      expect(before.output.step).toMatchObject({ alarmName: 'NetworkInAlarm', state: 'OK' });

      const set = await runStep(actions, 'aws.cloudwatch.setAlarmState', {
        alarmName: 'NetworkInAlarm',
        state: 'ALARM',
        reason: 'testing the alarm actions',
        reasonData: { by: 'firstline' },
      });
      expect(set.output.step).toEqual({ alarmName: 'NetworkInAlarm', state: 'ALARM' });
      const stored = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['NetworkInAlarm'] }));
      expect(stored.MetricAlarms?.[0]).toMatchObject({
        StateValue: 'ALARM',
        StateReason: 'testing the alarm actions',
        StateReasonData: '{"by":"firstline"}',
      });

      const after = await runStep(
        actions,
        'aws.cloudwatch.alarmState',
        { alarmName: 'NetworkInAlarm' },
        { expect: "output.state = 'ALARM'" },
      );
      expect(after.steps.step).toMatchObject({
        outcome: 'pass',
        output: { reason: 'testing the alarm actions' },
      });
    });

    it('aws.cloudwatch.alarmState fails clearly for an alarm that does not exist; setAlarmState plans against it', async () => {
      const missing = await runStep(actions, 'aws.cloudwatch.alarmState', { alarmName: 'NoSuchAlarm' });
      expect(missing.steps.step?.error).toContain('no alarm named "NoSuchAlarm" in us-east-1');
      expect(missing.steps.step?.outcome).toBe('error');

      const shadow = await runStep(
        actions,
        'aws.cloudwatch.setAlarmState',
        { alarmName: 'NoSuchAlarm', state: 'OK' },
        { mode: 'shadow' },
      );
      expect(shadow.steps.step?.error).toContain('preflight refused: no alarm named "NoSuchAlarm"');
    });

    it('aws.cloudwatch.metric returns the newest datapoint of the statistic, judged by expect', async () => {
      const now = Date.now();
      const dims = [{ Name: 'InstanceId', Value: 'i-0abc1234def567890' }];
      await cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/EC2',
          MetricData: [
            {
              MetricName: 'CPUUtilization',
              Dimensions: dims,
              Timestamp: new Date(now - 180_000),
              Value: 97,
              Unit: 'Percent',
            },
            {
              MetricName: 'CPUUtilization',
              Dimensions: dims,
              Timestamp: new Date(now - 60_000),
              Value: 40,
              Unit: 'Percent',
            },
            {
              MetricName: 'CPUUtilization',
              Dimensions: dims,
              Timestamp: new Date(now - 60_000),
              Value: 60,
              Unit: 'Percent',
            },
          ],
        }),
      );
      const withCpu = (stat: string) => ({
        namespace: 'AWS/EC2',
        metric: 'CPUUtilization',
        dimensions: { InstanceId: 'i-0abc1234def567890' },
        stat,
        period: '1m',
      });
      const average = await runStep(actions, 'aws.cloudwatch.metric', withCpu('Average'), {
        expect: 'output.value < 90',
      });
      expect(average.steps.step?.outcome).toBe('pass');
      expect(average.output.step).toMatchObject({ value: 50, datapoints: 2 });
      const max = await runStep(actions, 'aws.cloudwatch.metric', { ...withCpu('Maximum'), window: '2m' });
      expect(max.output.step).toMatchObject({ value: 60, datapoints: 1 });

      const none = await runStep(actions, 'aws.cloudwatch.metric', {
        ...withCpu('Average'),
        dimensions: { InstanceId: 'i-0ffffffffffffffff' },
      });
      expect(none.output.step).toEqual({ value: null, timestamp: null, datapoints: 0 });
    });

    it('aws.autoscaling.setInstanceHealth marks a group member Unhealthy; plans name its group', async () => {
      await ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: 'web',
          LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
        }),
      );
      await autoScaling.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: 'web-asg',
          LaunchTemplate: { LaunchTemplateName: 'web' },
          MinSize: 1,
          MaxSize: 2,
          DesiredCapacity: 1,
          AvailabilityZones: ['us-east-1a'],
        }),
      );
      const members = await autoScaling.send(new DescribeAutoScalingInstancesCommand({}));
      const id = members.AutoScalingInstances![0]!.InstanceId!;

      const planned = await runStep(
        actions,
        'aws.autoscaling.setInstanceHealth',
        { instanceId: id, healthStatus: 'Unhealthy' },
        { mode: 'shadow' },
      );
      // AWS spells the status HEALTHY, moto Healthy.
      expect(planned.steps.step?.plan).toMatch(
        new RegExp(
          `^would mark ${id} Unhealthy \\(its group replaces it\\) \\(in group web-asg, now healthy and InService\\)$`,
          'i',
        ),
      );

      const result = await runStep(actions, 'aws.autoscaling.setInstanceHealth', {
        instanceId: id,
        healthStatus: 'Unhealthy',
        shouldRespectGracePeriod: false,
      });
      expect(result.output.step).toEqual({
        instanceId: id,
        healthStatus: 'Unhealthy',
        autoScalingGroupName: 'web-asg',
      });
      const after = await autoScaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [id] }));
      expect(after.AutoScalingInstances?.[0]?.HealthStatus?.toUpperCase()).toBe('UNHEALTHY');
    });

    it('aws.autoscaling.setInstanceHealth refuses an instance outside any group', async () => {
      const result = await runStep(actions, 'aws.autoscaling.setInstanceHealth', {
        instanceId: 'i-0aaaabbbbccccdddd',
        healthStatus: 'Unhealthy',
      });
      expect(result.steps.step?.error).toContain(
        'i-0aaaabbbbccccdddd is not in any Auto Scaling group in us-east-1',
      );
    });
  });
}

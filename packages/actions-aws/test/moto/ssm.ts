import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, describe, expect, it } from 'vitest';
import { awsActions } from '../../src/index.js';
import { motoOptions, runStep, sdkConfig } from '../support.js';

// SSM Run Command against a real moto_server. moto runs nothing (every invocation is Success, exit
// 0, no output), so failed commands and the Automation API it lacks are tested with client mocks.

/** SSM Run Command against moto. */
export function ssmSuite(url: string): void {
  describe('aws.ssm.runCommand against moto', () => {
    const ec2 = new EC2Client(sdkConfig(url));
    const ssm = new SSMClient(sdkConfig(url));
    const actions = awsActions(motoOptions(url));
    afterAll(() => {
      ec2.destroy();
      ssm.destroy();
    });

    it('sends AWS-RunShellScript to the instance and returns the invocation result', async () => {
      const out = await ec2.send(
        new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }),
      );
      const id = out.Instances![0]!.InstanceId!;

      const result = await runStep(actions, 'aws.ssm.runCommand', {
        instanceId: id,
        commands: ['systemctl restart nginx', 'systemctl is-active nginx'],
        workingDirectory: '/tmp',
        executionTimeout: '2m',
      });

      expect(result.steps.step?.outcome).toBe('pass');
      const output = result.output.step as { commandId: string };
      expect(output).toMatchObject({
        instanceId: id,
        status: 'Success',
        exitCode: 0,
        stdout: '',
        stderr: '',
      });
      // What moto received: the document, our parameters, our instance, and a comment naming the run.
      const sent = await ssm.send(new ListCommandsCommand({ CommandId: output.commandId }));
      expect(sent.Commands?.[0]).toMatchObject({
        DocumentName: 'AWS-RunShellScript',
        Parameters: {
          commands: ['systemctl restart nginx', 'systemctl is-active nginx'],
          executionTimeout: ['120'],
          workingDirectory: ['/tmp'],
        },
        Comment: expect.stringMatching(/^firstline .+ step$/) as unknown,
      });
      expect(sent.Commands?.[0]?.InstanceIds).toContain(id);
    });

    it('in shadow mode only plans, saying a retry would run the commands again', async () => {
      const result = await runStep(
        actions,
        'aws.ssm.runCommand',
        { instanceId: 'i-0abc1234def567890', commands: 'rm -f /var/tmp/core' },
        { mode: 'shadow' },
      );
      expect(result.steps.step?.plan).toBe(
        'would run 1 shell command on i-0abc1234def567890 with AWS-RunShellScript (SendCommand takes no client token: a retry runs them again)',
      );
      const sent = await ssm.send(new ListCommandsCommand({}));
      expect(sent.Commands).toEqual([]);
    });
  });
}

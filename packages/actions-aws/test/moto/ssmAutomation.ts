import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateDocumentCommand, ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { runPlaybook } from '@firstline/core';
import type { RunResult, TraceEvent } from '@firstline/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { awsActions, clientTokenFor } from '../../src/index.js';
import { motoOptions, sdkConfig } from '../support.js';
import { startSsmLookalike } from './ssmLookalike.js';
import type { LookalikeOptions, SsmLookalike } from './ssmLookalike.js';

// At most once on AWS: the real SDK client against moto behind a fault-injecting loopback proxy that
// also plays SSM Automation (moto 5.2.1 has none). An ambiguous failure (a 500 after the request was
// carried out) must not start a second execution nor run a script twice, and a step stopped while it
// waits must stop what it started, or say where it is still running.

const RUNBOOK = 'Firstline-RestartInstance';
const runbook = JSON.stringify({
  schemaVersion: '0.3',
  description: 'Restarts an instance (moto stores it; the look-alike runs nothing).',
  parameters: { InstanceId: { type: 'String' } },
  mainSteps: [
    {
      name: 'restart',
      action: 'aws:changeInstanceState',
      inputs: { InstanceIds: ['{{ InstanceId }}'], DesiredState: 'running' },
    },
  ],
});

/** One step of `action` with `retry: { attempts: 2, on: [5xx] }`, as the at-most-once tests run it. */
function retriedStep(action: string, withInput: Record<string, unknown>) {
  return {
    firstline: 1,
    name: 'at-most-once',
    steps: [{ id: 'fix', action, with: withInput, retry: { attempts: 2, delay: '1ms', on: ['5xx'] } }],
  };
}

/** The log lines of a run's trace, as they are now (lines logged after the run ended included). */
const logs = (result: RunResult) =>
  result.trace.filter((e): e is Extract<TraceEvent, { type: 'log' }> => e.type === 'log');

/** SSM Automation and Run Command through the look-alike proxy in front of moto. */
export function ssmAutomationSuite(url: string): void {
  describe('(SSM Automation look-alike in front of moto)', () => {
    const ssm = new SSMClient(sdkConfig(url));
    const ec2 = new EC2Client(sdkConfig(url));
    let proxy: SsmLookalike | undefined;
    afterAll(() => {
      ssm.destroy();
      ec2.destroy();
    });
    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
    });

    async function setup(options: LookalikeOptions = {}) {
      await ssm.send(
        new CreateDocumentCommand({ Name: RUNBOOK, Content: runbook, DocumentType: 'Automation' }),
      );
      proxy = await startSsmLookalike(url, options);
      return proxy;
    }
    const starts = (p: SsmLookalike) => p.requests.filter((r) => r.operation === 'StartAutomationExecution');
    const input = { document: RUNBOOK, parameters: { InstanceId: ['i-0abc1234def567890'] }, interval: '1ms' };

    it('a 500 after StartAutomationExecution was accepted: the SDK resends the same ClientToken, one execution starts (SSM Automation look-alike in front of moto)', async () => {
      const p = await setup({ finish: { afterPolls: 1, status: 'Success' } });
      p.failAfterAccept('StartAutomationExecution');
      // Clients that retry (SDK default, maxAttempts 3): the SDK is the layer that retries this call.
      const actions = awsActions(motoOptions(p.url, { maxAttempts: 3 }));
      const result = await runPlaybook(retriedStep('aws.ssm.startAutomation', input), { actions });

      expect(result.steps.fix).toMatchObject({ outcome: 'pass', attempts: 1 });
      expect(p.executions.size).toBe(1);
      const [execution] = [...p.executions.values()];
      expect(result.output.fix).toEqual({ executionId: execution!.id, status: 'Success' });
      expect(starts(p).map((r) => [r.status, r.headers['amz-sdk-request']])).toEqual([
        [500, 'attempt=1; max=3'],
        [200, 'attempt=2; max=3'],
      ]);
      const token = clientTokenFor(`${result.runId}:fix:1`);
      expect(starts(p).map((r) => r.body.ClientToken)).toEqual([token, token]);
      expect(execution!.clientToken).toBe(token);
    });

    it("a 500 after StartAutomationExecution was accepted: with one SDK attempt the step's retry resends the same ClientToken, one execution starts (SSM Automation look-alike in front of moto)", async () => {
      const p = await setup({ finish: { afterPolls: 1, status: 'Success' } });
      p.failAfterAccept('StartAutomationExecution');
      const actions = awsActions(motoOptions(p.url, { maxAttempts: 1 }));
      const result = await runPlaybook(retriedStep('aws.ssm.startAutomation', input), { actions });

      expect(result.steps.fix).toMatchObject({ outcome: 'pass', attempts: 2 });
      const failed = result.trace.find((e) => e.type === 'attempt.end' && e.attempt === 1);
      expect(failed).toMatchObject({
        outcome: 'error',
        error:
          'aws.ssm.startAutomation: ssm:StartAutomationExecution failed: InternalServerError: An internal error occurred (injected after the request was carried out). [HTTP 500]',
      });
      expect(p.executions.size).toBe(1);
      const token = clientTokenFor(`${result.runId}:fix:1`);
      expect(starts(p).map((r) => [r.status, r.body.ClientToken])).toEqual([
        [500, token],
        [200, token],
      ]);
    });

    it('a runbook that does not exist is `error` with its AWS code, not retried (SSM Automation look-alike in front of moto)', async () => {
      const p = await setup();
      const actions = awsActions(motoOptions(p.url));
      const result = await runPlaybook(
        retriedStep('aws.ssm.startAutomation', { ...input, document: 'No-Such-Runbook' }),
        { actions },
      );
      expect(result.steps.fix).toMatchObject({ outcome: 'error', attempts: 1 });
      expect(result.steps.fix?.error).toBe(
        'aws.ssm.startAutomation: ssm:StartAutomationExecution failed: AutomationDefinitionNotFoundException: Document with name No-Such-Runbook does not exist. [HTTP 400]',
      );
      expect(p.executions.size).toBe(0);
    });

    it('a runbook that ends Failed is the verdict `fail` (SSM Automation look-alike in front of moto)', async () => {
      const p = await setup({ finish: { afterPolls: 2, status: 'Failed' } });
      const result = await runPlaybook(retriedStep('aws.ssm.startAutomation', input), {
        actions: awsActions(motoOptions(p.url)),
      });
      const [execution] = [...p.executions.values()];
      expect(result.steps.fix).toMatchObject({ outcome: 'fail', attempts: 1 });
      expect(result.steps.fix?.error).toBe(
        `aws.ssm.startAutomation: automation ${RUNBOOK} (${execution!.id}) ended Failed: Step fails when it is Executing. Fake failure.`,
      );
    });

    it('with onAbort: stop a cancelled run stops its automation and says so, naming it (SSM Automation look-alike in front of moto)', async () => {
      const cancel = new AbortController();
      const p = await setup({ onRequest: (op) => op === 'GetAutomationExecution' && cancel.abort() });
      const actions = awsActions(motoOptions(p.url));
      const run = (onAbort?: 'stop') =>
        runPlaybook(
          {
            firstline: 1,
            name: 'cancelled',
            steps: [
              {
                id: 'fix',
                action: 'aws.ssm.startAutomation',
                with: { ...input, ...(onAbort && { onAbort }) },
              },
            ],
          },
          { actions, signal: cancel.signal },
        );

      const stopped = await run('stop');
      expect(stopped.outcome).toBe('cancelled');
      const [execution] = [...p.executions.values()];
      const what = `automation ${RUNBOOK} (${execution!.id}) in us-east-1`;
      // The id is in the trace before the wait, and what became of it once the stop was answered.
      expect(logs(stopped)[0]).toMatchObject({ level: 'info', step: 'fix', message: `started ${what}` });
      await expect
        .poll(() => logs(stopped).at(-1)?.message)
        .toBe(`${what}: stopped when the step was (ssm:StopAutomationExecution)`);
      expect(p.requests.filter((r) => r.operation === 'StopAutomationExecution').map((r) => r.body)).toEqual([
        { AutomationExecutionId: execution!.id, Type: 'Cancel' },
      ]);
      expect(execution!.status).toBe('Cancelled');
    });

    it('by default a cancelled run leaves its automation running and says so, with its id and region (SSM Automation look-alike in front of moto)', async () => {
      const cancel = new AbortController();
      const p = await setup({ onRequest: (op) => op === 'GetAutomationExecution' && cancel.abort() });
      const left = await runPlaybook(
        {
          firstline: 1,
          name: 'cancelled',
          steps: [{ id: 'fix', action: 'aws.ssm.startAutomation', with: input }],
        },
        { actions: awsActions(motoOptions(p.url)), signal: cancel.signal },
      );
      expect(left.outcome).toBe('cancelled');
      const [execution] = [...p.executions.values()];
      await expect
        .poll(() => logs(left).at(-1))
        .toMatchObject({
          level: 'warn',
          message: `automation ${RUNBOOK} (${execution!.id}) in us-east-1 is left running (onAbort: leave); look at it there`,
        });
      expect(p.requests.some((r) => r.operation === 'StopAutomationExecution')).toBe(false);
      expect(execution!.status).toBe('InProgress');
    });

    it('a 500 after SendCommand was accepted is never resent: the script runs once (SSM look-alike in front of moto)', async () => {
      const p = await setup();
      p.failAfterAccept('SendCommand');
      const launched = await ec2.send(
        new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }),
      );
      const instanceId = launched.Instances![0]!.InstanceId!;
      // Even with SDK retries configured, SendCommand goes through a client that makes one attempt.
      const actions = awsActions(motoOptions(p.url, { maxAttempts: 3 }));
      const result = await runPlaybook(
        retriedStep('aws.ssm.runCommand', { instanceId, commands: 'systemctl restart nginx' }),
        { actions },
      );
      expect(result.steps.fix).toMatchObject({ outcome: 'error', attempts: 1 });
      expect(result.steps.fix?.error).toContain(
        '[HTTP 500]; AWS may have carried it out, so it is not retried: look before repeating it',
      );
      expect(p.requests.filter((r) => r.operation === 'SendCommand')).toHaveLength(1);
      const sent = await ssm.send(new ListCommandsCommand({ InstanceId: instanceId }));
      expect(sent.Commands).toHaveLength(1);
    });

    it('a run cancelled while its command runs sends CancelCommand; moto lacks it, so the trace says where it may still run (SSM look-alike in front of moto)', async () => {
      const cancel = new AbortController();
      const p = await setup({
        holdCommands: true,
        onRequest: (op) => op === 'GetCommandInvocation' && cancel.abort(),
      });
      const launched = await ec2.send(
        new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }),
      );
      const instanceId = launched.Instances![0]!.InstanceId!;
      const result = await runPlaybook(
        {
          firstline: 1,
          name: 'cancelled-command',
          steps: [
            {
              id: 'fix',
              action: 'aws.ssm.runCommand',
              with: { instanceId, commands: 'sleep 600', interval: '1ms' },
            },
          ],
        },
        { actions: awsActions(motoOptions(p.url)), signal: cancel.signal },
      );
      expect(result.outcome).toBe('cancelled');
      const listed = await ssm.send(new ListCommandsCommand({ InstanceId: instanceId }));
      const commandId = listed.Commands![0]!.CommandId!;
      const what = `SSM command ${commandId} on ${instanceId} in us-east-1`;
      expect(logs(result)[0]).toMatchObject({
        message: `sent ${what}`,
        fields: { commandId, instanceId, region: 'us-east-1' },
      });
      await expect
        .poll(() => logs(result).at(-1))
        .toMatchObject({
          level: 'error',
          message: expect.stringMatching(
            new RegExp(
              `^${what} may still be running: stopping it failed \\(aws\\.ssm\\.runCommand: ssm:CancelCommand failed: .*\\[HTTP 500\\]\\); look at it there$`,
            ),
          ) as unknown,
        });
      expect(
        p.requests.filter((r) => r.operation === 'CancelCommand').map((r) => [r.body, r.status]),
      ).toEqual([[{ CommandId: commandId, InstanceIds: [instanceId] }, 500]]);
    });
  });
}

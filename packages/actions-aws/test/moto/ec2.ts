import {
  CreateTagsCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { runPlaybook } from '@firstline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { awsActions } from '../../src/index.js';
import { motoOptions, runStep, sdkConfig } from '../support.js';

// EC2 actions against a real moto_server, each run through the engine. moto's first EC2 call loads
// the service (~1.4 s), hence the generous timeouts.

/** EC2 actions against moto, each run through the engine. */
export function ec2Suite(url: string): void {
  describe('EC2 actions against moto', () => {
    const ec2 = new EC2Client(sdkConfig(url));
    const actions = awsActions(motoOptions(url));
    afterAll(() => ec2.destroy());

    async function launch(tags: Record<string, string> = {}, count = 1): Promise<string[]> {
      const out = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          InstanceType: 't3.micro',
          MinCount: count,
          MaxCount: count,
          ...(Object.keys(tags).length > 0 && {
            TagSpecifications: [
              {
                ResourceType: 'instance',
                Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
              },
            ],
          }),
        }),
      );
      return (out.Instances ?? []).map((i) => i.InstanceId!);
    }

    it('aws.ec2.describe finds the one running instance tagged kind=object4', async () => {
      const [target] = await launch({ kind: 'object4', team: 'storage' });
      await launch({ kind: 'object5' });
      const [stopped] = await launch({ kind: 'object4' });
      await ec2.send(new StopInstancesCommand({ InstanceIds: [stopped!] }));

      const result = await runStep(
        actions,
        'aws.ec2.describe',
        { tags: { kind: 'object4' }, states: ['running'] },
        { expect: 'output.count = 1' },
      );

      expect(result.steps.step?.outcome).toBe('pass');
      const output = result.output.step as { count: number; truncated: boolean; instances: unknown[] };
      expect(output.count).toBe(1);
      expect(output.truncated).toBe(false);
      expect(output.instances[0]).toMatchObject({
        instanceId: target,
        state: 'running',
        instanceType: 't3.micro',
        tags: { kind: 'object4', team: 'storage' },
      });
      expect(output.instances[0]).toHaveProperty(
        'privateIpAddress',
        expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
      );
      expect(output.instances[0]).toHaveProperty('launchTime', expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    });

    it('aws.ec2.describe follows every page (6 reservations, 5 per page) and honours limit', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(...(await launch({ fleet: 'web' })));
      await launch({ fleet: 'db' });

      const all = await runStep(actions, 'aws.ec2.describe', { tags: { fleet: 'web' }, pageSize: 5 });
      const output = all.output.step as { count: number; instances: Array<{ instanceId: string }> };
      expect(output.count).toBe(6);
      expect(output.instances.map((i) => i.instanceId).sort()).toEqual([...ids].sort());

      const capped = await runStep(actions, 'aws.ec2.describe', { tags: { fleet: ['web', 'db'] }, limit: 4 });
      expect(capped.output.step).toMatchObject({ count: 4, truncated: true });
    });

    it('aws.ec2.describe by id reports an unknown id with its AWS code, not retried', async () => {
      await launch();
      const result = await runPlaybook(
        {
          firstline: 1,
          name: 'unknown-id',
          steps: [
            {
              id: 'step',
              action: 'aws.ec2.describe',
              with: { instanceIds: ['i-0123456789abcdef0'] },
              retry: { attempts: 3, delay: '1ms', on: ['error'] },
            },
          ],
        },
        { actions },
      );
      expect(result.outcome).toBe('failed');
      expect(result.steps.step).toMatchObject({ outcome: 'error', attempts: 1 });
      expect(result.steps.step?.error).toContain('ec2:DescribeInstances failed: InvalidInstanceID.NotFound');
    });

    it('aws.ec2.status passes for a running instance, fails (verdict) for a stopped one, errors for an unknown one', async () => {
      const [running, stopped] = await launch({}, 2);
      await ec2.send(new StopInstancesCommand({ InstanceIds: [stopped!] }));

      const ok = await runStep(actions, 'aws.ec2.status', { instanceId: running });
      expect(ok.steps.step?.outcome).toBe('pass');
      expect(ok.output.step).toEqual({
        instanceId: running,
        state: 'running',
        systemStatus: 'ok',
        instanceStatus: 'ok',
        healthy: true,
      });

      // The instance's own state is the verdict: `fail`, which `on: { fail: … }` routes.
      const bad = await runStep(actions, 'aws.ec2.status', { instanceId: stopped });
      expect(bad.steps.step?.outcome).toBe('fail');
      expect(bad.steps.step?.error).toContain(`${stopped} is unhealthy: state stopped`);

      // An id EC2 does not know leaves nothing to judge: `error`, with AWS's code in the message.
      const unknown = await runStep(actions, 'aws.ec2.status', { instanceId: 'i-0aaaabbbbccccdddd' });
      expect(unknown.steps.step?.outcome).toBe('error');
      expect(unknown.steps.step?.error).toMatch(
        /^aws\.ec2\.status: ec2:DescribeInstanceStatus failed: InvalidInstanceID\.NotFound: .*\[HTTP 400\]$/,
      );

      const reported = await runStep(
        actions,
        'aws.ec2.status',
        { instanceId: stopped, failWhenUnhealthy: false },
        { expect: 'output.healthy' },
      );
      expect(reported.steps.step?.outcome).toBe('fail');
      expect(reported.steps.step?.output).toMatchObject({ state: 'stopped', healthy: false });
    });

    it('stop → waitFor stopped → start → waitFor running and status-ok, live', async () => {
      const [id] = await launch({ kind: 'object4' });
      const result = await runPlaybook(
        {
          firstline: 1,
          name: 'cycle',
          inputs: { instanceId: { type: 'string' } },
          steps: [
            { id: 'stop', action: 'aws.ec2.stop', with: { instanceIds: ['{{ inputs.instanceId }}'] } },
            {
              id: 'stopped',
              action: 'aws.ec2.waitFor',
              with: { instanceIds: ['{{ inputs.instanceId }}'], state: 'stopped', interval: '1s' },
            },
            { id: 'start', action: 'aws.ec2.start', with: { instanceIds: ['{{ inputs.instanceId }}'] } },
            {
              id: 'running',
              action: 'aws.ec2.waitFor',
              with: { instanceIds: ['{{ inputs.instanceId }}'], state: 'running' },
            },
            {
              id: 'checks',
              action: 'aws.ec2.waitFor',
              with: { instanceIds: ['{{ inputs.instanceId }}'], state: 'status-ok' },
            },
          ],
        },
        { actions, input: { instanceId: id } },
      );
      expect(result.outcome).toBe('recovered');
      expect(result.output.stop).toEqual({
        instances: [{ instanceId: id, previousState: 'running', currentState: 'stopping' }],
      });
      expect(result.output.stopped).toMatchObject({ instanceIds: [id], state: 'stopped', polls: 1 });
      expect(result.output.start).toEqual({
        instances: [{ instanceId: id, previousState: 'stopped', currentState: 'pending' }],
      });
      expect(result.output.running).toMatchObject({ state: 'running', polls: 1 });
      expect(result.output.checks).toMatchObject({ state: 'status-ok', polls: 1 });
    });

    it('aws.ec2.waitFor fails (verdict) at once for an instance that can never get there', async () => {
      const [id] = await launch();
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
      const result = await runStep(actions, 'aws.ec2.waitFor', { instanceIds: [id], state: 'running' });
      expect(result.steps.step?.outcome).toBe('fail');
      expect(result.steps.step?.error).toContain(`${id} is terminated: it cannot become running`);
    });

    it('aws.ec2.waitFor errors, not fails, for an id EC2 never knew during its timeout', async () => {
      const result = await runStep(
        actions,
        'aws.ec2.waitFor',
        // A wait of 0s gives up after its first poll, without waiting (a virtual clock would run
        // ahead of moto's real answers).
        { instanceIds: ['i-0aaaabbbbccccdddd'], state: 'running', timeout: '0s' },
      );
      expect(result.steps.step?.outcome).toBe('error');
      expect(result.steps.step?.error).toBe(
        'aws.ec2.waitFor: not running after 0s (1 polls): EC2 does not know the instance (InvalidInstanceID.NotFound)',
      );
    });

    it('aws.ec2.reboot reboots a known instance and names InvalidInstanceID.NotFound for an unknown one', async () => {
      const [id] = await launch();
      const ok = await runStep(actions, 'aws.ec2.reboot', { instanceIds: [id] });
      expect(ok.output.step).toEqual({ rebooted: [id] });

      const missing = await runStep(actions, 'aws.ec2.reboot', { instanceIds: ['i-0aaaabbbbccccdddd'] });
      expect(missing.steps.step?.error).toMatch(
        /ec2:RebootInstances failed: InvalidInstanceID\.NotFound: .*i-0aaaabbbbccccdddd/,
      );
    });

    it('shadow mode: stop and start are planned through a DryRun preflight, nothing changes', async () => {
      const [id] = await launch();
      const result = await runPlaybook(
        {
          firstline: 1,
          name: 'shadow-stop',
          steps: [
            { id: 'stop', action: 'aws.ec2.stop', with: { instanceIds: [id], force: true } },
            { id: 'start', action: 'aws.ec2.start', with: { instanceIds: [id] } },
            { id: 'still', action: 'aws.ec2.describe', with: { instanceIds: [id] } },
          ],
        },
        { actions, mode: 'shadow' },
      );
      expect(result.steps.stop?.plan).toBe(`would stop ${id} (permission ok)`);
      expect(result.steps.start?.plan).toBe(`would start ${id} (permission ok)`);
      const plans = result.trace.filter((e) => e.type === 'plan');
      expect(plans[0]).toMatchObject({ changes: [{ resource: `${id} (us-east-1)`, change: 'stop' }] });
      // The probe ran for real: the instance is still running.
      expect(result.output.still).toMatchObject({ instances: [{ instanceId: id, state: 'running' }] });
    });

    it('uses the region of the step over the factory default (a second moto region)', async () => {
      const west = new EC2Client({ ...sdkConfig(url), region: 'eu-west-1' });
      const out = await west.send(
        new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }),
      );
      const id = out.Instances![0]!.InstanceId!;
      await west.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'kind', Value: 'west' }] }));
      west.destroy();

      const here = await runStep(actions, 'aws.ec2.describe', { tags: { kind: 'west' } });
      expect(here.output.step).toMatchObject({ count: 0 });
      const there = await runStep(actions, 'aws.ec2.describe', {
        tags: { kind: 'west' },
        region: 'eu-west-1',
      });
      expect(there.output.step).toMatchObject({ count: 1, instances: [{ instanceId: id }] });
    });
  });
}

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { EC2Client, RunInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { loadPlaybook, runPlaybook, validatePlaybook } from '@firstline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { awsActions, parseAlarmEvent } from '../../src/index.js';
import { motoOptions, recordingNotify, sdkConfig } from '../support.js';

// The complete first-line run (find by tag → status → reboot → waitFor → notify) against moto, live
// and in shadow mode, started by a parsed EventBridge alarm event.
const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);

/** The complete first-line run (find by tag → status → reboot → waitFor → notify) against moto, live and in shadow mode. */
export function playbookSuite(url: string): void {
  describe('a complete playbook against moto', () => {
    const ec2 = new EC2Client(sdkConfig(url));
    const actions = awsActions(motoOptions(url));
    afterAll(() => ec2.destroy());

    async function setup() {
      const launched = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'kind', Value: 'object4' }] }],
        }),
      );
      const event: unknown = JSON.parse(await readFile(fixture('eventbridge-alarm.json'), 'utf8'));
      const parsed = parseAlarmEvent(event)!;
      const notify = recordingNotify();
      const playbook = await loadPlaybook(fileURLToPath(fixture('reboot-by-tag.yaml')));
      return { id: launched.Instances![0]!.InstanceId!, trigger: parsed.trigger, notify, playbook };
    }

    it('validates with the real action schemas', async () => {
      const { notify, playbook } = await setup();
      expect(validatePlaybook(playbook, { actions: [...actions, notify.action] }).issues).toEqual([]);
    });

    it('live: finds the instance, checks it, reboots it, waits for status-ok and notifies', async () => {
      const { id, trigger, notify, playbook } = await setup();
      const result = await runPlaybook(playbook, {
        actions: [...actions, notify.action],
        input: { kind: 'object4' },
        trigger,
      });

      expect(result.outcome).toBe('recovered');
      expect(Object.values(result.steps).map((s) => [s.id, s.outcome])).toEqual([
        ['find', 'pass'],
        ['status', 'pass'],
        ['reboot', 'pass'],
        ['settle', 'pass'],
        ['tell', 'pass'],
      ]);
      expect(result.output.reboot).toEqual({ rebooted: [id] });
      expect(result.output.settle).toMatchObject({ instanceIds: [id], state: 'status-ok' });
      expect(notify.received).toEqual([{ text: `rebooted ${id} (running) after cpu-at-100-object4` }]);
    });

    it('live: a stopped instance is not found among running ones, and nothing is rebooted', async () => {
      const { id, trigger, notify, playbook } = await setup();
      await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
      const result = await runPlaybook(playbook, {
        actions: [...actions, notify.action],
        input: { kind: 'object4' },
        trigger,
      });
      expect(result.outcome).toBe('not_found');
      expect(result.steps.reboot).toBeUndefined();
      expect(notify.received).toEqual([]);
    });

    it('shadow: probes run, the reboot is planned with a DryRun preflight, nothing is sent', async () => {
      const { id, trigger, notify, playbook } = await setup();
      const result = await runPlaybook(playbook, {
        actions: [...actions, notify.action],
        input: { kind: 'object4' },
        trigger,
        mode: 'shadow',
      });

      expect(result.outcome).toBe('recovered');
      expect(result.output.find).toMatchObject({ count: 1, instances: [{ instanceId: id }] });
      expect(result.steps.reboot).toMatchObject({
        outcome: 'pass',
        plan: `would reboot ${id} (permission ok)`,
      });
      expect(result.steps.tell?.plan).toBe('would call test.notify.record');
      expect(notify.received).toEqual([]);
      const plans = result.trace.filter((e) => e.type === 'plan');
      expect(plans).toEqual([
        expect.objectContaining({
          step: 'reboot',
          action: 'aws.ec2.reboot',
          summary: `would reboot ${id} (permission ok)`,
          changes: [{ resource: `${id} (us-east-1)`, change: 'reboot' }],
        }),
        expect.objectContaining({ step: 'tell', summary: 'would call test.notify.record' }),
      ]);
    });
  });
}

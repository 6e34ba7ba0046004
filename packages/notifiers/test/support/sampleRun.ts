import { defineAction, loadPlaybook, simulatePlaybook } from '@firstline/core';
import type { ActionDefinition, RunResult } from '@firstline/core';

/** Test doubles with the kinds of the first-line example's actions (simulation never runs them). */
export const sampleActions: ActionDefinition[] = [
  ['http.check', 'probe'],
  ['aws.ec2.reboot', 'remediation'],
  ['slack.post', 'notify'],
].map(([id, kind]) =>
  defineAction({
    id: id!,
    kind: kind as ActionDefinition['kind'],
    description: `Test ${id}.`,
    input: { type: 'object' },
    run: () => Promise.resolve({}),
  }),
);

/** A simulated first-line run: the check fails, the reboot fixes it, the recheck passes, Slack is told. */
export async function sampleRun(): Promise<RunResult> {
  const playbook = await loadPlaybook(new URL('../fixtures/first-line.yaml', import.meta.url).pathname);
  return simulatePlaybook(playbook, {
    input: { instanceId: 'i-0abc1234' },
    outcomes: { url: ['fail', 'pass'] },
    actions: sampleActions,
  });
}

import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { coreActions, validatePlaybook } from '@firstline/core';
import type { AnyActionDefinition } from '@firstline/core';
import {
  actionEntry,
  createCapturingIo,
  firstSentence,
  installedActions,
  renderActionsMarkdown,
  runCli,
  typeText,
} from '@firstline/cli';
import type { ActionEntry } from '@firstline/cli';
import { cli, FIXTURES } from './support.js';

// `firstline actions [id]`: the catalogue of installed actions, from the pure render module that
// docs/reference/actions.md is generated with.

let actions: AnyActionDefinition[];
beforeAll(async () => {
  actions = (await installedActions({})).actions;
});

async function catalogue(args: string[]) {
  const io = createCapturingIo({ cwd: FIXTURES });
  const code = await runCli(['actions', ...args], { io, actions, host: {} });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** A playbook around one example step, in the section its kind belongs to. */
function playbookAround(action: AnyActionDefinition, step: Record<string, unknown>) {
  const probe = { id: 'probe', action: 'core.log', with: { message: 'x' } };
  // The inputs the example names as {{ inputs.x }}, declared as a playbook would.
  const named = [...JSON.stringify(step).matchAll(/inputs\.(\w+)/g)].map((m) => m[1]!);
  const properties = (action.input.properties ?? {}) as Record<string, { type?: unknown }>;
  const typeOf = (name: string) => {
    const type = properties[name]?.type;
    return typeof type === 'string' ? type : 'string';
  };
  const inputs = Object.fromEntries(named.map((name) => [name, { type: typeOf(name) }]));
  const base = { firstline: 1, name: 'example', inputs, recheck: { rounds: 1, after: '1m' } };
  if (action.kind === 'probe')
    return {
      ...base,
      checks: [step],
      remediate: [{ ...probe, id: 'fix', action: 'core.fail', with: { message: 'x' } }],
    };
  if (action.kind === 'remediation')
    return {
      ...base,
      checks: [{ id: 'check', action: 'core.fail', with: { message: 'x' } }],
      remediate: [step],
    };
  const { id: _id, ...notification } = step;
  return {
    ...base,
    checks: [{ id: 'check', action: 'core.fail', with: { message: 'x' } }],
    remediate: [{ id: 'fix', action: 'core.fail', with: { message: 'x' } }],
    notify: { unrecovered: [notification] },
  };
}

describe('firstline actions', () => {
  it('without an id: a table of every installed action (core built-ins too), id, kind and first sentence', async () => {
    const { code, stdout } = await catalogue([]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+KIND\s+DESCRIPTION$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^aws\.ec2\.reboot\s+remediation\s+Reboots EC2 instances \(RebootInstances\)\.$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^core\.log\s+notify\s+/));
    expect(lines).toContainEqual(expect.stringMatching(/^http\.check\s+probe\s+/));
    expect(lines.length - 1).toBe(new Set(['core.log', 'core.fail', ...actions.map((a) => a.id)]).size);
  });

  it('with the injected actions (a config or a test): exactly those and core built-ins', async () => {
    const { code, stdout } = await cli(['actions']);
    expect(code).toBe(0);
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['core.fail', 'core.log', 'test.chat.post', 'test.host.restart', 'test.web.check']);
  });

  it('with an id: kind, description, inputs, outputs, IAM and an example step', async () => {
    const { code, stdout } = await catalogue(['aws.ec2.stop']);
    expect(code).toBe(0);
    expect(stdout).toContain('aws.ec2.stop (remediation)\n  Stops EC2 instances (StopInstances)');
    expect(stdout).toContain('  instanceIds: string[] (required)');
    expect(stdout).toContain(
      '  force: boolean (optional, default false)  Skip the clean OS shutdown (a hung instance).',
    );
    expect(stdout).toContain('Outputs:\n  instances: object[]');
    expect(stdout).toContain('IAM permissions:\n  ec2:StopInstances on arn:aws:ec2:*:*:instance/*');
    expect(stdout).toContain(
      'Example step:\n  - id: stop\n    action: aws.ec2.stop\n    with:\n      instanceIds: "{{ inputs.instanceIds }}"',
    );
    const alarm = await catalogue(['aws.cloudwatch.setAlarmState']);
    expect(alarm.stdout).toContain(
      'cloudwatch:DescribeAlarms on arn:aws:cloudwatch:*:*:alarm:*  (plan, shadow mode)',
    );
    const slack = await catalogue(['slack.post']);
    expect(slack.stdout).toContain('IAM permissions:\n  none (calls no AWS API)');
  });

  it('--json: the same as data, for one action and for all', async () => {
    const one = JSON.parse((await catalogue(['aws.ec2.reboot', '--json'])).stdout) as ActionEntry;
    expect(one).toMatchObject({ id: 'aws.ec2.reboot', kind: 'remediation' });
    expect(one.inputs).toContainEqual({ name: 'instanceIds', type: 'string[]', required: true });
    expect(one.iam.run).toEqual([
      { Effect: 'Allow', Action: ['ec2:RebootInstances'], Resource: 'arn:aws:ec2:*:*:instance/*' },
    ]);
    const all = JSON.parse((await catalogue(['--json'])).stdout) as ActionEntry[];
    expect(all.map((a) => a.id)).toContain('prometheus.query');
    expect(all.find((a) => a.id === 'aws.ec2.reboot')).toEqual(one);
  });

  it('an unknown id: exit 2 with the closest id suggested', async () => {
    const { code, stdout, stderr } = await catalogue(['aws.ec2.rebot']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'firstline: no action "aws.ec2.rebot" is installed; did you mean "aws.ec2.reboot"?',
    );
    const family = await catalogue(['slack.pots']);
    expect(family.stderr).toContain('did you mean "slack.post"?');
    expect(family.stderr).toContain('its family has: slack.post, slack.reply, slack.update');
    expect((await catalogue(['--json', '--markdown'])).code).toBe(2);
  });

  it("every action's example step is a valid step of a playbook (core's own validation)", () => {
    for (const action of actions) {
      const [step] = parse(actionEntry(action).example) as Array<Record<string, unknown>>;
      expect(step!.action).toBe(action.id);
      const result = validatePlaybook(playbookAround(action, step!), { actions });
      expect(
        result.issues.filter((i) => i.severity === 'error'),
        action.id,
      ).toEqual([]);
    }
  });

  it('--markdown: the whole reference; the one-line summaries keep "e.g." inside a sentence', async () => {
    const { code, stdout } = await catalogue(['--markdown']);
    expect(code).toBe(0);
    expect(stdout).toBe(renderActionsMarkdown([...coreActions, ...actions]));
    expect(stdout).toContain('## aws.ec2.reboot');
    expect(stdout).toContain('| `instanceIds` | string[] | yes |  |  |');
    expect(firstSentence('Closes the alert, e.g. when fixed. More here.')).toBe(
      'Closes the alert, e.g. when fixed.',
    );
    expect(firstSentence('Reboots (RebootInstances); no token.')).toBe('Reboots (RebootInstances).');
    expect(typeText({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })).toBe(
      'string | string[]',
    );
  });
});

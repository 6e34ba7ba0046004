import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectScenario, simulateScenario } from '@firstline/core/testing';

const ec2 = fileURLToPath(new URL('../../../../examples/playbooks/ec2-first-line.yaml', import.meta.url));
const input = { instanceId: 'i-0abc1234', url: 'https://app.example.com/health', healthCheckId: 'hc-1' };

const playbook = {
  firstline: 1,
  name: 'restart-web',
  checks: [{ id: 'url', action: 'http.check', with: { url: 'https://app.example.com' } }],
  remediate: [{ id: 'restart', action: 'svc.restart', with: { name: 'web' } }],
  recheck: { after: '1m' },
  notify: {
    recovered: [{ action: 'chat.post', with: { text: 'fixed' } }],
    unrecovered: [{ action: 'pager.alert' }],
  },
};

describe('simulateScenario', () => {
  it('reads the run back: actions called in order, steps with outcomes, outcome per step', async () => {
    const run = await simulateScenario(playbook, { outcomes: { url: ['fail', 'pass'] } });
    expect(run.outcome).toBe('recovered');
    expect(run.actions).toEqual(['http.check', 'svc.restart', 'http.check', 'chat.post']);
    expect(run.path).toEqual([
      'url:fail',
      'restart:pass',
      'recheck:pass',
      'url:pass',
      'notify.recovered[0]:pass',
    ]);
    expect(run.outcomeOf('url')).toBe('pass');
    expect(run.outcomeOf('never')).toBeUndefined();
    expect(run.calls('svc.restart')).toEqual([{ name: 'web' }]);
  });

  it('loads a playbook file by path', async () => {
    const run = await simulateScenario(ec2, { input, outcomes: { url: 'fail' } });
    expect(run.outcome).toBe('unrecovered');
    expect(run.actions.filter((a) => a === 'aws.ec2.reboot')).toHaveLength(1);
  });
});

describe('expectScenario', () => {
  it('passes when the run shows what is expected, and returns it', async () => {
    const run = await expectScenario(ec2, {
      input,
      outcomes: { url: ['fail', 'pass'] },
      expect: {
        outcome: 'recovered',
        calls: { 'aws.ec2.reboot': 1, 'opsgenie.createAlert': 0 },
        // A bare step id matches any outcome; the first failed check skips the others.
        path: ['url:fail', 'reboot:pass', 'recheck', 'url:pass', 'route53', 'cpu', 'notify.recovered[0]'],
      },
    });
    expect(run.durationMs).toBeGreaterThanOrEqual(120_000);
  });

  it('takes budgetsSpent as scenario files do: the remediation is refused and a person is paged', async () => {
    await expectScenario(ec2, {
      input,
      outcomes: { url: 'fail' },
      budgetsSpent: true,
      expect: {
        outcome: 'skipped',
        calls: { 'aws.ec2.reboot': 0, 'slack.post': 0, 'opsgenie.createAlert': 1 },
      },
    });
  });

  it('fails the test with the way the run went when the outcome differs', async () => {
    await expect(
      expectScenario(playbook, { outcomes: { url: 'fail' }, expect: { outcome: 'recovered' } }),
    ).rejects.toThrow(
      'outcome (the run went url:fail → restart:pass → recheck:pass → url:fail → notify.unrecovered[0]:pass ⇒ unrecovered)',
    );
  });

  it('fails on a call count or an order that differs', async () => {
    await expect(
      expectScenario(playbook, { outcomes: { url: 'pass' }, expect: { calls: { 'svc.restart': 1 } } }),
    ).rejects.toThrow('calls per action');
    await expect(
      expectScenario(playbook, {
        outcomes: { url: ['fail', 'pass'] },
        expect: { actions: ['svc.restart', 'http.check'] },
      }),
    ).rejects.toThrow('actions called, in order');
    await expect(
      expectScenario(playbook, { outcomes: { url: 'pass' }, expect: { path: ['url:fail'] } }),
    ).rejects.toThrow('steps, in order');
  });
});

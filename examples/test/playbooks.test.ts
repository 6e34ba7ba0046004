import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  checkPlaybook,
  createActionRegistry,
  formatIssue,
  parseDuration,
  parsePlaybook,
  validatePlaybook,
} from '@firstline/core';
import type { Issue, ParallelChecks, Playbook } from '@firstline/core';
import { exampleActions } from '../src/actions.js';

const dir = fileURLToPath(new URL('../playbooks/', import.meta.url));
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.yaml') && !name.endsWith('.scenarios.yaml'))
  .sort();
const registry = createActionRegistry(exampleActions);

const text = (name: string) => readFileSync(resolve(dir, name), 'utf8');
const data = (name: string) => parsePlaybook(text(name), { file: name }).data as Playbook;

/** Any step, read loosely: these tests look at a few keys of each. */
type LooseStep = { id?: string; action?: string; with?: Record<string, unknown> } & Record<string, unknown>;
const loose = (steps: unknown) => steps as LooseStep[];
const actionsOf = (steps: unknown) => loose(steps).map((s) => s.action);

/** Validates a playbook's text after one exact edit, so each mutation test says what it broke. */
function validateEdited(name: string, from: string, to: string): Issue[] {
  const original = text(name);
  expect(original, `${name} holds ${from}`).toContain(from);
  return validatePlaybook(parsePlaybook(original.replace(from, to), { file: name }), { actions: registry })
    .issues;
}

/** Every `action:` named anywhere in a playbook's data. */
function actionsNamed(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => actionsNamed(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'action' && typeof v === 'string') out.add(v);
      else actionsNamed(v, out);
    }
  }
  return out;
}

/** Every string value under a key, anywhere in the data: [key, value] pairs. */
function stringsByKey(value: unknown, out: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(value)) value.forEach((v) => stringsByKey(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string') out.push([key, v]);
      else stringsByKey(v, out);
    }
  }
  return out;
}

describe('the example playbooks', () => {
  test('are the first-line example and seed scenarios 1, 2, 3 and 5 (4 is a monitor, not a playbook)', () => {
    expect(files).toEqual([
      'asg-self-heal.yaml',
      'ec2-first-line.yaml',
      'multi-region-first-line.yaml',
      'network-latency-rescue.yaml',
      'prometheus-core-dump.yaml',
    ]);
  });

  test.each(files)('%s validates with no issue at all, not even a warning', async (name) => {
    const result = await checkPlaybook(resolve(dir, name), { actions: exampleActions });
    expect(result.issues.map((issue) => formatIssue(issue, name))).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.playbook?.data).toMatchObject({ firstline: 1, name: name.replace(/\.yaml$/, '') });
  });

  test.each(files)("%s points editors at the CLI's schema, as an installed project would", (name) => {
    const match = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text(name));
    expect(match?.[1]).toBe('../node_modules/@firstline/cli/schema.json');
    expect(existsSync(resolve(dir, match![1]!))).toBe(true);
    // The schema with the installed actions' inputs, so `with:` completes.
    const schema = JSON.parse(readFileSync(resolve(dir, match![1]!), 'utf8')) as { $defs: object };
    expect(schema.$defs).toHaveProperty('actionInputs');
  });

  test('name only actions the packages provide', () => {
    for (const name of files) {
      const used = actionsNamed(data(name));
      expect(
        [...used].filter((id) => !registry.has(id)),
        name,
      ).toEqual([]);
    }
  });

  test('declare secrets only as references, and pass credentials only as {{ secrets.x }}', () => {
    let declared = 0;
    for (const name of files) {
      const secrets = (data(name).secrets ?? {}) as Record<string, unknown>;
      for (const [secret, ref] of Object.entries(secrets)) {
        declared++;
        expect(typeof ref, `${name}: ${secret}`).toBe('object');
        const kinds = Object.keys(ref as object).filter((k) => ['env', 'ssm', 'secretsManager'].includes(k));
        expect(kinds, `${name}: ${secret}`).toHaveLength(1);
      }
      const credentials = stringsByKey(data(name)).filter(([key]) =>
        ['token', 'apiKey', 'privateKey', 'password', 'webhookUrl'].includes(key),
      );
      for (const [key, value] of credentials)
        expect(value, `${name}: ${key}`).toMatch(/^\{\{ secrets\.[A-Za-z]\w* \}\}$/);
    }
    expect(declared).toBeGreaterThanOrEqual(6);
  });
});

describe('ec2-first-line.yaml (the first-line example)', () => {
  const pb = data('ec2-first-line.yaml');

  test('checks url, route53 and cpu in order, reboots, and rechecks once after 2m', () => {
    expect(loose(pb.checks).map((s) => `${s.id}:${s.action}`)).toEqual([
      'url:http.check',
      'route53:aws.route53.healthCheckStatus',
      'cpu:aws.cloudwatch.metric',
    ]);
    expect(pb.remediate).toEqual([
      { id: 'reboot', action: 'aws.ec2.reboot', with: { instanceIds: ['{{ inputs.instanceId }}'] } },
    ]);
    expect(pb.recheck).toEqual({ rounds: 1, after: '2m' });
    expect(parseDuration(pb.recheck!.after)).toBe(120_000);
    expect(parseDuration(pb.timeout!)).toBe(30 * 60_000);
  });

  test('notifies Slack on recovered and OpsGenie on unrecovered, and stays quiet when healthy', () => {
    expect(pb.notify?.healthy).toEqual([]);
    expect(actionsOf(pb.notify?.recovered)).toEqual(['slack.post']);
    expect(actionsOf(pb.notify?.unrecovered)).toEqual(['opsgenie.createAlert']);
  });
});

describe('the seed playbooks', () => {
  test('network-latency-rescue: detect → issue → SSM rescue → reopen on failure, loop bounded', () => {
    const pb = data('network-latency-rescue.yaml');
    expect(pb.secrets).toEqual({ githubToken: { env: 'GITHUB_TOKEN' } });
    const byId = new Map(loose(pb.steps).map((s) => [s.id, s] as const));
    expect(byId.get('rescue')).toMatchObject({
      action: 'aws.ssm.startAutomation',
      with: { document: 'AWSSupport-StartEC2RescueWorkflow' },
      on: { error: 'reopen' },
    });
    expect(byId.get('reopen')?.with).toMatchObject({ number: "{{ steps['open-issue'].output.number }}" });
    expect(byId.get('rescue-failed')).toEqual({ id: 'rescue-failed', end: 'unrecovered' });
    // Without its bound, the recheck loop is exactly what the validator refuses.
    const issues = validateEdited('network-latency-rescue.yaml', '    maxVisits: 2', '');
    expect(issues.map((i) => i.code)).toEqual(['E_UNBOUNDED_LOOP']);
  });

  test('asg-self-heal: a status check first, then Unhealthy through Auto Scaling', () => {
    const [status, mark] = loose(data('asg-self-heal.yaml').steps);
    expect(status).toMatchObject({
      action: 'aws.ec2.status',
      on: { pass: 'healthy', fail: 'mark-unhealthy' },
    });
    expect(mark).toMatchObject({
      id: 'mark-unhealthy',
      action: 'aws.autoscaling.setInstanceHealth',
      with: { healthStatus: 'Unhealthy' },
    });
  });

  test('prometheus-core-dump: the max-amplitude series over 5m → instance by tag → check, remove, confirm', () => {
    const steps = loose(data('prometheus-core-dump.yaml').steps);
    const [outlier, find] = steps;
    expect(outlier).toMatchObject({
      action: 'prometheus.query',
      with: { range: { last: '5m' }, reduce: 'amplitude', pick: 'max' },
    });
    expect(find).toMatchObject({
      action: 'aws.ec2.describe',
      with: { tags: { kind: '{{ steps.outlier.output.picked.labels.kind }}' } },
    });
    const ssh = steps.filter((s) => s.action === 'ssh.exec').map((s) => s.with?.command);
    expect(ssh).toEqual([
      'ls -l -- {{ inputs.coreFile }}',
      'rm -f -- {{ inputs.coreFile }}',
      'test -e {{ inputs.coreFile }}',
    ]);
    // Only the removal is a change; the looks say so, and reports leave them out of "what changed".
    expect(steps.filter((s) => s.action === 'ssh.exec').map((s) => s.with?.readOnly)).toEqual([
      true,
      undefined,
      true,
    ]);
  });

  test('multi-region-first-line: URL, Route 53 and SSH checks in parallel, all must pass', () => {
    const pb = data('multi-region-first-line.yaml');
    const checks = pb.checks as ParallelChecks;
    expect(checks.parallel).toBe(true);
    expect(checks.quorum).toBe('all');
    expect(actionsOf(checks.steps)).toEqual(['http.check', 'aws.route53.healthCheckStatus', 'ssh.check']);
    expect(actionsOf(pb.remediate)).toEqual(['aws.ec2.reboot']);
    expect(actionsOf(pb.notify?.recovered)).toEqual(['slack.post']);
    expect(actionsOf(pb.notify?.unrecovered)).toEqual(['opsgenie.createAlert']);
  });
});

describe('the actions the playbooks name', () => {
  test('has the kinds the format relies on: probes are read-only, ssh.exec changes things', () => {
    const named = new Set(files.flatMap((name) => [...actionsNamed(data(name))]));
    const kinds = Object.fromEntries(
      exampleActions.filter((a) => named.has(a.id)).map((a) => [a.id, a.kind]),
    );
    const remediations = Object.keys(kinds).filter((id) => kinds[id] === 'remediation');
    const notifiers = Object.keys(kinds).filter((id) => kinds[id] === 'notify');
    expect(remediations.sort()).toEqual([
      'aws.autoscaling.setInstanceHealth',
      'aws.ec2.reboot',
      'aws.ssm.startAutomation',
      'ssh.exec',
    ]);
    expect(notifiers.sort()).toEqual([
      'github.createIssue',
      'github.reopenIssue',
      'opsgenie.createAlert',
      'slack.post',
    ]);
  });

  test('reports a misspelt input with a suggestion, at its line', () => {
    const issues = validateEdited('ec2-first-line.yaml', 'expectStatus: 200', 'expectedStatus: 200');
    expect(issues).toHaveLength(1);
    const line =
      text('ec2-first-line.yaml')
        .split('\n')
        .findIndex((l) => l.includes('expectStatus')) + 1;
    expect(issues[0]).toMatchObject({ code: 'E_ACTION_INPUT', path: 'checks[0].with.expectedStatus', line });
    expect(issues[0]!.message).toContain('did you mean "expectStatus"');
  });

  test('reports a value its schema forbids', () => {
    const issues = validateEdited('prometheus-core-dump.yaml', 'pick: max', 'pick: maximum');
    expect(issues.map((i) => [i.code, i.path])).toEqual([['E_ACTION_INPUT', 'steps[0].with.pick']]);
  });

  test('reports a reference to an output field the action does not return', () => {
    const issues = validateEdited(
      'network-latency-rescue.yaml',
      "steps['open-issue'].output.number",
      "steps['open-issue'].output.id",
    );
    expect(issues.map((i) => i.code)).toEqual(['E_UNKNOWN_REFERENCE']);
    expect(issues[0]!.message).toContain('github.createIssue has no output "id"');
  });

  test('leaves a literal token to the inline-secret check', () => {
    const literal = 'gh' + 'p_' + 'x'.repeat(36);
    const issues = validateEdited('network-latency-rescue.yaml', '{{ secrets.githubToken }}', literal);
    expect(issues.map((i) => i.code)).toEqual(['E_INLINE_SECRET']);
  });
});

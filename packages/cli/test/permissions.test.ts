import { inject } from 'vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createCapturingIo, installedActions, runCli } from '@firstline/cli';
import type { AnyActionDefinition } from '@firstline/core';
import { FIXTURES } from './support.js';

// `firstline permissions <playbook>`: the least-privilege IAM policy, with the real installed actions.
// The shape is checked here and by moto's IAM, which validates a policy document as AWS does.

const EC2_FIRST_LINE = fileURLToPath(
  new URL('../../../examples/playbooks/ec2-first-line.yaml', import.meta.url),
);
const ACCOUNT = '123456789012';

let actions: AnyActionDefinition[];
beforeAll(async () => {
  actions = (await installedActions({})).actions;
});

async function permissions(args: string[], env: Record<string, string> = {}) {
  const io = createCapturingIo({ cwd: FIXTURES, env });
  const code = await runCli(['permissions', ...args], { io, actions, host: {} });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

/** IAM's rules for an identity policy, as far as its shape goes; returns the problems found. */
function shapeProblems(policy: Policy): string[] {
  const problems: string[] = [];
  if (Object.keys(policy).sort().join() !== 'Statement,Version')
    problems.push('keys other than Version, Statement');
  if (policy.Version !== '2012-10-17') problems.push(`Version ${policy.Version}`);
  if (!Array.isArray(policy.Statement) || policy.Statement.length === 0) problems.push('no Statement array');
  for (const [i, s] of (policy.Statement ?? []).entries()) {
    const extra = Object.keys(s).filter(
      (k) => !['Sid', 'Effect', 'Action', 'Resource', 'Condition'].includes(k),
    );
    if (extra.length) problems.push(`statement ${i}: unknown ${extra.join()}`);
    if (s.Effect !== 'Allow') problems.push(`statement ${i}: Effect ${s.Effect}`);
    if (!Array.isArray(s.Action) || s.Action.length === 0) problems.push(`statement ${i}: no Action list`);
    for (const a of s.Action ?? [])
      if (!/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(a)) problems.push(`statement ${i}: action ${a}`);
    if (new Set(s.Action).size !== s.Action.length) problems.push(`statement ${i}: duplicate actions`);
    for (const r of Array.isArray(s.Resource) ? s.Resource : [s.Resource])
      if (r !== '*' && !/^arn:aws(-[a-z-]+)?:[a-z0-9-]+:([a-z0-9-]+|\*)?:([0-9]{12}|\*)?:.+$/.test(r))
        problems.push(`statement ${i}: resource ${r}`);
  }
  return problems;
}

const actionsOf = (policy: Policy) => policy.Statement.flatMap((s) => s.Action);
const resourcesOf = (policy: Policy, action: string) =>
  policy.Statement.filter((s) => s.Action.includes(action)).flatMap((s) =>
    Array.isArray(s.Resource) ? s.Resource : [s.Resource],
  );

describe('firstline permissions', () => {
  it('ec2-first-line: a well-formed policy with exactly the calls the playbook makes, templated ids widened', async () => {
    const { code, stdout, stderr } = await permissions([EC2_FIRST_LINE]);
    expect(code).toBe(0);
    const policy = JSON.parse(stdout) as Policy;
    expect(shapeProblems(policy)).toEqual([]);
    const called = actionsOf(policy);
    expect(new Set(called).size).toBe(called.length);
    expect([...called].sort()).toEqual([
      'cloudwatch:GetMetricData',
      'ec2:RebootInstances',
      'route53:GetHealthCheckStatus',
    ]);
    // instanceId and healthCheckId are {{ inputs }}: every resource of that type, never `*`.
    expect(resourcesOf(policy, 'ec2:RebootInstances')).toEqual(['arn:aws:ec2:*:*:instance/*']);
    expect(resourcesOf(policy, 'route53:GetHealthCheckStatus')).toEqual(['arn:aws:route53:::healthcheck/*']);
    // GetMetricData has no resource-level permissions.
    expect(resourcesOf(policy, 'cloudwatch:GetMetricData')).toEqual(['*']);
    expect(stderr).toContain('needs no IAM: url (http.check), slack.post, opsgenie.createAlert');
  });

  it('literal inputs are scoped to their ARNs (--account, --region), with the reads plan() makes and the secrets', async () => {
    const { code, stdout } = await permissions([
      'permissions/literal.yaml',
      '--account',
      ACCOUNT,
      '--region',
      'us-east-1',
    ]);
    expect(code).toBe(0);
    const policy = JSON.parse(stdout) as Policy;
    expect(shapeProblems(policy)).toEqual([]);
    expect([...actionsOf(policy)].sort()).toEqual([
      'cloudwatch:DescribeAlarms', // both the probe and setAlarmState's plan() read the alarm
      'cloudwatch:SetAlarmState',
      'ec2:DescribeInstanceStatus',
      'ec2:RebootInstances',
      'secretsmanager:GetSecretValue',
      'ssm:GetParameter',
    ]);
    expect(resourcesOf(policy, 'ec2:RebootInstances')).toEqual([
      `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc1234def567890`,
      `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0def5678abc123456`,
    ]);
    // The step's own region wins over --region.
    expect(resourcesOf(policy, 'cloudwatch:SetAlarmState')).toEqual([
      `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:web-5xx-rate`,
    ]);
    expect(resourcesOf(policy, 'ssm:GetParameter')).toEqual([
      `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/firstline/slack-token`,
    ]);
    expect(resourcesOf(policy, 'secretsmanager:GetSecretValue')).toEqual([
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:firstline/opsgenie-??????`,
    ]);
  });

  it('--shadow: probes, the reads plans make and secrets; nothing that changes anything, said on stderr', async () => {
    const { code, stdout, stderr } = await permissions(['permissions/literal.yaml', '--shadow']);
    expect(code).toBe(0);
    const policy = JSON.parse(stdout) as Policy;
    expect(shapeProblems(policy)).toEqual([]);
    expect([...new Set(actionsOf(policy))].sort()).toEqual([
      'cloudwatch:DescribeAlarms',
      'ec2:DescribeInstanceStatus',
      'secretsmanager:GetSecretValue',
      'ssm:GetParameter',
    ]);
    expect(stderr).toContain('reboot (aws.ec2.reboot): ec2:RebootInstances');
    expect(stderr).toContain('quiet (aws.cloudwatch.setAlarmState): cloudwatch:SetAlarmState');
  });

  it('the region comes from AWS_REGION when --region is not given, and says so', async () => {
    const { stdout, stderr } = await permissions([EC2_FIRST_LINE], { AWS_REGION: 'eu-west-3' });
    expect(resourcesOf(JSON.parse(stdout) as Policy, 'ec2:RebootInstances')).toEqual([
      'arn:aws:ec2:eu-west-3:*:instance/*',
    ]);
    expect(stderr).toContain('region eu-west-3 (from AWS_REGION; --region to change)');
  });

  it('a playbook calling no AWS API: an empty statement list, and why, on stderr', async () => {
    const { code, stdout, stderr } = await permissions(['permissions/no-aws.yaml']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ Version: '2012-10-17', Statement: [] });
    expect(stderr).toContain('needs no IAM: url (http.check), restart (ssh.exec)');
    expect(stderr).toContain('needs no IAM permission at all');
  });

  it('an invalid playbook: its issues with file:line:col and codes, nothing on stdout, exit 2', async () => {
    const { code, stdout, stderr } = await permissions(['permissions/misspelt.yaml']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'permissions/misspelt.yaml:10:13  E_ACTION_INPUT  aws.ec2.reboot takes no input "instanceIdz"; did you mean "instanceIds"?',
    );
  });

  it('a wrong --account or --region, or a missing file, is exit 2', async () => {
    expect((await permissions([EC2_FIRST_LINE, '--account', '12345'])).stderr).toContain('12-digit');
    expect((await permissions([EC2_FIRST_LINE, '--account', '12345'])).code).toBe(2);
    expect((await permissions([EC2_FIRST_LINE, '--region', 'Mars'])).code).toBe(2);
    const missing = await permissions(['permissions/nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('E_READ');
  });
});

// moto's IAM validates a policy document as IAM does (MalformedPolicyDocument otherwise).
const moto = inject('motoEndpoint');

describe.skipIf(!moto)('the policy is accepted by IAM (moto_server)', () => {
  const createPolicy = async (name: string, document: string) => {
    const response = await fetch(moto, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=FIRSTLINE-TEST-NOT-A-KEY/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: new URLSearchParams({
        Action: 'CreatePolicy',
        Version: '2010-05-08',
        PolicyName: name,
        PolicyDocument: document,
      }).toString(),
    });
    return { status: response.status, text: await response.text() };
  };

  it('CreatePolicy accepts ec2-first-line full and --shadow, and the literal one; it refuses a malformed one', async () => {
    const suffix = Date.now().toString(36);
    for (const [name, args] of [
      ['full', [EC2_FIRST_LINE]],
      ['shadow', [EC2_FIRST_LINE, '--shadow']],
      ['literal', ['permissions/literal.yaml', '--account', ACCOUNT, '--region', 'us-east-1']],
    ] as const) {
      const { stdout } = await permissions([...args]);
      const created = await createPolicy(`firstline-${name}-${suffix}`, stdout);
      expect(created.status, created.text).toBe(200);
    }
    // The control: IAM's validation is really applied.
    const bad = await createPolicy(
      `firstline-bad-${suffix}`,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['ec2RebootInstances'], Resource: '*' }],
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('MalformedPolicyDocument');
  });
});

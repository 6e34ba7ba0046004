import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual as isEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { awsActions, playbookPermissions } from '@firstline/actions-aws';
import { parsePlaybook } from '@firstline/core';
import type { IamStatement } from '@firstline/core';
import { runStoreTableSchema, RUN_STORE_TTL_ATTRIBUTE } from '@firstline/store-dynamodb';

// The CDK example, synthesized by the real `cdk` CLI, offline: the account and regions are given, so
// nothing is looked up, and no credentials exist. The templates are then read as CloudFormation sees them.

const cdkDir = fileURLToPath(new URL('../cdk/', import.meta.url));
const cdkBin = fileURLToPath(new URL('../node_modules/.bin/cdk', import.meta.url));
const playbookFile = fileURLToPath(new URL('../playbooks/ec2-first-line.yaml', import.meta.url));
const ACCOUNT = '111111111111';
const REGIONS = ['eu-west-1', 'us-east-1'];
const REGION = REGIONS[0]!;
const INSTANCE = 'i-0abc1234def567890';
const context = {
  account: ACCOUNT,
  regions: REGIONS.join(','),
  instanceId: INSTANCE,
  url: 'https://app.example.com/health',
  healthCheckId: 'hc-1',
  secretName: 'firstline/notifiers',
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string>, cwd = cdkDir): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The end of a process's stderr, each line cut short: a minified bundle's lines are megabytes long. */
function tail(text: string): string {
  return text
    .split('\n')
    .slice(-30)
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
    .join('\n');
}

/** An environment with no AWS credentials, no instance metadata to ask, and no network calls from the CLI. */
function offlineEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(out, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(out, 'no-aws-credentials'),
    ...extra,
  };
}

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  Metadata?: Json;
}

let out: string;
let stacks: string[];
const templates = new Map<string, Record<string, Resource>>();
let resources: Record<string, Resource>;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'firstline-cdk-'));
  const args = Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  const synth = await run(cdkBin, ['synth', '--quiet', '--no-notices', '-o', out, ...args], offlineEnv());
  if (synth.code !== 0) throw new Error(`cdk synth exited ${synth.code}:\n${tail(synth.stderr)}`);
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; environment?: string }>;
  };
  stacks = Object.entries(manifest.artifacts)
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([name, a]) => `${name} ${a.environment}`);
  for (const region of REGIONS) {
    const template = JSON.parse(await readFile(join(out, `Firstline-${region}.template.json`), 'utf8')) as {
      Resources: Record<string, Resource>;
    };
    templates.set(region, template.Resources);
  }
  resources = templates.get(REGION)!;
}, 120_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

function ofType(type: string): Array<[string, Resource]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

function only(type: string): [string, Resource] {
  const found = ofType(type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const ref = (id: string) => ({ Ref: id });
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('cdk synth of examples/cdk (offline)', () => {
  test('a stack per configured region, in the given account', () => {
    expect(stacks.sort()).toEqual(REGIONS.map((r) => `Firstline-${r} aws://${ACCOUNT}/${r}`).sort());
  });

  test('the function: Node 24 on arm64, 5-minute timeout, its own log group and dead-letter queue', () => {
    const [, fn] = only('AWS::Lambda::Function');
    const [tableId] = only('AWS::DynamoDB::Table');
    const [logsId] = only('AWS::Logs::LogGroup');
    const [queueId] = only('AWS::SQS::Queue');
    const [roleId] = only('AWS::IAM::Role');
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Handler: 'handler.handler',
      Architectures: ['arm64'],
      Timeout: 300,
      Role: arnOf(roleId),
      LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(logsId) },
      DeadLetterConfig: { TargetArn: arnOf(queueId) },
      Environment: {
        Variables: {
          FIRSTLINE_TABLE: ref(tableId),
          FIRSTLINE_PLAYBOOKS: JSON.stringify(['ec2-first-line']),
          FIRSTLINE_ROUTES: JSON.stringify([
            {
              playbook: 'ec2-first-line',
              alarm: 'cpu-*',
              inputs: { instanceId: INSTANCE, url: context.url, healthCheckId: context.healthCheckId },
            },
          ]),
          FIRSTLINE_SECRET: 'firstline/notifiers',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    expect(only('AWS::Logs::LogGroup')[1].Properties.RetentionInDays).toBe(30);
    expect(only('AWS::Lambda::EventInvokeConfig')[1].Properties.MaximumRetryAttempts).toBe(2);
  });

  test("the table is store-dynamodb's schema: keys, GSI and TTL attribute", () => {
    const [, table] = only('AWS::DynamoDB::Table');
    const schema = runStoreTableSchema('any');
    expect(table.Properties.BillingMode).toBe(schema.BillingMode);
    expect(table.Properties.KeySchema).toEqual(schema.KeySchema);
    expect(sortBy(list(table.Properties.AttributeDefinitions as Json[]), 'AttributeName')).toEqual(
      sortBy(list(schema.AttributeDefinitions as unknown as Json[]), 'AttributeName'),
    );
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(schema.GlobalSecondaryIndexes);
    expect(table.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: RUN_STORE_TTL_ATTRIBUTE,
      Enabled: true,
    });
  });

  test("alarms on the function's errors and throttles and on stuck runs, nothing on the instance itself", () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms.map((a) => a.MetricName).sort()).toEqual(['Errors', 'StuckRuns', 'Throttles']);
    expect(ofType('AWS::Logs::MetricFilter')).toHaveLength(2);
  });

  test("one rule sends cpu-* alarms' ALARM state changes to the function, one resumes waiting runs every minute", () => {
    const [fnId] = only('AWS::Lambda::Function');
    const [queueId] = only('AWS::SQS::Queue');
    const rules = ofType('AWS::Events::Rule').map(([id, r]) => [id, r.Properties] as const);
    expect(rules).toHaveLength(2);
    const [alarmRuleId, alarmRule] = rules.find(([, p]) => p.EventPattern)!;
    const [resumeRuleId, resumeRule] = rules.find(([, p]) => p.ScheduleExpression)!;
    expect(alarmRule.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: [{ prefix: 'cpu-' }], state: { value: ['ALARM'] } },
    });
    expect(alarmRule.Targets).toEqual([
      expect.objectContaining({ Arn: arnOf(fnId), DeadLetterConfig: { Arn: arnOf(queueId) } }),
    ]);
    expect(resumeRule.ScheduleExpression).toBe('rate(1 minute)');
    const [target] = list(resumeRule.Targets as Json[]);
    expect(target).toMatchObject({ Arn: arnOf(fnId) });
    expect(JSON.parse(target!.Input as string)).toEqual({ firstline: 'resumeDue' });
    // Each rule may invoke the function, and nothing else may.
    const permissions = ofType('AWS::Lambda::Permission').map(([, p]) => p.Properties);
    expect(permissions).toHaveLength(2);
    for (const p of permissions) expect(p).toMatchObject({ Principal: 'events.amazonaws.com' });
    expect(permissions.map((p) => p.SourceArn)).toEqual(
      expect.arrayContaining([arnOf(alarmRuleId), arnOf(resumeRuleId)]),
    );
  });

  test.each(REGIONS)(
    "%s: the role holds exactly the playbook's permissions(), the table's grants, its logs, its secret and dead letters",
    (region) => {
      resources = templates.get(region)!;
      const [roleId, role] = only('AWS::IAM::Role');
      const [tableId] = only('AWS::DynamoDB::Table');
      const [logsId] = only('AWS::Logs::LogGroup');
      const [queueId] = only('AWS::SQS::Queue');
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.AssumeRolePolicyDocument).toMatchObject({
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      });
      const [, policy] = only('AWS::IAM::Policy');
      expect(policy.Properties.Roles).toEqual([ref(roleId)]);
      const statements = list((policy.Properties.PolicyDocument as { Statement: IamStatement[] }).Statement);

      const playbook = parsePlaybook(readFileSync(playbookFile), { file: playbookFile });
      // The inputs the app fixes, bound as the construct binds them (region comes from each alarm).
      const fixed: Record<string, string> = {
        instanceId: INSTANCE,
        url: context.url,
        healthCheckId: context.healthCheckId,
      };
      const bound = JSON.parse(
        JSON.stringify(playbook.data).replace(
          /\{\{\s*inputs\.(\w+)\s*\}\}/g,
          (t, name: string) => fixed[name] ?? t,
        ),
      ) as object;
      const expected = playbookPermissions(awsActions({ region, accountId: ACCOUNT }), bound, {
        region,
        accountId: ACCOUNT,
      });
      // The playbook's reboot is allowed on this instance only, its health check read on this one only.
      expect(expected).toContainEqual(
        expect.objectContaining({ Resource: `arn:aws:ec2:${region}:${ACCOUNT}:instance/${INSTANCE}` }),
      );
      expect(expected).toContainEqual(
        expect.objectContaining({ Resource: 'arn:aws:route53:::healthcheck/hc-1' }),
      );

      // grantReadWriteData: every statement on the table and its indexes only, with dynamodb: actions.
      const tableResources = normalize({
        Effect: 'Allow',
        Action: [],
        Resource: [arnOf(tableId), { 'Fn::Join': ['', [arnOf(tableId), '/index/*']] }],
      }).Resource;
      const onTable = statements.filter((s) => isEqual(normalize(s).Resource, tableResources));
      const tableActions = onTable.flatMap((s) => list(s.Action));
      expect(tableActions.every((a) => a.startsWith('dynamodb:'))).toBe(true);
      // What dynamoRunStore calls (its README's list).
      expect(tableActions).toEqual(
        expect.arrayContaining(
          ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan'].map((a) => `dynamodb:${a}`),
        ),
      );

      const grants = [
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf(logsId) },
        {
          Effect: 'Allow',
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Resource: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                `:secretsmanager:${region}:${ACCOUNT}:secret:firstline/notifiers-??????`,
              ],
            ],
          },
        },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(queueId) },
      ];
      // Exactly: the playbook's statements, the table's, the grants; nothing missing, nothing else.
      const rest = statements.filter((s) => !onTable.includes(s)).map(normalize);
      expect(rest).toEqual(expect.arrayContaining([...expected, ...grants].map(normalize)));
      expect(rest).toHaveLength(expected.length + grants.length);

      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        // No wildcard actions at all.
        for (const action of list(statement.Action)) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
        // A resource of `*` only where permissions() itself gives one (APIs without resource-level permissions).
        if (list(statement.Resource).includes('*'))
          expect(expected.filter((s) => s.Resource === '*').map(normalize)).toContainEqual(
            normalize(statement),
          );
      }
      resources = templates.get(REGION)!;
    },
  );

  test('CloudFormation Validate, run by the synth, finds nothing (not even a deprecated runtime)', async () => {
    const report = JSON.parse(await readFile(join(out, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{
        conclusion: string;
        violations: Array<{ ruleName: string; description: string }>;
      }>;
    };
    const violations = report.pluginReports.flatMap((r) =>
      r.violations.map((v) => `${v.ruleName}: ${v.description}`),
    );
    expect(violations).toEqual([]);
    for (const plugin of report.pluginReports) expect(plugin.conclusion).toBe('success');
  });

  test('the bundle holds the handler, its chunks and, beside it, the playbook', async () => {
    const dir = assetDir();
    const files = await readdir(dir, { recursive: true });
    expect(files).toEqual(
      expect.arrayContaining([
        'handler.mjs',
        'handler.mjs.map',
        join('chunks', 'handler'),
        join('playbooks', 'ec2-first-line.yaml'),
      ]),
    );
    // Split: what a run loads on first use (the EC2 client, ssh2, ajv) is in chunks, not the entry.
    expect(
      files.filter((file) => file.startsWith(join('chunks', 'handler')) && file.endsWith('.mjs')).length,
    ).toBeGreaterThan(10);
    expect(await readFile(join(dir, 'playbooks', 'ec2-first-line.yaml'), 'utf8')).toBe(
      await readFile(playbookFile, 'utf8'),
    );
  });
});

describe('cdk synth of a bad playbook', () => {
  test('fails with the file:line:col, the code and the message, not a stack trace', async () => {
    const bad = join(out, 'bad.yaml');
    await writeFile(
      bad,
      [
        'firstline: 1',
        'name: bad',
        'inputs: { instanceId: { type: string } }',
        'steps:',
        '  - id: reboot',
        '    action: aws.ec2.rebot',
        "    with: { instanceIds: ['{{ inputs.instanceId }}'] }",
        '',
      ].join('\n'),
    );
    const args = ['-c', `account=${ACCOUNT}`, '-c', `regions=${REGION}`, '-c', `playbook=${bad}`];
    const synth = await run(
      cdkBin,
      ['synth', '--quiet', '--no-notices', '-o', join(out, 'bad.out'), ...args],
      offlineEnv(),
    );
    expect(synth.code).not.toBe(0);
    expect(synth.stderr).toContain(
      `E_PLAYBOOK_INVALID: ${bad}:6:13 E_UNKNOWN_ACTION no action "aws.ec2.rebot" is registered; did you mean "aws.ec2.reboot"?`,
    );
    expect(synth.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});

describe('cdk synth -c engine=stepfunctions', () => {
  test('a state machine naming the action runner, whose bundle is staged; Validate finds nothing', async () => {
    const dir = join(out, 'sfn.out');
    const args = Object.entries({ ...context, regions: REGION, engine: 'stepfunctions' }).flatMap(
      ([key, value]) => ['-c', `${key}=${value}`],
    );
    const synth = await run(cdkBin, ['synth', '--quiet', '--no-notices', '-o', dir, ...args], offlineEnv());
    if (synth.code !== 0) throw new Error(`cdk synth exited ${synth.code}:\n${tail(synth.stderr)}`);
    const template = JSON.parse(await readFile(join(dir, `Firstline-${REGION}.template.json`), 'utf8')) as {
      Resources: Record<string, Resource>;
    };
    const of = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
    const [[runnerId, runner]] = of('AWS::Lambda::Function') as [[string, Resource]];
    expect(runner.Properties.Handler).toBe('action-runner.handler');
    const [[, machine]] = of('AWS::StepFunctions::StateMachine') as [[string, Resource]];
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    expect(machine.Properties.DefinitionSubstitutions).toMatchObject({ ActionRunnerArn: arnOf(runnerId) });
    const definition = JSON.parse(machine.Properties.DefinitionString as string) as { StartAt: string };
    expect(definition.StartAt).toBe('__alarm');
    // No resume schedule: the one rule is the alarm route, to the state machine.
    expect(of('AWS::Events::Rule')).toHaveLength(1);
    expect(await readdir(join(dir, runner.Metadata!['aws:asset:path'] as string))).toEqual(
      expect.arrayContaining(['action-runner.mjs']),
    );
    const report = JSON.parse(await readFile(join(dir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: unknown[] }>;
    };
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  }, 120_000);

  test('a playbook Step Functions cannot run: E_ASL_UNSUPPORTED with the file and step, not a stack trace', async () => {
    const refused = join(out, 'linear.yaml');
    await writeFile(
      refused,
      [
        'firstline: 1',
        'name: linear',
        'inputs: { instanceId: { type: string } }',
        'steps:',
        '  - id: reboot',
        '    action: aws.ec2.reboot',
        "    with: { instanceIds: ['{{ inputs.instanceId }}'] }",
        '    retry: { attempts: 3, delay: 1s, backoff: linear }',
        '',
      ].join('\n'),
    );
    const args = ['-c', `account=${ACCOUNT}`, '-c', `regions=${REGION}`, '-c', `playbook=${refused}`];
    const synth = await run(
      cdkBin,
      [
        'synth',
        '--quiet',
        '--no-notices',
        '-o',
        join(out, 'refused.out'),
        ...args,
        '-c',
        'engine=stepfunctions',
      ],
      offlineEnv(),
    );
    expect(synth.code).not.toBe(0);
    expect(synth.stderr).toContain(`E_ASL_UNSUPPORTED: `);
    expect(synth.stderr).toContain(`${refused}: step "reboot": retry.backoff: linear`);
    expect(synth.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});

describe('the bundled handler, started in a fresh node process (nothing reaches AWS)', () => {
  // Events that never touch the store or an AWS API: the bundle loads, builds everything at module
  // scope, routes alarm events, and compiles the bundled playbook against the bundled actions.
  const script = `
    const { handler } = await import(process.env.BUNDLE);
    const context = { getRemainingTimeInMillis: () => 290_000, awsRequestId: 'smoke-1' };
    const settle = (p) => p.then((value) => ({ value }), (error) => ({ error: { code: error.code, message: error.message } }));
    const events = JSON.parse(process.env.EVENTS);
    const results = [];
    for (const event of events) results.push(await settle(handler(event, context)));
    (await import('node:fs')).writeFileSync(process.env.RESULTS, JSON.stringify(results));
  `;

  test('routes alarm events, refuses unknown ones, and checks direct inputs against the bundled playbook', async () => {
    const sample = JSON.parse(
      await readFile(
        fileURLToPath(
          new URL('../../packages/actions-aws/test/fixtures/eventbridge-alarm.json', import.meta.url),
        ),
        'utf8',
      ),
    ) as { detail: { alarmName: string; state: { value: string } } };
    // Named so that no cpu-* route takes it: routing it would start a run, which needs the table.
    sample.detail.alarmName = 'disk-full-object4';
    const ok = structuredClone(sample);
    ok.detail.state.value = 'OK';
    const events = [
      ok,
      sample, // ALARM, but not a cpu-* alarm
      { ...sample, detail: { ...sample.detail, alarmName: 'cpu-high-object4', state: { value: 'OK' } } },
      { hello: 'world' },
      {
        playbook: 'ec2-first-line',
        input: { instanceId: 'not-an-instance', url: context.url, healthCheckId: 'hc-1' },
      },
    ];
    const [, fn] = only('AWS::Lambda::Function');
    const variables = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
    const resultsFile = join(out, 'smoke-results.json');
    const result = await run(
      process.execPath,
      ['--input-type=module', '-e', script],
      offlineEnv({
        BUNDLE: pathToFileURL(join(assetDir(), 'handler.mjs')).href,
        EVENTS: JSON.stringify(events),
        RESULTS: resultsFile,
        // The function's own routes and playbooks, as deployed; the table and the secret are stand-ins.
        FIRSTLINE_PLAYBOOKS: variables.FIRSTLINE_PLAYBOOKS!,
        FIRSTLINE_ROUTES: variables.FIRSTLINE_ROUTES!,
        FIRSTLINE_TABLE: 'firstline-smoke',
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: 'fake-access-key',
        AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
        // Were anything to call AWS, it would meet a closed port, not the internet.
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      }),
    );
    expect(result.stderr).not.toMatch(/Dynamic require|Cannot find (module|package)/);
    expect(result.code, tail(result.stderr)).toBe(0);
    const [okState, unrouted, routedOk, unknown, badInput] = JSON.parse(
      await readFile(resultsFile, 'utf8'),
    ) as Array<{
      value?: { runs: unknown[]; ignored: Array<{ kind: string }> };
      error?: { code: string; message: string };
    }>;
    expect(okState!.value).toMatchObject({ runs: [], ignored: [{ kind: 'state' }] });
    expect(unrouted!.value).toMatchObject({ runs: [], ignored: [{ kind: 'unrouted' }] });
    expect(routedOk!.value).toMatchObject({
      runs: [],
      ignored: [{ kind: 'state', alarm: 'cpu-high-object4' }],
    });
    expect(unknown!.error?.code).toBe('E_EVENT_UNKNOWN');
    expect(badInput!.error?.code).toBe('E_INPUT_INVALID');
    expect(badInput!.error?.message).toContain('instanceId');
  }, 30_000);
});

/** The function's asset directory in the cloud assembly. */
function assetDir(): string {
  const [, fn] = only('AWS::Lambda::Function');
  const path = fn.Metadata?.['aws:asset:path'];
  expect(typeof path).toBe('string');
  return join(out, path as string);
}

function normalize(statement: {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}): Json {
  return {
    Effect: statement.Effect,
    Action: [...list(statement.Action)].sort(),
    Resource: list(statement.Resource),
    Condition: statement.Condition,
  };
}

function sortBy<T extends Json>(items: T[], key: string): T[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

// The bundle `pnpm build` writes (dist/bundle/handler.mjs and its chunks), copied alone into an empty directory and
// started in a fresh node process: nothing can come from node_modules, so a dependency left out of
// the bundle (ajv, loaded lazily by core) fails here. Nothing reaches AWS: a closed loopback port.
import { runInFreshNode } from './freshNode.js';
import { copyFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const bundle = fileURLToPath(new URL('../dist/bundle/handler.mjs', import.meta.url));
const playbook = fileURLToPath(new URL('../../../examples/playbooks/ec2-first-line.yaml', import.meta.url));
const asgPlaybook = fileURLToPath(new URL('../../../examples/playbooks/asg-self-heal.yaml', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-bundle-'));
  await mkdir(join(dir, 'playbooks'));
  await copyFile(bundle, join(dir, 'handler.mjs')).catch(() => {
    throw new Error(
      'packages/lambda/dist/bundle/handler.mjs is missing: run `pnpm --filter @firstline/lambda build`',
    );
  });
  // Split: what a run loads on first use (ajv, the actions' SDK clients, ssh2) is in chunks/handler/.
  await cp(join(dirname(bundle), 'chunks/handler'), join(dir, 'chunks/handler'), { recursive: true });
  await copyFile(playbook, join(dir, 'playbooks/ec2-first-line.yaml'));
  await copyFile(asgPlaybook, join(dir, 'playbooks/asg-self-heal.yaml'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const script = `
  const { handler } = await import(process.env.BUNDLE);
  const context = { getRemainingTimeInMillis: () => 290_000, awsRequestId: 'bundle-1' };
  const settle = (p) => p.then((value) => ({ value }), (error) => ({ error: { code: error.code, message: error.message } }));
  const results = [];
  for (const event of JSON.parse(process.env.EVENTS)) results.push(await settle(handler(event, context)));
  console.log(JSON.stringify(results));
`;

function start(env: Record<string, string>, events: unknown[]) {
  return runInFreshNode(dir, 'handler.mjs', script, {
    EVENTS: JSON.stringify(events),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'fake-access-key',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    ...env,
  });
}

const configured = {
  FIRSTLINE_TABLE: 'firstline-bundle',
  FIRSTLINE_PLAYBOOK: 'ec2-first-line',
  FIRSTLINE_ALARM: 'bundle-alarm',
  FIRSTLINE_INPUTS: JSON.stringify({ url: 'https://app.example.com/health', healthCheckId: 'hc-1' }),
};

describe('the Lambda bundle, alone in a directory, in a fresh node process', () => {
  test('refuses an unknown event, and checks direct inputs against the playbook with the bundled ajv', async () => {
    const result = await start(configured, [
      { hello: 'world' },
      { playbook: 'ec2-first-line', input: { instanceId: 'not-an-instance' } },
    ]);
    expect(result.stderr).not.toMatch(/Dynamic require|Cannot find (module|package)/);
    expect(result.code, result.stderr).toBe(0);
    const [unknown, badInput] = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Array<{
      error?: { code: string; message: string };
    }>;
    expect(unknown!.error?.code).toBe('E_EVENT_UNKNOWN');
    expect(badInput!.error?.code).toBe('E_INPUT_INVALID');
    expect(badInput!.error?.message).toMatch(/instanceId: must match the pattern/);
  });

  test('a function deployed without its variables fails its cold start, naming them', async () => {
    const result = await start({ FIRSTLINE_TABLE: 'firstline-bundle' }, []);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/needs FIRSTLINE_PLAYBOOK, FIRSTLINE_ALARM in its environment/);
  });

  test('FIRSTLINE_PLAYBOOK_FILE points at a playbook elsewhere; a missing one is named', async () => {
    const result = await start({ ...configured, FIRSTLINE_PLAYBOOK_FILE: join(dir, 'nowhere.yaml') }, [
      { playbook: 'ec2-first-line', input: { instanceId: 'i-0123456789abcdef0' } },
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [missing] = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Array<{
      error?: { code: string; message: string };
    }>;
    expect(missing!.error?.message).toContain('nowhere.yaml');
  });

  test('FIRSTLINE_ROUTES: several playbooks beside the bundle, each compiled when first invoked', async () => {
    const routes = [
      { playbook: 'ec2-first-line', alarm: 'cpu-*', inputs: { url: 'https://app.example.com/health' } },
      { playbook: 'asg-self-heal', alarm: 'status-*' },
    ];
    const result = await start(
      { FIRSTLINE_TABLE: 'firstline-bundle', FIRSTLINE_ROUTES: JSON.stringify(routes) },
      [
        { playbook: 'ec2-first-line', input: { instanceId: 'not-an-instance' } },
        { playbook: 'asg-self-heal', input: { instanceId: 'not-an-instance' } },
        { playbook: 'other', input: {} },
      ],
    );
    expect(result.code, result.stderr).toBe(0);
    const [ec2, asg, other] = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Array<{
      error?: { code: string; message: string };
    }>;
    expect(ec2!.error?.code).toBe('E_INPUT_INVALID');
    expect(asg!.error?.code).toBe('E_INPUT_INVALID');
    expect(other!.error?.message).toContain('(it has: ec2-first-line, asg-self-heal)');
  });

  test('serves the function URL routes its environment names: a forged Slack press 401, an unknown path 404', async () => {
    const url = (path: string, headers: Record<string, string> = {}) => ({
      version: '2.0',
      rawPath: path,
      headers,
      body: 'payload=%7B%7D',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path } },
    });
    const now = String(Math.floor(Date.now() / 1000));
    const result = await start(
      {
        ...configured,
        FIRSTLINE_SLACK_SIGNING_SECRET_REF: '{"env":"SLACK_SIGNING_SECRET"}',
        SLACK_SIGNING_SECRET: 'fake-slack-signing-secret-0001',
      },
      [
        url('/slack/interactions', {
          'x-slack-request-timestamp': now,
          'x-slack-signature': `v0=${'0'.repeat(64)}`,
        }),
        url('/alertmanager'),
      ],
    );
    expect(result.code, result.stderr).toBe(0);
    const [forged, missing] = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Array<{
      value?: { statusCode: number; body: string };
    }>;
    expect(forged!.value?.statusCode).toBe(401);
    expect(JSON.parse(forged!.value!.body)).toMatchObject({ code: 'E_SLACK_SIGNATURE' });
    expect(missing!.value?.statusCode).toBe(404);
  });
});

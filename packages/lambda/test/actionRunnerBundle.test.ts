// The action runner's bundle (dist/bundle/action-runner.mjs and its chunks, chunks/action-runner/),
// copied alone into an empty directory and started in a fresh node process: nothing can come from
// node_modules. Nothing reaches AWS.
import { runInFreshNode } from './freshNode.js';
import { copyFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

const bundle = fileURLToPath(new URL('../dist/bundle/action-runner.mjs', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-runner-bundle-'));
  await copyFile(bundle, join(dir, 'action-runner.mjs')).catch(() => {
    throw new Error(
      'packages/lambda/dist/bundle/action-runner.mjs is missing: run `pnpm --filter @firstline/lambda build`',
    );
  });
  // Split: the actions' SDK clients, ssh2 and the notifiers are chunks, loaded by the first step needing them.
  await cp(join(dirname(bundle), 'chunks/action-runner'), join(dir, 'chunks/action-runner'), {
    recursive: true,
  });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const script = `
  const { handler } = await import(process.env.BUNDLE);
  const settle = (p) => p.then((value) => ({ value }), (error) => ({ error: { name: error.name, message: error.message } }));
  const results = [];
  for (const event of JSON.parse(process.env.EVENTS)) results.push(await settle(handler(event)));
  console.log(JSON.stringify(results));
`;

test('the bundled runner runs one action per request and names what a Retry must not repeat', async () => {
  const events = [
    { action: 'core.log', step: 'note', with: { message: 'hello from the runner' } },
    { action: 'aws.nothing.here', step: 'typo', with: {} },
    // Its EC2 client is a chunk, loaded by this first call: the call reaches the (closed) port.
    { action: 'aws.ec2.describe', step: 'lookup', with: { instanceIds: ['i-0abc12345'] } },
  ];
  const { stdout, stderr } = await runInFreshNode(dir, 'action-runner.mjs', script, {
    EVENTS: JSON.stringify(events),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'fake-access-key',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  });
  expect(stderr).not.toMatch(/Cannot find (module|package)/);
  const [logged, unknown, described] = JSON.parse(stdout) as Array<{
    value?: unknown;
    error?: { name: string; message: string };
  }>;
  expect(logged).toMatchObject({ value: { outcome: 'pass' } });
  expect(unknown?.error?.name).toBe('Firstline.Fatal');
  expect(described?.error?.message).toMatch(/ec2:DescribeInstances failed: ECONNREFUSED/);
});

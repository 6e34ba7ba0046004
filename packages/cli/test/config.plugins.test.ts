import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapturingIo, runCli } from '@firstline/cli';
import { firstlineIn, tempProject } from './configProject.js';
import { requireBuiltBin } from './subprocess.js';

// Plugins by package name, resolved from the config's directory the way import() would: an ESM-only
// package (exports with an "import" condition), a scoped package's subpath, a default export of an
// array. And the config's endpoints reaching the installed packages: GitHub's base URL is a
// loopback server standing in for GitHub Enterprise.

const definition = (id: string) => `{
  id: '${id}', kind: 'probe', description: 'Answers.', input: { type: 'object' },
  output: { type: 'object', properties: { ok: { type: 'boolean' } } },
  run: async () => ({ ok: true }),
}`;
const playbook = (...ids: string[]) =>
  `firstline: 1\nname: plugins\nsteps:\n${ids.map((id, i) => `  - id: s${i}\n    action: ${id}\n`).join('')}`;

let dir: string;
beforeAll(async () => {
  dir = await tempProject({
    // ESM only: no "require" condition, so require.resolve could not find it.
    'node_modules/acme-actions/package.json': JSON.stringify({
      name: 'acme-actions',
      type: 'module',
      exports: { '.': { types: './index.d.ts', import: './dist/index.js' } },
    }),
    'node_modules/acme-actions/dist/index.js': `export const ping = ${definition('acme.net.ping')};\nexport const version = '1.0.0';\n`,
    'node_modules/@acme/ops/package.json': JSON.stringify({
      name: '@acme/ops',
      type: 'module',
      main: './main.js',
      exports: { '.': './main.js', './extra': { node: { import: './extra.mjs' }, default: './none.js' } },
    }),
    'node_modules/@acme/ops/extra.mjs': `export default [${definition('acme.ops.one')}, ${definition('acme.ops.two')}];\n`,
    'firstline.config.mjs': "export default { plugins: ['acme-actions', '@acme/ops/extra'] };\n",
    'plugins.yaml': playbook('acme.net.ping', 'acme.ops.one', 'acme.ops.two'),
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const io = createCapturingIo({ cwd: dir });
  const exit = await runCli(argv, { io });
  return { exit, stdout: io.stdout(), stderr: io.stderr() };
}

describe('plugins by package name', () => {
  it('loads an ESM-only package and a subpath of a scoped one; their actions run', async () => {
    const result = await cli('run', 'plugins.yaml', '--json', '--store', 'runs');
    expect(result.stderr).toBe('');
    expect(result.exit).toBe(0);
    const run = JSON.parse(result.stdout) as {
      outcome: string;
      trace: Array<{ type: string; actionId?: string }>;
    };
    expect(run.outcome).toBe('healthy');
  });

  it('the config alone decides: without it the actions are unknown', async () => {
    const result = await cli('validate', 'plugins.yaml', '--no-config');
    expect(result.exit).toBe(2);
    expect(result.stdout).toContain('no action "acme.net.ping" is registered');
  });
});

describe("the config's endpoints reach the installed packages", () => {
  it('github.* calls go to endpoints.github', async () => {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.writeHead(201, { 'content-type': 'application/json' });
      const issue = {
        id: 1,
        number: 7,
        title: 'disk full',
        state: 'open',
        labels: [],
        html_url: 'http://ghe.test/acme/web/issues/7',
      };
      response.end(JSON.stringify(issue));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const project = await tempProject({
        'firstline.config.mjs': `export default { endpoints: { github: 'http://127.0.0.1:${port}/api/v3' } };\n`,
        'issue.yaml': `firstline: 1
name: issue
steps:
  - id: file
    action: github.createIssue
    with: { repo: acme/web, title: disk full, body: see the run }
`,
      });
      // The config wins over the environment variable (which names a port nothing listens on).
      const env = { GITHUB_TOKEN: 'test-token-not-real', GITHUB_API_URL: 'http://127.0.0.1:9' };
      const io = createCapturingIo({ cwd: project, env });
      const exit = await runCli(['run', 'issue.yaml', '--store', 'runs'], { io });
      await rm(project, { recursive: true, force: true });
      expect(io.stderr()).toBe('');
      expect(exit).toBe(0);
      expect(requests).toEqual(['POST /api/v3/repos/acme/web/issues']);
    } finally {
      server.close();
    }
  });
});

describe("the config's AWS endpoint and region (built bin, a loopback server standing in for EC2)", () => {
  it('the EC2 call goes to endpoints.aws, signed for the config region over AWS_REGION', async () => {
    requireBuiltBin();
    const seen: Array<{ url?: string; authorization?: string }> = [];
    const server = createServer((request, response) => {
      seen.push({ url: request.url, authorization: request.headers.authorization });
      response.writeHead(400, { 'content-type': 'text/xml' });
      response.end(
        '<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>no such instance</Message></Error></Errors><RequestID>1</RequestID></Response>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const project = await tempProject({
      'firstline.config.mjs': `export default { region: 'eu-west-3', endpoints: { aws: 'http://127.0.0.1:${port}' } };\n`,
      'status.yaml': `firstline: 1
name: status
steps:
  - id: status
    action: aws.ec2.status
    with: { instanceId: i-0123456789abcdef0 }
`,
    });
    try {
      const exit = await firstlineIn(project, ['run', 'status.yaml', '--store', 'runs'], {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'FIRSTLINE-TEST-NOT-A-KEY',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_MAX_ATTEMPTS: '1',
      });
      expect(exit.stdout).toContain('no such instance');
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]!.authorization).toContain('/eu-west-3/ec2/aws4_request');
    } finally {
      server.close();
      await rm(project, { recursive: true, force: true });
    }
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FLUSH_ACTION_TS, FLUSH_PLAYBOOK, writeFiles } from './configProject.js';
import { firstline, requireBuiltBin } from './subprocess.js';

// A command that only reads a playbook must not pay for the SDKs its actions call: the AWS SDK,
// ssh2, @slack/web-api and Octokit load on an action's first call. The built bin runs with resolve
// hooks (fixtures/imports) recording every module URL it resolves.

const RECORDER = fileURLToPath(new URL('./fixtures/imports/record.mjs', import.meta.url));
const EC2_FIRST_LINE = fileURLToPath(
  new URL('../../../examples/playbooks/ec2-first-line.yaml', import.meta.url),
);
// The temp projects have no node_modules: their TypeScript imports core by its path.
const CORE = fileURLToPath(new URL('../../core/dist/index.js', import.meta.url));
const EC2_STATUS = fileURLToPath(new URL('./fixtures/imports/ec2-status.yaml', import.meta.url));
const SDKS =
  /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(@aws-sdk\/[^/]+|ssh2|@slack\/web-api|@octokit\/[^/]+|prom-client)\//;

const AJV = /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?ajv\//;

let dir: string;
beforeAll(requireBuiltBin);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-imports-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the bin with the recorder; the SDK packages it resolved, sorted and deduplicated. */
async function sdksLoadedBy(args: string[], env: Record<string, string> = {}) {
  const file = join(dir, 'imports.txt');
  const exit = await firstline(args, {
    NODE_OPTIONS: `--import ${RECORDER}`,
    FIRSTLINE_IMPORTS_FILE: file,
    ...env,
  });
  const urls = (await readFile(file, 'utf8')).split('\n');
  const sdks = [...new Set(urls.map((url) => SDKS.exec(url)?.[1]).filter((name) => name !== undefined))];
  return { exit, urls, sdks: sdks.sort() };
}

// These observe which node_modules files the bin loads: the bundled bin (FIRSTLINE_TEST_BIN=bundle) loads
// none, its packages are inside it, so there is nothing for the hooks to see.
const bundled = process.env.FIRSTLINE_TEST_BIN === 'bundle';

describe.skipIf(bundled)(
  'import cost: reading a playbook loads no SDK (built bin, resolve hooks recording imports)',
  () => {
    it.each([
      ['validate', ['validate', EC2_FIRST_LINE]],
      [
        'simulate',
        ['simulate', EC2_FIRST_LINE, '-i', 'instanceId=i-0abc', '-i', 'url=https://example.test/'],
      ],
      ['graph', ['graph', EC2_FIRST_LINE]],
      ['paths', ['paths', EC2_FIRST_LINE]],
      ['schema', ['schema']],
      ['permissions', ['permissions', EC2_FIRST_LINE]],
      ['actions', ['actions', 'aws.ec2.reboot']],
      ['export asl', ['export', 'asl', EC2_FIRST_LINE]],
      ['runs (a directory store)', ['runs', '--store', '<dir>/runs']],
    ])('%s loads the action packages but none of their SDKs', async (_name, args) => {
      const { exit, urls, sdks } = await sdksLoadedBy(args.map((arg) => arg.replace('<dir>', dir)));
      expect(exit.stderr).not.toMatch(/\n\s+at /);
      // The recorder saw the action packages themselves, so an empty SDK list is not a blind spot.
      expect(urls.some((url) => url.includes('/actions-aws/dist/'))).toBe(true);
      expect(urls.some((url) => url.includes('/notifiers/dist/'))).toBe(true);
      expect(sdks).toEqual([]);
    });

    it.each([
      ['validate', ['validate', EC2_FIRST_LINE]],
      ['graph', ['graph', EC2_FIRST_LINE]],
      ['paths', ['paths', EC2_FIRST_LINE]],
    ])(
      '%s loads no ajv: the playbook and the installed actions are checked by validators compiled at build time',
      async (_name, args) => {
        const { exit, urls } = await sdksLoadedBy(args);
        expect(exit.code).toBe(0);
        expect(urls.filter((url) => AJV.test(url))).toEqual([]);
      },
    );

    it("simulate does load ajv, for the playbook's declared inputs (the recorder sees CommonJS loads)", async () => {
      const { exit, urls } = await sdksLoadedBy([
        'simulate',
        EC2_FIRST_LINE,
        '-i',
        'instanceId=i-0abc1234',
        '-i',
        'url=https://example.test/',
        '-i',
        'healthCheckId=hc-1',
      ]);
      expect(exit.code).toBe(0);
      expect(urls.some((url) => AJV.test(url))).toBe(true);
    });

    it('runs with a dynamodb:// store does load the DynamoDB client, and only then', async () => {
      // An endpoint nothing listens on: the list fails fast, after the client was loaded.
      const { exit, sdks } = await sdksLoadedBy(
        ['runs', '--store', 'dynamodb://firstline-runs?region=us-east-1&endpoint=http://127.0.0.1:9'],
        { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_MAX_ATTEMPTS: '1' },
      );
      expect(exit.stderr).toContain('firstline: E_STORE  dynamodb Query on firstline-runs');
      expect(sdks).toContain('@aws-sdk/client-dynamodb');
    });

    it('run of an AWS probe does load the EC2 client (the recorder sees SDKs when they load)', async () => {
      // An endpoint nothing listens on: the call fails fast, after the client was loaded.
      const { sdks } = await sdksLoadedBy(['run', EC2_STATUS, '--store', join(dir, 'runs')], {
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_MAX_ATTEMPTS: '1',
      });
      expect(sdks).toContain('@aws-sdk/client-ec2');
    });
  },
);

describe.skipIf(bundled)('import cost with a project config', () => {
  const JITI = /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?jiti\//;

  it('a TypeScript config and plugin load jiti but still no SDK', async () => {
    await writeFiles(dir, {
      'firstline.config.ts': "export default { plugins: ['./flush.ts'] };\n",
      'flush.ts': FLUSH_ACTION_TS.replace("from '@firstline/core'", `from '${CORE}'`),
      'flush.yaml': FLUSH_PLAYBOOK,
    });
    const { exit, urls, sdks } = await sdksLoadedBy(['validate', join(dir, 'flush.yaml')]);
    expect(exit.code).toBe(0);
    expect(urls.some((url) => JITI.test(url))).toBe(true);
    expect(sdks).toEqual([]);
  });

  it('a JavaScript config does not load jiti', async () => {
    await writeFiles(dir, {
      'firstline.config.mjs': "export default { store: 'runs' };\n",
      'ec2.yaml': await readFile(EC2_FIRST_LINE, 'utf8'),
    });
    const { exit, urls, sdks } = await sdksLoadedBy(['validate', join(dir, 'ec2.yaml')]);
    expect(exit.code).toBe(0);
    expect(
      urls.some((url) => url.endsWith('/firstline.config.mjs') || url.includes('/firstline.config.mjs?')),
    ).toBe(true);
    expect(urls.some((url) => JITI.test(url))).toBe(false);
    expect(sdks).toEqual([]);
  });
});

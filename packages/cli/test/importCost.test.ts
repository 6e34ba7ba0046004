import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FLUSH_ACTION_TS, FLUSH_PLAYBOOK, writeFiles } from './configProject.js';
import { BUNDLE, BUNDLED, firstline, requireBuiltBin } from './subprocess.js';

// A command that only reads a playbook must not pay for the SDKs its actions call: the AWS SDK,
// ssh2, @slack/web-api and Octokit load on an action's first call. The built bin runs with resolve
// hooks (fixtures/imports) recording every module URL it resolves. The bundle's packages are inside
// its files: dist/bundle/firstline.packages.json (written by scripts/bundle.mjs) names the packages whose code
// each file holds, so a chunk it loads counts as loading those packages.

const RECORDER = fileURLToPath(new URL('./fixtures/imports/record.mjs', import.meta.url));
const EC2_FIRST_LINE = fileURLToPath(
  new URL('../../../examples/playbooks/ec2-first-line.yaml', import.meta.url),
);
// The temp projects have no node_modules: their TypeScript imports core by its path.
const CORE = fileURLToPath(new URL('../../core/dist/index.js', import.meta.url));
const EC2_STATUS = fileURLToPath(new URL('./fixtures/imports/ec2-status.yaml', import.meta.url));
const LIST_INPUT = fileURLToPath(new URL('./fixtures/imports/list-input.yaml', import.meta.url));
const HTTP_CHECK = fileURLToPath(new URL('./fixtures/imports/http-check.yaml', import.meta.url));
const SDKS = /^(?:@aws-sdk\/.+|ssh2|@slack\/web-api|@octokit\/.+|prom-client)$/;
const IN_NODE_MODULES = /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//;
const IN_WORKSPACE = /\/packages\/([^/]+)\/dist\//;
const BUNDLE_DIR = pathToFileURL(dirname(BUNDLE)).href + '/';
let bundleFiles: Record<string, string[]> | undefined;

/** The packages a module URL holds code of: its own, or, for a file of the bundle, those inside it. */
async function packagesOf(url: string): Promise<string[]> {
  if (url.startsWith(BUNDLE_DIR)) {
    bundleFiles ??= JSON.parse(
      await readFile(join(dirname(BUNDLE), 'firstline.packages.json'), 'utf8'),
    ) as Record<string, string[]>;
    const packages = bundleFiles[url.slice(BUNDLE_DIR.length).split('?')[0]!];
    // A file the list does not know is a stale build: fail rather than see nothing in it.
    if (!packages) throw new Error(`${url} is not in dist/bundle/firstline.packages.json: rebuild the CLI`);
    return packages;
  }
  const inNodeModules = IN_NODE_MODULES.exec(url)?.[1];
  if (inNodeModules) return [inNodeModules];
  const inWorkspace = IN_WORKSPACE.exec(url)?.[1];
  return inWorkspace ? [`@firstline/${inWorkspace}`] : [];
}

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
  const urls = (await readFile(file, 'utf8')).split('\n').filter((url) => url !== '');
  // The bin under test really ran: the bundle when it is the bundle, the node_modules CLI when not.
  expect(urls.some((url) => url.startsWith(BUNDLE_DIR))).toBe(BUNDLED);
  const packages = [...new Set((await Promise.all(urls.map(packagesOf))).flat())].sort();
  return { exit, urls, packages, sdks: packages.filter((name) => SDKS.test(name)) };
}

describe(`import cost: reading a playbook loads no SDK (${BUNDLED ? 'bundled' : 'node_modules'} bin, resolve hooks recording imports)`, () => {
  it.each([
    ['validate', ['validate', EC2_FIRST_LINE]],
    ['simulate', ['simulate', EC2_FIRST_LINE, '-i', 'instanceId=i-0abc', '-i', 'url=https://example.test/']],
    ['graph', ['graph', EC2_FIRST_LINE]],
    ['paths', ['paths', EC2_FIRST_LINE]],
    ['schema', ['schema']],
    ['permissions', ['permissions', EC2_FIRST_LINE]],
    ['actions', ['actions', 'aws.ec2.reboot']],
    ['export asl', ['export', 'asl', EC2_FIRST_LINE]],
    ['runs (a directory store)', ['runs', '--store', '<dir>/runs']],
  ])('%s loads the action packages but none of their SDKs', async (_name, args) => {
    const { exit, packages, sdks } = await sdksLoadedBy(args.map((arg) => arg.replace('<dir>', dir)));
    expect(exit.stderr).not.toMatch(/\n\s+at /);
    // The recorder saw the action packages themselves, so an empty SDK list is not a blind spot.
    expect(packages).toContain('@firstline/actions-aws');
    expect(packages).toContain('@firstline/notifiers');
    expect(sdks).toEqual([]);
  });

  it.each([
    ['validate', ['validate', EC2_FIRST_LINE]],
    ['graph', ['graph', EC2_FIRST_LINE]],
    ['paths', ['paths', EC2_FIRST_LINE]],
  ])(
    '%s loads no ajv: the playbook and the installed actions are checked by validators compiled at build time',
    async (_name, args) => {
      const { exit, packages } = await sdksLoadedBy(args);
      expect(exit.code).toBe(0);
      expect(packages).not.toContain('ajv');
    },
  );

  it('simulate loads no ajv when the inputs use plain keywords only (type, pattern…)', async () => {
    const { exit, packages } = await sdksLoadedBy([
      ...['simulate', EC2_FIRST_LINE, '-i', 'instanceId=i-0abc1234', '-i', 'url=https://example.test/'],
      ...['-i', 'healthCheckId=hc-1'],
    ]);
    expect(exit.code).toBe(0);
    expect(packages).not.toContain('ajv');
  });

  it('simulate does load ajv for an input only ajv checks (items): the recorder sees it load', async () => {
    const { exit, packages } = await sdksLoadedBy(['simulate', LIST_INPUT, '-i', 'hosts=["a","b"]']);
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    expect(packages).toContain('ajv');
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
});

describe.skipIf(!BUNDLED)('import cost: built-ins (the bundled bin loads them on first use)', () => {
  // Not node:net: Node loads it itself for piped stdio.
  const NETWORK = ['node:child_process', 'node:dns', 'node:http', 'node:https', 'node:tls'];

  it.each([
    ['validate', ['validate', EC2_FIRST_LINE]],
    [
      'simulate',
      ['simulate', EC2_FIRST_LINE, '-i', 'instanceId=i-0abc1234', '-i', 'url=https://example.test/'],
    ],
    ['graph', ['graph', EC2_FIRST_LINE]],
  ])('%s loads no network or process built-in: nothing it runs calls one', async (_name, args) => {
    const { urls } = await sdksLoadedBy(args);
    const builtins = urls.filter((url) => url.startsWith('node:'));
    // The recorder saw built-ins (node:fs at least), so an empty intersection is not a blind spot.
    expect(builtins).toContain('node:fs');
    expect(builtins.filter((name) => NETWORK.includes(name))).toEqual([]);
  });

  it('validate loads no node:crypto: the playbook hash is digested on first read, validators matched by schema text', async () => {
    // node:crypto costs a fresh process about 3 ms; validate never reads the playbook's SHA-256, and a
    // precompiled validator is matched to its schema by comparing canonical text, not a digest.
    const { exit, urls } = await sdksLoadedBy(['validate', EC2_FIRST_LINE]);
    expect(exit.code).toBe(0);
    expect(urls).toContain('node:fs');
    expect(urls).not.toContain('node:crypto');
  });

  it('simulate does load node:crypto, on first use (its run id and record carry the playbook hash)', async () => {
    const { exit, urls } = await sdksLoadedBy([
      ...['simulate', EC2_FIRST_LINE, '-i', 'instanceId=i-0abc1234', '-i', 'url=https://example.test/'],
      ...['-i', 'healthCheckId=hc-1'],
    ]);
    expect(exit.code).toBe(0);
    expect(urls).toContain('node:crypto');
  });

  it('run of an HTTP check does load node:http, on first use', async () => {
    const { urls } = await sdksLoadedBy(['run', HTTP_CHECK, '--store', join(dir, 'runs')]);
    expect(urls).toContain('node:http');
  });
});

describe.skipIf(!BUNDLED)('import cost: files (the bundle is regrouped, one chunk per command group)', () => {
  // Each file a process loads is a resolution, a read, a compile (or a code cache read) of its own:
  // scripts/bundle.mjs --group puts what `validate` and `simulate` load into one chunk per group
  // (esbuild's split alone made `validate` load about 30 files). The entry (a one-line require of the
  // entry's code, named by its hash), that code, its start chunk, then the group's chunk(s); a file more
  // means the grouping no longer covers what the command loads.
  it.each([
    ['validate', 4, ['validate', EC2_FIRST_LINE]],
    [
      'simulate',
      5,
      [
        ...['simulate', EC2_FIRST_LINE, '-i', 'instanceId=i-0abc1234', '-i', 'url=https://example.test/'],
        ...['-i', 'healthCheckId=hc-1', '--outcome', 'url=fail,pass'],
      ],
    ],
  ] as const)('%s loads at most %i files of the bundle', async (_name, files, args) => {
    const { exit, urls } = await sdksLoadedBy([...args]);
    expect(exit.code).toBe(0);
    const loaded = new Set(
      urls.filter((url) => url.startsWith(BUNDLE_DIR)).map((url) => url.split('?')[0] ?? url),
    );
    expect(loaded.size).toBeGreaterThan(0);
    expect(loaded.size).toBeLessThanOrEqual(files);
    // ASCII only: one other character makes Node hand V8 the whole file as a two-byte string.
    for (const url of loaded) {
      const text = await readFile(fileURLToPath(url), 'utf8');
      expect({ url, nonAscii: /[\u0080-\uffff]/.exec(text)?.[0] }).toEqual({ url, nonAscii: undefined });
    }
  });
});

describe('import cost: re2js (loaded on first use in the bundle)', () => {
  // The patterns playbooks write are judged RE2-compatible without RE2 (core's plainPattern); in the
  // bundle (scripts/bundle.mjs --lazy=re2js) `validate` reads re2js only when a pattern is not plain
  // (it is in the simulate group's chunk: simulate's input check always runs the pattern).
  const withPattern = async (pattern: string) => {
    const source = await readFile(EC2_FIRST_LINE, 'utf8');
    const edited = source.replace('pattern: "^i-[0-9a-f]{8,17}$"', `pattern: ${JSON.stringify(pattern)}`);
    expect(edited).not.toBe(source);
    await writeFiles(dir, { 'ec2.yaml': edited });
    return join(dir, 'ec2.yaml');
  };

  it.skipIf(!BUNDLED)('validate of plain patterns loads no re2js', async () => {
    const { exit, packages } = await sdksLoadedBy(['validate', EC2_FIRST_LINE]);
    expect(exit.code).toBe(0);
    expect(packages).toContain('@firstline/core');
    expect(packages).not.toContain('re2js');
  });

  it('validate of a pattern only RE2 can judge loads re2js and accepts it', async () => {
    const { exit, packages } = await sdksLoadedBy(['validate', await withPattern('^i-\\b[0-9a-f]{8,17}$')]);
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    expect(packages).toContain('re2js');
  });

  it('validate of a backreference loads re2js and refuses it, with its line', async () => {
    const { exit, packages } = await sdksLoadedBy(['validate', await withPattern('^(i)-\\1$')]);
    // Exit 2: the playbook is invalid, as from the CLI on node_modules.
    expect(exit.code).toBe(2);
    expect(exit.stdout + exit.stderr).toMatch(
      /ec2\.yaml:10:\d+ {2}E_REGEX .*backreferences are not supported/,
    );
    expect(packages).toContain('re2js');
  });
});

describe('import cost: jsonata (loaded on first use in the bundle)', () => {
  // JSONata's module start-up costs a cold process about 3 ms. core reads the expressions playbooks
  // write most (plain paths, `output.value < 90`, `$count(x) = 0 ? 'a' : 'b'`) without it
  // (format/quickReferences.ts), and answers plain conditions without it at run time; in the bundle
  // (scripts/bundle.mjs --lazy=jsonata) it is loaded only when an expression needs it.
  const withExpect = async (condition: string) => {
    const source = await readFile(EC2_FIRST_LINE, 'utf8');
    const edited = source.replace('expect: "output.value < 90"', `expect: ${JSON.stringify(condition)}`);
    expect(edited).not.toBe(source);
    await writeFiles(dir, { 'ec2.yaml': edited });
    return join(dir, 'ec2.yaml');
  };
  const SIMULATE = [
    '-i',
    'instanceId=i-0abc1234',
    '-i',
    'url=https://example.test/',
    '-i',
    'healthCheckId=hc-1',
  ];

  it.skipIf(!BUNDLED)('validate and simulate of ec2-first-line load no jsonata', async () => {
    for (const args of [
      ['validate', EC2_FIRST_LINE],
      ['simulate', EC2_FIRST_LINE, ...SIMULATE, '--outcome', 'url=fail,pass'],
    ]) {
      const { exit, packages } = await sdksLoadedBy(args);
      expect(exit.code).toBe(0);
      expect(packages).toContain('@firstline/core');
      expect(packages).not.toContain('jsonata');
    }
  });

  it('validate of an expression only JSONata reads loads jsonata and reports its error, with its line', async () => {
    const { exit, packages } = await sdksLoadedBy(['validate', await withExpect('output.value < 90 +')]);
    expect(exit.code).toBe(2);
    expect(exit.stdout + exit.stderr).toMatch(
      /ec2\.yaml:35:\d+ {2}E_EXPRESSION {2}expression does not compile: Unexpected end of expression/,
    );
    expect(packages).toContain('jsonata');
  });

  it('simulate of a template only JSONata evaluates loads jsonata and renders it', async () => {
    const source = (await readFile(EC2_FIRST_LINE, 'utf8')).replace(
      '"{{ name }}:',
      '"{{ $uppercase(name) }}:',
    );
    await writeFiles(dir, { 'upper.yaml': source });
    const { exit, packages } = await sdksLoadedBy([
      ...['simulate', join(dir, 'upper.yaml'), ...SIMULATE, '--outcome', 'url=fail,pass'],
    ]);
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('EC2-FIRST-LINE: i-0abc1234 recovered after reboot');
    expect(packages).toContain('jsonata');
  });
});

describe('import cost with a project config', () => {
  // jiti stays in node_modules beside the bundle too (scripts/bundle.mjs --external=jiti).
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

import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLUSH_ACTION_TS, FLUSH_PLAYBOOK, firstlineIn, tempProject } from './configProject.js';
import { requireBuiltBin } from './subprocess.js';

// The done-when: a custom TypeScript action in a temp project with a config file is
// validated, simulated, tested, drawn and run by the built CLI, and the run observably calls it
// (a loopback HTTP server records the flush).

const CONFIG_TS = `import { defineConfig } from '@firstline/cli';

export default defineConfig({
  plugins: ['./actions/flush.ts'],
  store: '.firstline/runs',
});
`;
const SCENARIOS = `playbook: ./flush.yaml
scenarios:
  - name: the flush passes
    input: { url: http://cache.test/flush }
    expect: { outcome: recovered, calls: { acme.cache.flush: 1 } }
  - name: the flush fails
    input: { url: http://cache.test/flush }
    outcomes: { flush: fail }
    expect: { outcome: failed }
`;

let dir: string;
let server: Server;
let url: string;
const flushed: string[] = [];
beforeAll(async () => {
  requireBuiltBin();
  dir = await tempProject({
    'firstline.config.ts': CONFIG_TS,
    'actions/flush.ts': FLUSH_ACTION_TS,
    'flush.yaml': FLUSH_PLAYBOOK,
    'flush.scenarios.yaml': SCENARIOS,
  });
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => void (body += chunk.toString()));
    request.on('end', () => {
      flushed.push(`${request.method} ${request.url} ${body}`);
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flush`;
});
afterAll(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a custom TypeScript action through the built bin', () => {
  it('validate', async () => {
    const exit = await firstlineIn(dir, ['validate', 'flush.yaml']);
    expect(exit.stdout).toContain('1 file: 0 errors, 0 warnings');
    expect(exit.code).toBe(0);
  });

  it('simulate: nothing is called', async () => {
    const exit = await firstlineIn(dir, ['simulate', 'flush.yaml', '-i', `url=${url}`]);
    expect(exit.stdout).toContain('would acme.cache.flush');
    expect(exit.code).toBe(0);
    expect(flushed).toEqual([]);
  });

  it('test: the scenarios pass', async () => {
    const exit = await firstlineIn(dir, ['test']);
    expect(exit.stdout).toContain('2 passed, 0 failed');
    expect(exit.code).toBe(0);
  });

  it('graph and paths', async () => {
    const graph = await firstlineIn(dir, ['graph', 'flush.yaml']);
    expect(graph.stdout).toContain('state "flush (acme.cache.flush)" as flush');
    expect(graph.code).toBe(0);
    const paths = await firstlineIn(dir, ['paths', 'flush.yaml']);
    expect(paths.code).toBe(0);
    expect(paths.stdout).toContain('recovered');
  });

  it('run: the action is called for real, the record lands in the config store', async () => {
    const exit = await firstlineIn(dir, ['run', 'flush.yaml', '-i', `url=${url}`]);
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    expect(flushed).toEqual(['POST /flush sessions']);
    expect(exit.stdout).toMatch(/run record: \.firstline\/runs\/[0-9a-f-]+\.json/);
  });

  it('--no-config: the action is unknown again (exit 2)', async () => {
    const exit = await firstlineIn(dir, ['validate', 'flush.yaml', '--no-config']);
    expect(exit.stdout).toContain('E_UNKNOWN_ACTION');
    expect(exit.code).toBe(2);
  });

  it('a .js config with export default in a CommonJS package loads; a syntax error is placed', async () => {
    const js = await tempProject({
      'package.json': '{ "name": "ops" }\n',
      'firstline.config.js': "export default { plugins: ['./actions/flush.ts'] };\n",
      'actions/flush.ts': FLUSH_ACTION_TS,
      'flush.yaml': FLUSH_PLAYBOOK,
      'broken/firstline.config.mjs': 'export default { store: };\n',
      'broken/flush.yaml': FLUSH_PLAYBOOK,
    });
    const loaded = await firstlineIn(js, ['validate', 'flush.yaml']);
    const broken = await firstlineIn(js, ['validate', 'broken/flush.yaml']);
    await rm(js, { recursive: true, force: true });
    expect(loaded.code).toBe(0);
    expect(broken.stderr).toBe(
      'firstline: E_CONFIG_LOAD  broken/firstline.config.mjs: cannot load: broken/firstline.config.mjs:1:25: ParseError: Unexpected token\n',
    );
    expect(broken.code).toBe(2);
  });

  it('a bad config: its code, exit 2, no stack trace', async () => {
    const bad = await tempProject({
      'firstline.config.mjs': "export default { plugins: ['./actions/flush.ts'], stor: 'runs' };\n",
      'flush.yaml': FLUSH_PLAYBOOK,
    });
    const exit = await firstlineIn(bad, ['validate', 'flush.yaml']);
    await rm(bad, { recursive: true, force: true });
    expect(exit.stderr).toBe(
      'firstline: E_CONFIG_INVALID  firstline.config.mjs: unknown key "stor"; did you mean "store"? (known: actions, plugins, store, endpoints, region)\n',
    );
    expect(exit.code).toBe(2);
  });
});

import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapturingIo, runCli } from '@firstline/cli';
import { FLUSH_ACTION_TS, FLUSH_PLAYBOOK, tempProject, writeFiles } from './configProject.js';

// A wrong project config is the user's input: one clear message naming the config file, a stable
// code, exit 2, no stack trace (but with --debug). Each case writes its own config next to one
// playbook and names it with --config.

let dir: string;
beforeAll(async () => {
  dir = await tempProject({ 'flush.yaml': FLUSH_PLAYBOOK, 'actions/flush.ts': FLUSH_ACTION_TS });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let count = 0;
/** Validates flush.yaml with a config of this text (a fresh file each time); exit and stderr. */
async function withConfig(text: string, ext = 'mjs', ...extra: string[]) {
  const file = `case${++count}.config.${ext}`;
  await writeFiles(dir, { [file]: text });
  const io = createCapturingIo({ cwd: dir });
  const exit = await runCli(['validate', 'flush.yaml', '--config', file, ...extra], { io });
  return { exit, stderr: io.stderr(), file };
}

const action = (id: string) =>
  `{ id: '${id}', kind: 'probe', description: 'Checks.', input: { type: 'object' }, run: async () => ({}) }`;

describe('a bad project config: E_CONFIG_INVALID / E_CONFIG_LOAD, exit 2, the file named', () => {
  it.each([
    [
      'unknown keys, with a did-you-mean',
      "export default { plugin: ['./actions/flush.ts'], regoin: 'eu-west-1' };",
      ['unknown key "plugin"; did you mean "plugins"?', 'unknown key "regoin"; did you mean "region"?'],
    ],
    [
      'every wrong field at once',
      "export default { actions: {}, plugins: ['', 3], store: 7, region: 'mars', endpoints: { aws: 'localhost:5000', slak: 'http://x.test' } };",
      [
        'actions must be an array of action definitions; got an object',
        'plugins[0] must be a package name or a path like "./actions.ts"; got ""',
        'plugins[1] must be a package name or a path like "./actions.ts"; got a number (3)',
        'store must be a directory path or a dynamodb:// URL; got a number (7)',
        'region must be an AWS region code like "eu-west-1"; got "mars"',
        'endpoints.aws must be an http(s) URL; got "localhost:5000"',
        'unknown endpoint "slak"; did you mean "slack"?',
      ],
    ],
    [
      'a default export that is not an object',
      'export default [];',
      ['the default export must be an object'],
    ],
    [
      'no default export',
      'export const config = {};',
      ['no default export: end the file with export default'],
    ],
    [
      'endpoints not an object',
      "export default { endpoints: 'http://x.test' };",
      ['endpoints must be an object'],
    ],
    [
      'an inline action that is not a definition',
      "export default { actions: ['acme.cache.flush'] };",
      ['actions[0] is not an action definition (made with defineAction); got "acme.cache.flush"'],
    ],
    [
      'an inline action with a bad shape',
      "export default { actions: [{ id: 'Acme', kind: 'fix', input: {}, run() {} }] };",
      ['actions[0]: invalid action definition: id "Acme" is not of the form family.service.verb'],
    ],
    [
      'a plugin that exports no action',
      "export default { plugins: ['./helpers.mjs'] };",
      ['plugin "./helpers.mjs" exports no action definitions'],
    ],
    [
      'an id the installed packages have',
      `export default { actions: [${action('aws.ec2.status')}] };`,
      ['action aws.ec2.status is defined twice: by @firstline/actions-aws and by actions[0]'],
    ],
    [
      'a built-in id',
      `export default { actions: [${action('core.log')}] };`,
      ['action core.log is defined twice: by @firstline/core (built in) and by actions[0]'],
    ],
    [
      'an id twice in the config',
      `export default { actions: [${action('acme.cache.flush')}], plugins: ['./actions/flush.ts'] };`,
      [
        'action acme.cache.flush is defined twice: by actions[0] and by plugin "./actions/flush.ts" (export flushCache)',
      ],
    ],
  ])('%s', async (_name, text, messages) => {
    await writeFiles(dir, { 'helpers.mjs': 'export const retries = 3;\nexport function helper() {}\n' });
    const { exit, stderr, file } = await withConfig(text);
    expect(exit).toBe(2);
    expect(stderr).toMatch(/^firstline: E_CONFIG_INVALID {2}/);
    for (const message of messages) expect(stderr).toContain(`${file}: ${message}`);
    expect(stderr.trim().split('\n')).toHaveLength(messages.length);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      'a plugin file that is not there',
      "export default { plugins: ['./missing.ts'] };",
      'plugin "./missing.ts" not found: no file',
    ],
    [
      'a plugin package that is not installed',
      "export default { plugins: ['acme-actions'] };",
      'plugin "acme-actions" not found: no node_modules/acme-actions above',
    ],
    ['a config that throws', "throw new Error('no VPN');\nexport default {};", 'cannot load: no VPN'],
  ])('%s: E_CONFIG_LOAD', async (_name, text, message) => {
    const { exit, stderr, file } = await withConfig(text);
    expect(exit).toBe(2);
    expect(stderr).toMatch(/^firstline: E_CONFIG_LOAD {2}/);
    expect(stderr).toContain(`${file}: `);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a TypeScript syntax error is placed at file:line:col; --debug adds the stack', async () => {
    await writeFiles(dir, { 'broken.ts': 'export const retries: number = ;\n' });
    const { exit, stderr, file } = await withConfig("export default { plugins: ['./broken.ts'] };");
    expect(exit).toBe(2);
    expect(stderr).toBe(
      `firstline: E_CONFIG_LOAD  ${file}: plugin "./broken.ts": cannot load: broken.ts:1:32: ParseError: Unexpected token\n`,
    );
    const debug = await withConfig("export default { plugins: ['./broken.ts'] };", 'mjs', '--debug');
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('a TypeScript config with a type error still loads (types are for the editor), a wrong value does not', async () => {
    const good = await withConfig(
      "const plugins: string[] = ['./actions/flush.ts'];\nexport default { plugins };\n",
      'ts',
    );
    expect(good.exit).toBe(0);
    const bad = await withConfig("export default { store: ['runs'] as unknown };\n", 'mts');
    expect(bad.exit).toBe(2);
    expect(bad.stderr).toContain(
      `${bad.file}: store must be a directory path or a dynamodb:// URL; got an array`,
    );
  });
});

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cli } from './support.js';

// What `--input`, `--input-file`, `--trigger` and a run id may carry into a run: values within
// core's DATA_LIMITS, no prototype keys, run ids that are file names. Refused with exit 2, before
// anything runs or is stored.
const PLAYBOOK = `firstline: 1
name: echo
secrets:
  chatToken: { env: CHAT_TOKEN }
inputs:
  target: { type: object, default: {} }
steps:
  - id: post
    action: test.chat.post
    with:
      token: '{{ secrets.chatToken }}'
      text: 'target {{ $string(inputs.target) }}'
`;

let dir: string;
let store: string;
let playbook: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-doors-'));
  store = join(dir, 'runs');
  playbook = join(dir, 'echo.yaml');
  await writeFile(playbook, PLAYBOOK);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const stored = () => readdir(store).catch(() => []);

it('--input __proto__={…} is refused (exit 2, E_UNSAFE_KEY), not silently dropped', async () => {
  for (const name of ['__proto__', 'constructor', 'prototype']) {
    const { code, stderr, world } = await cli([
      'run',
      playbook,
      '--input',
      `${name}={"polluted":1}`,
      '--store',
      store,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain(`E_UNSAFE_KEY  --input ${name}: this input name is refused`);
    expect(world.calls).toEqual([]);
  }
  expect(await stored()).toEqual([]);
});

it('a prototype key inside an --input value or an --input-file is refused (exit 2)', async () => {
  const value = await cli(['simulate', playbook, '--input', 'target={"a":{"__proto__":{"x":1}}}']);
  expect(value.code).toBe(2);
  expect(value.stderr).toContain(`E_UNSAFE_KEY  --input target.a: the key "__proto__" is refused`);
  const file = join(dir, 'inputs.yaml');
  await writeFile(file, 'target:\n  constructor: x\n');
  const fromFile = await cli(['simulate', playbook, '--input-file', file]);
  expect(fromFile.code).toBe(2);
  expect(fromFile.stderr).toContain(`E_UNSAFE_KEY  ${file}.target: the key "constructor" is refused`);
});

it('a trigger nested 5,000 deep is refused at the door (exit 2, E_DATA_LIMIT), never stored', async () => {
  const deep = `{"detail": ${'['.repeat(5000)}1${']'.repeat(5000)}}`;
  const inline = await cli(['run', playbook, '--trigger', deep, '--store', store]);
  expect(inline.code).toBe(2);
  expect(inline.stderr).toContain('E_DATA_LIMIT  --trigger.detail');
  expect(inline.stderr).toContain('nested deeper than 64 levels');
  const file = join(dir, 'event.json');
  await writeFile(file, deep);
  const fromFile = await cli(['run', playbook, '--trigger', file, '--store', store]);
  expect(fromFile.code).toBe(2);
  expect(inline.world.calls).toEqual([]);
  expect(await stored()).toEqual([]);
  // Within the limits the same command runs.
  const fine = await cli(['run', playbook, '--trigger', '{"detail": [[1]]}', '--store', store]);
  expect(fine.code).toBe(0);
});

it('resume and cancel of "." or ".." are refused (exit 2, E_RUN_ID_INVALID)', async () => {
  for (const command of ['resume', 'cancel'])
    for (const runId of ['.', '..']) {
      const { code, stderr } = await cli([command, runId, '--store', store]);
      expect({ command, runId, code }).toEqual({ command, runId, code: 2 });
      expect(stderr).toContain(`E_RUN_ID_INVALID  invalid run id "${runId}"`);
    }
});

import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firstlineIn } from './configProject.js';
import { requireBuiltBin } from './subprocess.js';

// `firstline init` with the built bin in an empty folder: the issue's done-when is that `firstline
// test` then passes there. The gallery comes from the package's dist/gallery, not the repository.

let dir: string;
beforeAll(requireBuiltBin);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-init-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('firstline init', () => {
  it('writes a playbook, its scenarios and a config; firstline test then passes', async () => {
    const init = await firstlineIn(dir, ['init']);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual([
      'ec2-first-line.scenarios.yaml',
      'ec2-first-line.yaml',
      'firstline.config.mjs',
    ]);
    const playbook = await readFile(join(dir, 'ec2-first-line.yaml'), 'utf8');
    expect(playbook.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./node_modules/@firstline/cli/schema.json',
    );
    const test = await firstlineIn(dir, ['test']);
    expect(test.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(test.code).toBe(0);
  });

  it('a name and a seed: the files, the playbook name and the scenario reference follow the name', async () => {
    const init = await firstlineIn(dir, ['init', 'web-heal', '--from', 'asg-self-heal']);
    expect(init.code).toBe(0);
    expect(await readFile(join(dir, 'web-heal.yaml'), 'utf8')).toMatch(/^name: web-heal$/m);
    expect(await readFile(join(dir, 'web-heal.scenarios.yaml'), 'utf8')).toMatch(
      /^playbook: \.\/web-heal\.yaml$/m,
    );
    const test = await firstlineIn(dir, ['test', 'web-heal.scenarios.yaml']);
    expect(test.code).toBe(0);
  });

  it('never overwrites without --force, and never the config', async () => {
    await writeFile(join(dir, 'firstline.config.mjs'), '// mine\nexport default {};\n');
    await writeFile(join(dir, 'ec2-first-line.yaml'), 'mine\n');
    const refused = await firstlineIn(dir, ['init']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('firstline: ec2-first-line.yaml exists\nuse --force to overwrite it\n');
    expect(await readFile(join(dir, 'ec2-first-line.yaml'), 'utf8')).toBe('mine\n');

    const forced = await firstlineIn(dir, ['init', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('kept firstline.config.mjs');
    expect(await readFile(join(dir, 'ec2-first-line.yaml'), 'utf8')).toContain('name: ec2-first-line');
    expect(await readFile(join(dir, 'firstline.config.mjs'), 'utf8')).toBe('// mine\nexport default {};\n');
  });

  it('an unknown seed: exit 2 with a did-you-mean and the list', async () => {
    const exit = await firstlineIn(dir, ['init', '--from', 'ec2-frist-line']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toBe(
      'firstline: unknown seed "ec2-frist-line"; did you mean "ec2-first-line"?\n' +
        'seeds: asg-self-heal, ec2-first-line, multi-region-first-line, network-latency-rescue, prometheus-core-dump\n',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('a name that is not a playbook name: exit 2, nothing written', async () => {
    const exit = await firstlineIn(dir, ['init', '../escape']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('"../escape" is not a playbook name');
    expect(await readdir(dir)).toEqual([]);
  });
});

import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCapturingIo, runCli } from '@firstline/cli';
import { FLUSH_ACTION_TS, FLUSH_PLAYBOOK, tempProject, writeFiles } from './configProject.js';

// Where the project config comes from: the nearest firstline.config.* above the playbook (or the
// working directory), --config, or none with --no-config. The in-process CLI with the installed
// packages; a config's custom action is what makes `acme.cache.flush` known.

const MJS_CONFIG = "export default { plugins: ['./actions/flush.ts'] };\n";
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempProject({ 'actions/flush.ts': FLUSH_ACTION_TS, ...files });
  dirs.push(dir);
  return dir;
}

async function cli(cwd: string, ...argv: string[]) {
  const io = createCapturingIo({ cwd });
  const exit = await runCli(argv, { io });
  return { exit, stdout: io.stdout(), stderr: io.stderr(), output: io.stdout() + io.stderr() };
}

describe('project config discovery', () => {
  it('is found upward from the playbook, wherever the working directory is', async () => {
    const dir = await project({
      'firstline.config.mjs': MJS_CONFIG,
      'playbooks/cache/flush.yaml': FLUSH_PLAYBOOK,
    });
    const elsewhere = await project({});
    const result = await cli(elsewhere, 'validate', join(dir, 'playbooks/cache/flush.yaml'));
    expect(result.stderr).toBe('');
    expect(result.exit).toBe(0);
    // The same playbook without a config above it: the action is unknown.
    const lone = await project({ 'flush.yaml': FLUSH_PLAYBOOK });
    const unknown = await cli(lone, 'validate', 'flush.yaml');
    expect(unknown.exit).toBe(2);
    expect(unknown.output).toContain('E_UNKNOWN_ACTION');
  });

  it('searches from the fixed part of a glob', async () => {
    const dir = await project({
      'firstline.config.mjs': MJS_CONFIG,
      'playbooks/flush.yaml': FLUSH_PLAYBOOK,
    });
    await mkdir(join(dir, 'elsewhere'));
    const result = await cli(join(dir, 'elsewhere'), 'validate', '../playbooks/**/*.yaml');
    expect(result.exit).toBe(0);
  });

  it('is found upward from the working directory for commands without a playbook (cancel names the config store)', async () => {
    const dir = await project({ 'firstline.config.mjs': "export default { store: 'var/runs' };\n" });
    await mkdir(join(dir, 'deep/er'), { recursive: true });
    const result = await cli(join(dir, 'deep/er'), 'cancel', 'no-such-run');
    expect(result.exit).toBe(2);
    expect(result.stderr).toContain(`E_RUN_NOT_FOUND  no run no-such-run in ${join(dir, 'var/runs')}`);
  });

  it('--config names one anywhere (.ts with defineConfig), --no-config ignores the one found', async () => {
    const dir = await project({
      'firstline.config.mjs': 'export default { plugins: [] };\n',
      'config/project.config.ts': `import { defineConfig } from '@firstline/cli';
export default defineConfig({ plugins: ['../actions/flush.ts'] });
`,
      'flush.yaml': FLUSH_PLAYBOOK,
    });
    const found = await cli(dir, 'validate', 'flush.yaml');
    expect(found.exit).toBe(2);
    expect(found.output).toContain('E_UNKNOWN_ACTION');
    // A global option: before the command or after it.
    expect((await cli(dir, '--config', 'config/project.config.ts', 'validate', 'flush.yaml')).exit).toBe(0);
    expect((await cli(dir, 'graph', 'flush.yaml', '--config', 'config/project.config.ts')).exit).toBe(0);

    await writeFiles(dir, { 'firstline.config.mjs': MJS_CONFIG });
    expect((await cli(dir, 'validate', 'flush.yaml')).exit).toBe(0);
    const ignored = await cli(dir, 'validate', 'flush.yaml', '--no-config');
    expect(ignored.exit).toBe(2);
    expect(ignored.output).toContain('E_UNKNOWN_ACTION');
  });

  it('--config that does not exist: E_CONFIG_LOAD, exit 2', async () => {
    const dir = await project({ 'flush.yaml': FLUSH_PLAYBOOK });
    const result = await cli(dir, 'validate', 'flush.yaml', '--config', 'nope.config.mjs');
    expect(result.exit).toBe(2);
    expect(result.stderr).toBe('firstline: E_CONFIG_LOAD  config file nope.config.mjs not found\n');
  });

  it("the config's store is where run keeps its records, relative to the config file", async () => {
    const dir = await project({
      'firstline.config.ts': `export default { store: 'state/runs', actions: [] };\n`,
      'playbooks/log.yaml': `firstline: 1
name: log
steps:
  - id: say
    action: core.log
    with: { message: hello }
`,
    });
    const result = await cli(join(dir, 'playbooks'), 'run', 'log.yaml', '--json');
    expect(result.exit).toBe(0);
    const { runId } = JSON.parse(result.stdout) as { runId: string };
    expect(existsSync(join(dir, 'state/runs', `${runId}.json`))).toBe(true);
    // report finds it by its id, in the config's store.
    const report = await cli(join(dir, 'playbooks'), 'report', runId);
    expect(report.stderr).toBe('');
    expect(report.exit).toBe(0);
    expect(report.stdout).toContain('# ');
    const missing = await cli(dir, 'report', 'no-such-run');
    expect(missing.exit).toBe(2);
    expect(missing.stderr).toContain('state/runs/no-such-run.json');
    // --store still wins.
    const flagged = await cli(dir, 'run', 'playbooks/log.yaml', '--json', '--store', 'other');
    const other = JSON.parse(flagged.stdout) as { runId: string };
    expect(existsSync(join(dir, 'other', `${other.runId}.json`))).toBe(true);
  });
});

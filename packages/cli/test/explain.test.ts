import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '@firstline/core';
import { createCapturingIo } from '../src/io.js';
import { installedActions } from '../src/installedActions.js';
import { runCli } from '../src/runCli.js';

// `firstline simulate --explain` says which step outputs the simulation synthesized, and from what.

const PLAYBOOK = join(import.meta.dirname, 'test-command', 'fixtures', 'playbooks', 'open-issue.yaml');

async function simulate(extra: string[]) {
  const io = createCapturingIo({ cwd: import.meta.dirname, env: {} });
  const { actions } = await installedActions({});
  const argv = ['simulate', PLAYBOOK, '--input', 'repo=acme/web', ...extra];
  const code = await runCli(argv, { io, actions, host: { clock: createVirtualClock() } });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('firstline simulate --explain', () => {
  it('lists each synthesized output, its action and its source; without the flag it says nothing of it', async () => {
    const { code, stdout, stderr } = await simulate(['--outcome', 'open-issue=pass', '--explain']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const section = stdout.slice(stdout.indexOf('synthesized outputs'));
    expect(section).toMatch(
      /open-issue +github\.createIssue +from the output schema's example: \{"number":42,/,
    );
    expect(section).toMatch(/comment +github\.comment +from /);
    expect((await simulate([])).stdout).not.toContain('synthesized outputs');
  });

  it('a fully scripted output is not listed as synthesized', async () => {
    const full = '{"number":7,"url":"https://github.com/acme/web/issues/7","created":true}';
    const { stdout } = await simulate(['--outcome', `open-issue=${full}`, '--explain']);
    const section = stdout.slice(stdout.indexOf('synthesized outputs'));
    expect(section).not.toContain('open-issue');
    expect(section).toContain('comment');
  });
});

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const playbooks = readdirSync(join(root, 'examples/playbooks')).filter((n) => n.endsWith('.yaml'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node examples/demo.mjs` from the repository root, as `pnpm demo` does, without a TTY. */
function demo(args: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['examples/demo.mjs', ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'firstline-demo-'));
const badPlaybook = join(scratch, 'bad.yaml');
const badLine = '    with: { url: "https://example.test/health", expectedStatus: 200 }';
let examples: Run;
let bad: Run;

beforeAll(async () => {
  // The demo runs on the built core; build it only when no build is there at all.
  if (!existsSync(join(root, 'packages/core/dist/index.js')))
    execFileSync('pnpm', ['--filter', '@firstline/core', 'run', 'build'], { cwd: root, stdio: 'ignore' });
  writeFileSync(
    badPlaybook,
    ['firstline: 1', 'name: bad', 'checks:', '  - id: url', '    action: http.check', badLine, ''].join('\n'),
  );
  [examples, bad] = await Promise.all([demo(), demo([badPlaybook])]);
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pnpm demo (node examples/demo.mjs)', () => {
  test('exits 0 and says every example playbook is valid', () => {
    expect(examples.stderr).toBe('');
    expect(examples.code).toBe(0);
    expect(examples.stdout.match(/^ {2}valid$/gm)).toHaveLength(playbooks.length);
    expect(examples.stdout).toContain(`${playbooks.length} playbooks, all valid`);
  });

  test('names every playbook, by name and by file', () => {
    for (const file of playbooks) {
      const name = file.replace(/\.yaml$/, '');
      expect(examples.stdout).toMatch(
        new RegExp(`^${name}  (first-line|general) form  examples/playbooks/${file}$`, 'm'),
      );
    }
  });

  test('summarizes the DESIGN example: inputs with defaults, secret kinds, steps, recheck', () => {
    const section = examples.stdout.slice(examples.stdout.indexOf('ec2-first-line  first-line form'));
    expect(section).toMatch(/inputs +instanceId, url, healthCheckId, region = us-east-1/);
    expect(section).toMatch(/secrets +slackToken \(env\)/);
    expect(section).toMatch(/limits +run 30m · step 20s/);
    expect(section).toMatch(/cpu +aws\.cloudwatch\.metric +probe; expect output\.value < 90/);
    expect(section).toMatch(/reboot +aws\.ec2\.reboot +remediation/);
    expect(section).toMatch(/recheck +1 round, each 2m after remediating/);
    expect(section).toMatch(
      /notify +healthy → nothing · recovered → slack\.post · unrecovered → opsgenie\.createAlert/,
    );
  });

  test('shows the kind of each secret reference, never where it points', () => {
    expect(examples.stdout).toContain('opsgenieKey (secretsManager)');
    expect(examples.stdout).toContain('sshKey (ssm)');
    for (const hidden of ['SLACK_TOKEN', 'GITHUB_TOKEN', '/firstline/ssh/private-key', 'firstline/opsgenie'])
      expect(examples.stdout).not.toContain(hidden);
  });

  test('prints plain text when stdout is not a terminal', () => {
    expect(examples.stdout).not.toContain('\u001b[');
  });

  test('exits 2 on an invalid playbook and prints its issues as file:line:col CODE message', () => {
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('invalid: 1 issue');
    expect(bad.stdout).toContain(
      `${badPlaybook}:6:${badLine.indexOf('expectedStatus') + 1}  E_ACTION_INPUT  http.check takes no input "expectedStatus"`,
    );
    expect(bad.stdout).toContain('1 playbook, 1 invalid');
  });
});

import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

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

/** Newest modification time of any file under `dir`. */
function newest(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return entry.isDirectory() ? newest(path) : statSync(path).mtimeMs;
    }),
  );
}

/** Lines of the timeline that mention `text`, so an assertion reads one event, not the whole output. */
const linesWith = (out: string, text: string) => out.split('\n').filter((line) => line.includes(text));

let recovered: Run;
let json: Run;
let healthy: Run;
let unrecovered: Run;

beforeAll(async () => {
  // The demo runs on the built core: build it when there is none or the sources are newer.
  const built = join(root, 'packages/core/dist/index.js');
  let builtAt = 0;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    // no build yet
  }
  if (builtAt < newest(join(root, 'packages/core/src')))
    execFileSync('pnpm', ['--filter', '@firstline/core', 'run', 'build'], { cwd: root, stdio: 'ignore' });
  [recovered, json, healthy, unrecovered] = await Promise.all([
    demo(),
    demo(['--json']),
    demo(['--scenario', 'healthy']),
    demo(['--scenario=unrecovered']),
  ]);
}, 120_000);

describe('pnpm demo (node examples/demo.mjs)', () => {
  test('simulates ec2-first-line by default and exits 0 when it recovers', () => {
    expect(recovered.stderr).toBe('');
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toMatch(
      /^playbook +ec2-first-line +examples\/playbooks\/ec2-first-line\.yaml$/m,
    );
    expect(recovered.stdout).toMatch(/^scenario +recovered: /m);
    expect(recovered.stdout).toMatch(/^mode +simulate\b/m);
    expect(recovered.stdout).toContain('no cloud account needed');
  });

  test('prints the timeline: failing check, reboot, 2m wait, passing recheck, recovered', () => {
    const out = recovered.stdout;
    const at = (pattern: RegExp) => out.search(pattern);
    const failed = at(/^\+00:00\.000 +result +url fail\b/m);
    const reboot = at(/^\+00:00\.000 +result +reboot pass\b/m);
    const wait = at(/^\+00:00\.000 +wait +recheck until \+02:00\.000 \(2m\)$/m);
    const recheck = at(/^\+02:00\.000 +result +url pass\b/m);
    const end = at(/^\+02:00\.000 +end +recovered in 2m$/m);
    for (const position of [failed, reboot, wait, recheck, end]) expect(position).toBeGreaterThan(-1);
    expect([failed, reboot, wait, recheck, end]).toEqual(
      [failed, reboot, wait, recheck, end].sort((a, b) => a - b),
    );
    expect(linesWith(out, 'step      url http.check (visit 2)')).toHaveLength(1);
    expect(linesWith(out, 'slack.post')[0]).toMatch(
      /^\+02:00\.000 +step +notify\.recovered\[0\] slack\.post$/,
    );
  });

  test('ends with the outcome, virtual against wall time, and the calls per action', () => {
    const out = recovered.stdout;
    expect(out).toMatch(/^outcome +recovered$/m);
    const time = /^time +2m virtual, (\d+)ms wall$/m.exec(out);
    expect(time, out).not.toBeNull();
    // Two virtual minutes take well under that in wall time: the wait is not slept through.
    expect(Number(time?.[1])).toBeLessThan(60_000);
    expect(out).toMatch(/^ {2}http\.check: +2 +probe$/m);
    expect(out).toMatch(/^ {2}aws\.ec2\.reboot: +1 +remediation$/m);
    expect(out).toMatch(/^ {2}slack\.post: +1 +notify$/m);
    expect(out).toMatch(/^ {2}opsgenie\.createAlert: +0 +notify$/m);
  });

  test('prints plain text when stdout is not a terminal', () => {
    expect(recovered.stdout).not.toContain('\u001b[');
  });

  test('--json prints the result, trace and calls included', () => {
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const result = JSON.parse(json.stdout) as {
      scenario: string;
      outcome: string;
      durationMs: number;
      trace: Array<{ type: string; step?: string; outcome?: string }>;
      calls: Record<string, unknown[]>;
    };
    expect(result.scenario).toBe('recovered');
    expect(result.outcome).toBe('recovered');
    expect(result.durationMs).toBe(120_000);
    expect(result.trace[0]?.type).toBe('run.start');
    expect(result.trace.at(-1)).toMatchObject({ type: 'run.end', outcome: 'recovered' });
    expect(result.trace).toContainEqual(expect.objectContaining({ type: 'wait.start', durationMs: 120_000 }));
    expect(result.calls['aws.ec2.reboot']).toEqual([{ instanceIds: ['i-0abc1234'] }]);
    expect(result.calls['opsgenie.createAlert']).toEqual([]);
  });

  test('--scenario healthy: checks pass at once, nothing is rebooted', () => {
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/^\+00:00\.000 +end +healthy in 0ms$/m);
    expect(healthy.stdout).toMatch(/^outcome +healthy$/m);
    expect(healthy.stdout).toMatch(/^ {2}aws\.ec2\.reboot: +0 /m);
    expect(healthy.stdout).not.toContain('wait      recheck');
  });

  test('--scenario unrecovered: the recheck still fails and OpsGenie is alerted', () => {
    expect(unrecovered.code).toBe(0);
    expect(unrecovered.stdout).toMatch(/^\+02:00\.000 +result +url fail\b/m);
    expect(unrecovered.stdout).toMatch(/^\+02:00\.000 +end +unrecovered in 2m$/m);
    expect(unrecovered.stdout).toMatch(/^outcome +unrecovered$/m);
    expect(unrecovered.stdout).toMatch(/^ {2}opsgenie\.createAlert: +1 +notify$/m);
    expect(unrecovered.stdout).toMatch(/^ {2}slack\.post: +0 +notify$/m);
  });

  test.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--scenario', 'nope'], /unknown scenario "nope" \(one of healthy, recovered, unrecovered\)/],
    [['--scenario'], /argument missing/],
    [['examples/playbooks/asg-self-heal.yaml'], /Unexpected argument/],
  ])('bad flags %j: exit 2 with a message and the usage, no stack trace', async (args, message) => {
    const run = await demo(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: node examples/demo.mjs [--scenario healthy|recovered|unrecovered]');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  test('--help prints the usage and exits 0', async () => {
    const run = await demo(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--scenario NAME');
  });
});

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { createCapturingIo, runCli } from '@firstline/cli';
import { exampleActions } from '../src/actions.js';

// `pnpm demo` is the first thing a newcomer runs: `firstline simulate` on the design's first-line
// playbook. These tests run the demo's own command line (after the build `pnpm test` has done) and
// keep the README's copy of its output true; then the examples' scenario files through `firstline test`.

const root = fileURLToPath(new URL('../../', import.meta.url));
const scripts = (
  JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }
).scripts;
/** The demo's command after its build step: `node packages/cli/bin/firstline.js simulate …` (the bin users run). */
const demoCommand = scripts.demo!.split(' && ').at(-1)!;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function shell(command: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      cwd: root,
      shell: true,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
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

let demo: Run;
beforeAll(async () => {
  if (!existsSync(`${root}packages/cli/dist/bundle/firstline.cjs`))
    throw new Error('run pnpm build first (pnpm test does)');
  demo = await shell(demoCommand);
}, 60_000);

describe('pnpm demo', () => {
  test('is `firstline simulate` on examples/playbooks/ec2-first-line.yaml', () => {
    expect(scripts.demo).toMatch(
      / && node packages\/cli\/bin\/firstline\.js simulate examples\/playbooks\/ec2-first-line\.yaml /,
    );
  });

  test('recovers: failing URL check, reboot, 2m virtual wait, passing recheck, Slack', () => {
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    const at = (pattern: RegExp) => demo.stdout.search(pattern);
    const order = [
      at(/^\+00:00\.000 +result +url fail\b/m),
      at(/^\+00:00\.000 +result +reboot pass\b/m),
      at(/^\+00:00\.000 +wait +recheck until \+02:00\.000 \(2m\)$/m),
      at(/^\+02:00\.000 +result +url pass\b/m),
      at(/^\+02:00\.000 +end +recovered in 2m$/m),
    ];
    for (const position of order) expect(position).toBeGreaterThan(-1);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(demo.stdout).toMatch(/^ {2}\+00:00\.000 +reboot +would reboot i-0abc1234$/m);
    expect(demo.stdout).toMatch(/^ {2}\+02:00\.000 +notify\.recovered\[0\] +would post to #ops: /m);
    expect(demo.stdout).toMatch(/^outcome {2}recovered in 2m$/m);
    expect(demo.stdout).not.toContain('\u001b['); // piped: no colour
  });

  test('the README shows exactly what it prints', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const block = /## `pnpm demo`[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(demo.stdout);
  });
});

describe('firstline test on the examples', () => {
  test('every scenario passes, and the coverage of each playbook is reported', async () => {
    const io = createCapturingIo({ cwd: root });
    const code = await runCli(['test', 'examples/playbooks', '--json'], {
      io,
      actions: exampleActions,
      host: {},
    });
    expect(io.stderr()).toBe('');
    const report = JSON.parse(io.stdout()) as {
      totals: { passed: number; failed: number };
      coverage: Array<{ name: string; covered: number; paths: number }>;
    };
    expect(report.totals.failed).toBe(0);
    expect(report.totals.passed).toBeGreaterThanOrEqual(25);
    expect(code).toBe(0);
    expect(report.coverage.map((c) => c.name).sort()).toEqual([
      'asg-self-heal',
      'ec2-first-line',
      'multi-region-first-line',
      'network-latency-rescue',
      'prometheus-core-dump',
    ]);
    // multi-region-first-line's seven paths (the spent budget, and a check that could not run before
    // and after the reboot, included) are each exercised; every playbook has some covered.
    expect(report.coverage.find((c) => c.name === 'multi-region-first-line')).toMatchObject({
      covered: 7,
      paths: 7,
    });
    for (const playbook of report.coverage) expect(playbook.covered, playbook.name).toBeGreaterThan(0);
  });
});

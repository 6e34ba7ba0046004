import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testCommand } from '../../src/commands/test.js';
import { UsageError } from '../../src/context.js';
import type { TestReport } from '../../src/scenarios/runScenarioSuite.js';
import { FIXTURES, testContext } from './support.js';

const GOLDEN = join(import.meta.dirname, '__golden__');

/** Compares with a checked-in file; UPDATE_GOLDEN=1 rewrites it (then review the diff by eye). */
async function expectGolden(name: string, actual: string): Promise<void> {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    await mkdir(GOLDEN, { recursive: true });
    await writeFile(path, actual);
  }
  expect(actual).toBe(await readFile(path, 'utf8'));
}

async function run(paths: string[], options: { json?: boolean; minCoverage?: number } = {}, cwd = FIXTURES) {
  const { io, ctx } = testContext(cwd);
  const code = await testCommand(paths, options, ctx);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('firstline test: reports', () => {
  it('prints pass, fail with expected and actual, path coverage and the totals (golden)', async () => {
    const { code, stdout, stderr } = await run(['suite']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    await expectGolden('suite.txt', stdout);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('3 passed, 1 failed');
  });

  it('colours expected green and actual red only when colours are on', async () => {
    const plain = await run(['suite']);
    expect(plain.stdout).not.toContain('\x1b[');
    const { io, ctx } = testContext(FIXTURES, undefined, true);
    await testCommand(['suite'], {}, ctx);
    expect(io.stdout()).toContain('\x1b[31m✗\x1b[39m');
    expect(io.stdout()).toContain('\x1b[32mrecovered\x1b[39m'); // expected
    expect(io.stdout()).toContain('\x1b[31munrecovered\x1b[39m'); // actual
  });

  it('a scenario crafted for every path of a playbook covers all of them (100%, exit 0)', async () => {
    const { code, stdout } = await run(['general'], { json: true });
    const report = JSON.parse(stdout) as TestReport;
    expect(code).toBe(0);
    expect(report.totals).toEqual({ scenarios: 10, passed: 10, failed: 0, paths: 10, covered: 10 });
    expect(report.coverage).toEqual([
      {
        playbook: 'playbooks/cache-rescue.yaml',
        name: 'cache-rescue',
        paths: 10,
        covered: 10,
        percent: 100,
        truncated: false,
        uncovered: [],
      },
    ]);
    // Each scenario took a different path: none is covered twice, none is missed.
    const taken = report.scenarios.map((s) => s.coveredPath);
    expect(new Set(taken).size).toBe(10);
    expect(taken).not.toContain(null);
    expect(taken[4]).toBe(
      'probe:fail → flush:pass → settle:pass → ready:timeout → flush:pass → settle:pass → ready:timeout → again:skipped → both:fail|error|timeout → page:pass|skipped|fail|error|timeout ⇒ unrecovered',
    );
  });

  it('--json prints one object: scenarios with their diffs, coverage with uncovered paths, totals', async () => {
    const { code, stdout, stderr } = await run(['suite'], { json: true });
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as TestReport;
    expect(report.ok).toBe(false);
    expect(report.totals).toEqual({ scenarios: 4, passed: 3, failed: 1, paths: 15, covered: 4 });
    const failed = report.scenarios.find((s) => !s.passed)!;
    expect(failed).toMatchObject({
      file: 'suite/web.scenarios.yaml',
      line: 17,
      column: 5,
      name: 'the restart does not help (expected wrongly on purpose)',
      playbook: 'web-first-line',
      outcome: 'unrecovered',
      coveredPath: 'url:fail → restart:pass → recheck:pass → url:fail ⇒ unrecovered',
    });
    // Every action called (retries count), and every expected one even when it was not called.
    expect(failed.calls).toEqual({ 'http.check': 2, 'svc.restart': 1, 'pager.alert': 1 });
    expect(failed.diffs).toEqual([
      { kind: 'outcome', expected: 'recovered', actual: 'unrecovered' },
      { kind: 'calls', action: 'pager.alert', expected: 0, actual: 1 },
      {
        kind: 'path',
        expected: ['url:fail', 'restart', 'recheck', 'url:pass'],
        actual: ['url:fail', 'restart:pass', 'recheck:pass', 'url:fail'],
        at: 3,
      },
    ]);
    expect(report.coverage[0]!.uncovered).toHaveLength(11);
    expect(report.coverage[0]!.uncovered[0]).toEqual({
      description:
        'url:pass → service:fail → restart:pass → recheck:pass → url:pass → service:fail ⇒ unrecovered',
      steps: expect.arrayContaining([{ step: 'restart', outcome: 'pass' }]) as unknown,
      outcome: 'unrecovered',
    });
    expect(report.coverage[0]!.percent).toBe(26.6);
  });

  it('--min-coverage fails a run whose scenarios all pass when a playbook is below it', async () => {
    const below = await run(['suite/more'], { minCoverage: 50 });
    expect(below.code).toBe(1);
    expect(below.stdout).toContain('path coverage below --min-coverage 50%: playbooks/web-first-line.yaml');
    expect(below.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed');
    const met = await run(['suite/more'], { minCoverage: 6, json: true });
    expect(met.code).toBe(0);
    expect(JSON.parse(met.stdout)).toMatchObject({ ok: true, minCoverage: 6, belowMinCoverage: [] });
    await expect(run(['suite'], { minCoverage: 120 })).rejects.toThrow(UsageError);
    await expect(run(['suite'], { minCoverage: Number.NaN })).rejects.toThrow(/from 0 to 100/);
  });
});

describe('firstline test: bad scenario files exit 2 with every problem at file:line:col', () => {
  it('reports shape problems, unknown names, refused inputs, unreadable and invalid playbooks at once', async () => {
    const { code, stdout, stderr } = await run(['invalid']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      'playbooks/broken.yaml:6:13  E_UNKNOWN_ACTION  no action "svc.stat" is registered; did you mean "svc.status"?',
      'playbooks/broken.yaml:7:17  E_UNKNOWN_STEP  no step has the id "nowhere"',
      'invalid/end-steps.scenarios.yaml:5:29  E_SCENARIO_INVALID  expect.path: "healthy" is an `end:` step; it can only be the last entry, without an outcome',
      'invalid/end-steps.scenarios.yaml:8:29  E_SCENARIO_INVALID  expect.path: "paged" is an `end:` step; it can only be the last entry, without an outcome',
      expect.stringMatching(
        /^invalid\/missing-playbook\.scenarios\.yaml:1:11 {2}E_SCENARIO_INVALID {2}playbook: cannot read .*no-such-playbook\.yaml: no such file$/,
      ),
      'invalid/not-yaml.scenarios.yaml:4:5  E_SCENARIO_INVALID  invalid YAML: Map keys must be unique',
      'invalid/refs.scenarios.yaml:5:17  E_SCENARIO_INVALID  outcomes.urll: no step with this id runs an action in web-first-line; did you mean "url"? (steps that do: restart, service, url)',
      'invalid/refs.scenarios.yaml:7:16  E_SCENARIO_INVALID  expect.outcome: web-first-line never ends "recoverd"; did you mean "recovered"? (it can end: cancelled, failed, healthy, inconclusive, recovered, skipped, timed_out, unrecovered)',
      'invalid/refs.scenarios.yaml:8:16  E_SCENARIO_INVALID  expect.calls: web-first-line never calls chat.pst; did you mean "chat.post"? (it calls: chat.post, http.check, pager.alert, svc.restart, svc.status)',
      'invalid/refs.scenarios.yaml:9:19  E_SCENARIO_INVALID  expect.path: "restrat" is not a step of web-first-line\'s paths; did you mean "restart"? (steps: recheck, restart, service, url)',
      'invalid/refs.scenarios.yaml:11:19  E_SCENARIO_INVALID  input: inputs.url: must match the pattern "^https://", got the string "http://insecure.example.com"',
      'invalid/refs.scenarios.yaml:11:57  E_SCENARIO_INVALID  input: inputs.service: expected a string, got the number 3',
      'invalid/shape.scenarios.yaml:2:1  E_SCENARIO_INVALID  unknown key "extra" in a scenario file (allowed: playbook, scenarios)',
      'invalid/shape.scenarios.yaml:6:29  E_SCENARIO_INVALID  "maybe" is not an outcome: use pass, fail, error, timeout, throttled, 5xx, network, approved, denied, expired or an output mapping',
      'invalid/shape.scenarios.yaml:6:46  E_SCENARIO_INVALID  42 is not an outcome: use pass, fail, error, timeout, throttled, 5xx, network, approved, denied, expired or an output mapping',
      'invalid/shape.scenarios.yaml:8:16  E_SCENARIO_INVALID  `expect.outcome` must be a run outcome name, such as recovered or unrecovered',
      'invalid/shape.scenarios.yaml:9:29  E_SCENARIO_INVALID  expect.calls.svc.restart: 1.5 is not a whole number of calls (0 or more)',
      'invalid/shape.scenarios.yaml:9:45  E_SCENARIO_INVALID  expect.calls.chat.post: "1" is not a whole number of calls (0 or more)',
      'invalid/shape.scenarios.yaml:10:19  E_SCENARIO_INVALID  "url:broken" is not a path step: write a step id, optionally with its outcome (`url:fail`, `url:fail|error`; outcomes: pass, fail, error, timeout, skipped)',
      'invalid/shape.scenarios.yaml:11:5  E_SCENARIO_INVALID  missing `name:`; every scenario needs one to be reported by',
      'invalid/shape.scenarios.yaml:13:5  E_SCENARIO_INVALID  missing `expect:`; say what the run must do (`outcome:`, `calls:`, `path:`)',
      'invalid/shape.scenarios.yaml:15:5  E_SCENARIO_INVALID  unknown key "outcome" in a scenario (allowed: name, input, outcomes, trigger, budgetsSpent, expect); did you mean "outcomes"?',
      '22 problems in 6 files; no scenario was run',
    ]);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('--json reports the problems in the same object shape, nothing run', async () => {
    const { code, stdout } = await run(['invalid/refs.scenarios.yaml'], { json: true });
    expect(code).toBe(2);
    const report = JSON.parse(stdout) as TestReport;
    expect(report).toMatchObject({ ok: false, scenarios: [], coverage: [], totals: { scenarios: 0 } });
    expect(report.problems[0]).toEqual({
      file: 'invalid/refs.scenarios.yaml',
      path: 'scenarios[0].outcomes.urll',
      line: 5,
      column: 17,
      code: 'E_SCENARIO_INVALID',
      message: expect.stringContaining('outcomes.urll: no step with this id') as unknown,
    });
  });
});

describe('firstline test: finding scenario files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firstline-test-'));
    const playbook = await readFile(join(FIXTURES, 'playbooks/web-first-line.yaml'), 'utf8');
    const scenarios = (name: string, pb = './web.yaml') =>
      `playbook: ${pb}\nscenarios:\n  - name: ${name}\n    input: { url: https://a.example.com, service: web }\n    expect: { outcome: healthy }\n`;
    const files: Record<string, string> = {
      'web.yaml': playbook,
      'top.scenarios.yaml': scenarios('top'),
      'deep/er/deep.scenarios.yml': scenarios('deep', '../../web.yaml'),
      'node_modules/pkg/dep.scenarios.yaml': scenarios('dependency', '../../web.yaml'),
      '.cache/hidden.scenarios.yaml': scenarios('hidden', '../web.yaml'),
      'notes.yaml': 'not: a scenario file\n',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const names = async (paths: string[]) => {
    const { code, stdout } = await run(paths, { json: true }, dir);
    expect(code).toBe(0);
    return (JSON.parse(stdout) as TestReport).scenarios.map((s) => `${s.file}: ${s.name}`);
  };

  it('searches directories recursively, skipping node_modules and dot directories', async () => {
    expect(await names(['.'])).toEqual(['deep/er/deep.scenarios.yml: deep', 'top.scenarios.yaml: top']);
    expect(await names([])).toEqual(['deep/er/deep.scenarios.yml: deep', 'top.scenarios.yaml: top']);
  });

  it('takes files as given and globs as they match, each file once', async () => {
    expect(await names(['top.scenarios.yaml', './top.scenarios.yaml'])).toEqual(['top.scenarios.yaml: top']);
    expect(await names(['deep/**/*.yml', 'deep'])).toEqual(['deep/er/deep.scenarios.yml: deep']);
    expect(await names(['.cache/hidden.scenarios.yaml'])).toEqual(['.cache/hidden.scenarios.yaml: hidden']);
  });

  it('a path that names nothing, or no scenario file at all, is a usage error (exit 2)', async () => {
    await expect(run(['nope'], {}, dir)).rejects.toThrow('nope: no such file or directory');
    await expect(run(['nothing/*.scenarios.yaml'], {}, dir)).rejects.toThrow(
      'no files match nothing/*.scenarios.yaml',
    );
    await mkdir(join(dir, 'empty'));
    await expect(run(['empty'], {}, dir)).rejects.toThrow(UsageError);
    await expect(run(['empty'], {}, dir)).rejects.toThrow(
      'no scenario files (*.scenarios.yaml) found in empty',
    );
  });

  it('passes the scenario trigger to the run, classified as every host does (a custom event under `trigger.raw`)', async () => {
    await writeFile(
      join(dir, 'trigger.yaml'),
      'firstline: 1\nname: by-trigger\nsteps:\n  - id: page\n    action: pager.alert\n    when: "trigger.kind = \'unknown\' and trigger.raw.severity = \'high\'"\n    with: { message: "{{ trigger.raw.alarm }}" }\n',
    );
    await writeFile(
      join(dir, 'trigger.scenarios.yaml'),
      [
        'playbook: ./trigger.yaml',
        'scenarios:',
        '  - name: high pages',
        '    trigger: { severity: high, alarm: CPU }',
        "    expect: { calls: { pager.alert: 1 }, path: ['page:pass'] }",
        '  - name: low does not',
        '    trigger: { severity: low }',
        "    expect: { calls: { pager.alert: 0 }, path: ['page:skipped'] }",
        '',
      ].join('\n'),
    );
    const { code, stdout } = await run(['trigger.scenarios.yaml'], { json: true }, dir);
    expect(JSON.parse(stdout)).toMatchObject({ totals: { passed: 2, failed: 0 } });
    expect(code).toBe(0);
  });
});

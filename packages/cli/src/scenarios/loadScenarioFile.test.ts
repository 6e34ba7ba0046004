import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, MAX_SCENARIO_FILE_BYTES, parseScenarioFile } from './loadScenarioFile.js';
import { isScenarioInvalid, ScenarioInvalid } from './ScenarioInvalid.js';

const parse = (text: string) => parseScenarioFile(text, 'x.scenarios.yaml', '/repo/tests/x.scenarios.yaml');
const problemsOf = (text: string) => {
  try {
    parse(text);
  } catch (error) {
    if (isScenarioInvalid(error))
      return error.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message}`);
    throw error;
  }
  throw new Error('expected ScenarioInvalid');
};

describe('parseScenarioFile', () => {
  it('reads scenarios, resolves the playbook against the file, parses path steps', () => {
    const file = parse(
      [
        '\uFEFFplaybook: ../playbooks/ec2.yaml',
        'scenarios:',
        '  - name: reboot fixes it',
        '    input: { instanceId: i-0abc1234 }',
        '    outcomes: { url: [fail, pass], cpu: { value: 95 } }',
        '    trigger: { alarm: CPU }',
        '    expect:',
        '      outcome: recovered',
        '      calls: { aws.ec2.reboot: 1 }',
        '      path: [url:fail, reboot, "recheck:pass|skipped"]',
      ].join('\n'),
    );
    expect(file.playbookPath).toBe('/repo/playbooks/ec2.yaml');
    expect(file.scenarios).toEqual([
      {
        name: 'reboot fixes it',
        index: 0,
        input: { instanceId: 'i-0abc1234' },
        outcomes: { url: ['fail', 'pass'], cpu: { value: 95 } },
        trigger: { alarm: 'CPU' },
        expect: {
          outcome: 'recovered',
          calls: { 'aws.ec2.reboot': 1 },
          path: [
            { step: 'url', outcomes: ['fail'], text: 'url:fail' },
            { step: 'reboot', text: 'reboot' },
            { step: 'recheck', outcomes: ['pass', 'skipped'], text: 'recheck:pass|skipped' },
          ],
        },
        line: 3,
        column: 5,
      },
    ]);
    expect(file.locate(['scenarios', 0, 'outcomes', 'url', 1])).toEqual({ line: 5, column: 29 });
    expect(file.locate(['scenarios', 0, 'expect', 'calls', 'aws.ec2.reboot'], { key: true })).toEqual({
      line: 9,
      column: 16,
    });
  });

  it('reports every problem, keys at the key and values at the value', () => {
    expect(problemsOf('playbook: 3\nscenarios: []\nother: 1\n')).toEqual([
      '1:11 playbook `playbook:` must be a path to a playbook file, relative to this file',
      '2:12 scenarios `scenarios:` must be a non-empty list',
      '3:1 other unknown key "other" in a scenario file (allowed: playbook, scenarios)',
    ]);
    expect(
      problemsOf('scenarios:\n  - name: a\n    expect: {}\n  - name: a\n    expect: { outcome: healthy }\n'),
    ).toEqual([
      '1:1  missing `playbook:`, the path of the playbook these scenarios test (relative to this file)',
      '3:13 scenarios[0].expect `expect:` must be a mapping with at least one of `outcome:`, `calls:`, `path:`',
      '4:11 scenarios[1].name another scenario is already named "a" (scenarios[0]); names must be unique',
    ]);
    expect(
      problemsOf(
        'playbook: p.yaml\nscenarios:\n  - name: a\n    outcomes: { url: [], cpu: [pass, nope] }\n    expect: { outcome: healthy, calls: { x: -1 } }\n',
      ),
    ).toEqual([
      '4:22 scenarios[0].outcomes.url outcomes.url: the list is empty; give at least one outcome',
      '4:38 scenarios[0].outcomes.cpu[1] "nope" is not an outcome: use pass, fail, error, timeout, throttled, 5xx, network, approved, denied, expired or an output mapping',
      '5:45 scenarios[0].expect.calls.x expect.calls.x: -1 is not a whole number of calls (0 or more)',
    ]);
    expect(problemsOf('- just a list\n')).toEqual([
      '1:1  a scenario file is a mapping with `playbook:` (the playbook to test) and `scenarios:` (a list)',
    ]);
  });

  it('reports YAML errors where they are', () => {
    expect(problemsOf('playbook: p.yaml\nscenarios:\n  - name: a\n    name: b\n')).toEqual([
      '4:5  invalid YAML: Map keys must be unique',
    ]);
    expect(problemsOf('playbook: [unclosed\n')[0]).toMatch(/^2:1 {2}invalid YAML: /);
  });

  it("ScenarioInvalid carries a code, the first position, and issues the CLI prints like a playbook's", () => {
    const error = (() => {
      try {
        parse('playbook: p.yaml\nscenarios:\n  - name: a\n  - expect: { outcome: x }\n');
      } catch (e) {
        return e as ScenarioInvalid;
      }
    })()!;
    expect(error).toBeInstanceOf(ScenarioInvalid);
    expect(error).toMatchObject({ code: 'E_SCENARIO_INVALID', file: 'x.scenarios.yaml', line: 3, column: 5 });
    expect(error.message).toBe(
      'x.scenarios.yaml:3:5 E_SCENARIO_INVALID missing `expect:`; say what the run must do (`outcome:`, `calls:`, `path:`) (and 1 more)',
    );
    expect(error.issues[1]).toEqual({
      code: 'E_SCENARIO_INVALID',
      message: 'missing `name:`; every scenario needs one to be reported by',
      line: 4,
      column: 5,
      severity: 'error',
    });
  });
});

describe('loadScenarioFile', () => {
  it('refuses what it cannot read: a missing file, a directory, a file too large', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'firstline-scenarios-'));
    try {
      await expect(loadScenarioFile(join(dir, 'none.scenarios.yaml'), 'none.scenarios.yaml')).rejects.toThrow(
        'none.scenarios.yaml:1:1 E_SCENARIO_INVALID cannot read the file: no such file',
      );
      await expect(loadScenarioFile(dir, 'dir')).rejects.toThrow('dir is a directory, not a scenario file');
      const big = join(dir, 'big.scenarios.yaml');
      await writeFile(big, `# ${'x'.repeat(MAX_SCENARIO_FILE_BYTES)}\n`);
      await expect(loadScenarioFile(big)).rejects.toThrow(/scenario files are limited to 2097152/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { fakeAction, validateYaml } from '../../test/support.js';
import { createActionRegistry } from '../actions/registry.js';
import type { Issue, ValidationResult } from './issues.js';

const actions = createActionRegistry([
  fakeAction('test.probe.get', 'probe'),
  fakeAction('test.box.reboot', 'remediation'),
]);

const validate = (body: string): ValidationResult => validateYaml(body, actions, 'settings');
const check = (body: string): Issue[] => validate(body).issues;
const summary = (issues: Issue[]) => issues.map((i) => `${i.code} ${i.path} ${i.severity}`);

const CHECKS = 'checks:\n  - id: web\n    action: test.probe.get\n';
const STEPS = 'steps:\n  - id: web\n    action: test.probe.get\n';

describe('form', () => {
  it('reports checks and steps together, at the steps key', () => {
    expect(check(CHECKS + 'steps:\n  - id: done\n    end: recovered\n')).toMatchObject([
      { code: 'E_FORM', path: 'steps', line: 6, column: 1, severity: 'error' },
    ]);
  });

  it('reports a playbook with neither, at the top', () => {
    expect(check('description: nothing to do\n')).toMatchObject([
      { code: 'E_FORM', path: '', line: 1, column: 1, severity: 'error' },
    ]);
  });

  it('reports first-line keys in the general form, each at its key', () => {
    const issues = check(
      STEPS +
        'remediate:\n  - id: r\n    action: test.box.reboot\nrecheck: { after: 1m }\nnotify:\n  healthy: []\n',
    );
    expect(summary(issues)).toEqual([
      'E_FORM remediate error',
      'E_FORM recheck error',
      'E_FORM notify error',
    ]);
    expect(issues.map((i) => [i.line, i.column])).toEqual([
      [6, 1],
      [9, 1],
      [10, 1],
    ]);
  });

  it('warns about remediate without recheck, leaving the playbook valid', () => {
    const result = validate(CHECKS + 'remediate:\n  - id: reboot\n    action: test.box.reboot\n');
    expect(result.ok).toBe(true);
    expect(result.issues).toMatchObject([
      { code: 'E_FORM', path: 'remediate', severity: 'warning', line: 6, column: 1 },
    ]);
    expect(result.issues[0]?.message).toContain('recheck');
    expect(
      validate(CHECKS + 'remediate:\n  - id: r\n    action: test.box.reboot\nrecheck: { after: 1m }\n')
        .issues,
    ).toEqual([]);
  });
});

describe('timeouts', () => {
  it('rejects a run timeout over 24 hours', () => {
    expect(check('timeout: 25h\n' + STEPS)).toMatchObject([
      { code: 'E_TIMEOUT', path: 'timeout', severity: 'error', line: 3, column: 10 },
    ]);
    expect(check('timeout: 24h\n' + STEPS)).toEqual([]);
  });

  it('warns when a step timeout exceeds the run timeout, set or default', () => {
    const set = check('timeout: 10m\n' + STEPS + '    timeout: 11m\n');
    expect(summary(set)).toEqual(['E_TIMEOUT steps[0].timeout warning']);
    expect(set[0]?.message).toContain('the run timeout of 10m');
    const byDefault = check(STEPS + '    timeout: 2h\n');
    expect(summary(byDefault)).toEqual(['E_TIMEOUT steps[0].timeout warning']);
    expect(byDefault[0]?.message).toContain('the default run timeout of 1h');
    expect(check('timeout: 10m\n' + STEPS + '    timeout: 10m\n')).toEqual([]);
  });

  it('rejects a fixed wait as long as the run', () => {
    const issues = check('timeout: 5m\n' + STEPS + '  - id: pause\n    wait: 5m\n');
    expect(summary(issues)).toEqual(['E_TIMEOUT steps[1].wait error']);
    expect(check('timeout: 5m\n' + STEPS + '  - id: pause\n    wait: 4m59s\n')).toEqual([]);
  });

  it('warns when polling less often than the poll timeout allows', () => {
    const issues = check(
      STEPS + '  - id: settle\n    wait: { until: "output.ok", step: web, every: 5m, timeout: 1m }\n',
    );
    expect(summary(issues)).toEqual(['E_TIMEOUT steps[1].wait.every warning']);
  });

  it('rejects recheck rounds that cannot finish within the run', () => {
    const body =
      'timeout: 10m\n' +
      CHECKS +
      'remediate:\n  - id: r\n    action: test.box.reboot\nrecheck: { after: 5m, rounds: 2 }\n';
    const issues = check(body);
    expect(summary(issues)).toEqual(['E_TIMEOUT recheck.after error']);
    expect(issues[0]?.message).toContain('2 recheck rounds of 5m take 10m');
    expect(check(body.replace('rounds: 2', 'rounds: 1'))).toEqual([]);
  });

  it('warns when maxDelay is shorter than delay, in defaults and in a step', () => {
    const issues = check(
      'defaults:\n  retry: { delay: 10s, maxDelay: 1s }\n' +
        STEPS +
        '    retry: { delay: 1m, maxDelay: 30s }\n',
    );
    expect(summary(issues)).toEqual([
      'E_TIMEOUT defaults.retry.maxDelay warning',
      'E_TIMEOUT steps[0].retry.maxDelay warning',
    ]);
  });

  it('rejects zero timeouts', () => {
    const issues = check('timeout: 0s\ndefaults: { timeout: 0ms }\n' + STEPS + '    timeout: 0m\n');
    expect(summary(issues)).toEqual([
      'E_DURATION timeout error',
      'E_DURATION defaults.timeout error',
      'E_DURATION steps[0].timeout error',
    ]);
  });
});

describe('input declarations', () => {
  const inputs = (spec: string) => check(`inputs:\n  x: ${spec}\n${STEPS}`);

  it('accepts a consistent declaration', () => {
    expect(
      inputs('{ type: string, pattern: "^i-[0-9a-f]+$", default: i-0abc, enum: [i-0abc, i-0def] }'),
    ).toEqual([]);
    expect(inputs('{ type: integer, minimum: 1, maximum: 10, default: 3 }')).toEqual([]);
  });

  it.each([
    ['a default of the wrong type', '{ type: string, default: 5 }', 'inputs.x.default', 'error'],
    ['an integer default that is a fraction', '{ type: integer, default: 1.5 }', 'inputs.x.default', 'error'],
    [
      'a default that breaks its own pattern',
      '{ type: string, pattern: "^a+$", default: b }',
      'inputs.x.default',
      'error',
    ],
    [
      'a pattern that is not a regular expression',
      '{ type: string, pattern: "([" }',
      'inputs.x.pattern',
      'error',
    ],
    ['an enum value of the wrong type', '{ type: integer, enum: [1, two] }', 'inputs.x.enum[1]', 'error'],
    ['minimum above maximum', '{ type: number, minimum: 5, maximum: 1 }', 'inputs.x.minimum', 'error'],
    [
      'minLength above maxLength',
      '{ type: string, minLength: 5, maxLength: 1 }',
      'inputs.x.minLength',
      'error',
    ],
    [
      'required with a default',
      '{ type: string, required: true, default: a }',
      'inputs.x.required',
      'warning',
    ],
  ])('reports %s', (_, spec, path, severity) => {
    expect(summary(inputs(spec))).toEqual([`E_INPUT_SPEC ${path} ${severity}`]);
  });
});

describe('quorums', () => {
  it('rejects a quorum larger than its parallel step', () => {
    const issues = check(`steps:
  - id: group
    parallel: true
    quorum: { atLeast: 3 }
    steps:
      - id: a
        action: test.probe.get
      - id: b
        action: test.probe.get
`);
    expect(issues).toMatchObject([
      { code: 'E_QUORUM', path: 'steps[0].quorum.atLeast', line: 6, column: 24 },
    ]);
    expect(issues[0]?.message).toContain('only 2');
  });

  it('rejects a quorum larger than the parallel checks, and accepts one that fits', () => {
    const body = (n: number) =>
      `checks:\n  parallel: true\n  quorum: { atLeast: ${n} }\n  steps:\n    - id: a\n      action: test.probe.get\n`;
    expect(summary(check(body(2)))).toEqual(['E_QUORUM checks.quorum.atLeast error']);
    expect(check(body(1))).toEqual([]);
  });
});

describe('notify.recovered without recheck', () => {
  const body = (recheck: string) => `checks:
  - id: probe
    action: core.fail
    with: { message: down }
${recheck}notify:
  recovered:
    - action: core.log
      with: { message: back }
`;

  it('is a warning, at the key, because no run could end recovered', () => {
    const { ok, issues } = validateYaml(body(''), []);
    expect(ok).toBe(true);
    expect(issues.map((i) => [i.code, i.severity, i.path, i.line, i.column])).toEqual([
      ['E_FORM', 'warning', 'notify.recovered', 8, 3],
    ]);
  });

  it('is not reported once a recheck can lead to recovered', () => {
    expect(validateYaml(body('recheck: { after: 1m }\n'), []).issues).toEqual([]);
  });
});

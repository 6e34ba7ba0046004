import { describe, expect, it } from 'vitest';
import { fakeAction, validateYaml } from '../../test/support.js';
import { createActionRegistry } from '../actions/registry.js';
import type { Issue } from './issues.js';

const actions = createActionRegistry([
  fakeAction('test.probe.get', 'probe'),
  fakeAction('test.box.reboot', 'remediation'),
]);

const check = (body: string): Issue[] =>
  validateYaml(body, actions, 'on-error').issues.filter((i) => i.code.startsWith('E_ON_ERROR'));
const summary = (issues: Issue[]) =>
  issues.map((i) => `${i.code} ${i.path} ${i.severity} ${i.line}:${i.column}`);

const REMEDIATE = 'remediate:\n  - id: fix\n    action: test.box.reboot\nrecheck: { after: 1m }\n';
const check1 = (extra = '') => `checks:\n  - id: web\n    action: test.probe.get\n${extra}`;

describe('onError', () => {
  it('is quiet by default, and for a check that nothing remediates', () => {
    expect(check(check1() + REMEDIATE)).toEqual([]);
    expect(check(check1('    onError: fail\n'))).toEqual([]);
    expect(check(check1('    onError: inconclusive\n') + REMEDIATE)).toEqual([]);
  });

  it('warns, at the key, when a check guarding a remediation opts in with onError: fail', () => {
    const issues = check(check1('    onError: fail\n') + REMEDIATE);
    expect(summary(issues)).toEqual(['E_ON_ERROR_ACTS checks[0].onError warning 6:14']);
    expect(issues[0]!.message).toContain('check web guards a remediation');
  });

  it('warns once at defaults.onError: fail, naming the checks that inherit it', () => {
    const body = 'defaults: { onError: fail }\n' + check1() + REMEDIATE;
    const issues = check(body);
    expect(summary(issues)).toEqual(['E_ON_ERROR_ACTS defaults.onError warning 3:22']);
    expect(issues[0]!.message).toContain('applies to web');
  });

  it('warns for members of a parallel group of checks', () => {
    const body =
      'checks:\n  parallel: true\n  steps:\n    - id: a\n      action: test.probe.get\n      onError: fail\n' +
      REMEDIATE;
    expect(summary(check(body))).toEqual(['E_ON_ERROR_ACTS checks.steps[0].onError warning 8:16']);
  });

  it('is an error in a general-form step, a general-form group and general-form defaults', () => {
    const body =
      'defaults: { onError: fail }\nsteps:\n  - id: web\n    action: test.probe.get\n    onError: fail\n' +
      '  - id: both\n    parallel: true\n    steps:\n      - id: a\n        action: test.probe.get\n        onError: inconclusive\n';
    const issues = check(body);
    expect(summary(issues)).toEqual([
      'E_ON_ERROR defaults.onError error 3:13',
      'E_ON_ERROR steps[0].onError error 7:5',
      'E_ON_ERROR steps[1].steps[0].onError error 13:9',
    ]);
    expect(issues[1]!.message).toContain('on: { error: … }');
  });

  it('is an error on a remediation', () => {
    const body = check1() + REMEDIATE.replace('test.box.reboot\n', 'test.box.reboot\n    onError: fail\n');
    expect(summary(check(body))).toEqual(['E_ON_ERROR remediate[0].onError error 9:5']);
  });
});

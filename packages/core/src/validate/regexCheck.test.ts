import { describe, expect, it } from 'vitest';
import { fakeAction, validateYaml } from '../../test/support.js';
import { createActionRegistry } from '../actions/registry.js';
import type { Issue } from './issues.js';

const actions = createActionRegistry([fakeAction('test.probe.get', 'probe')]);
const check = (body: string): Issue[] => validateYaml(body, actions, 'regex').issues;
const STEPS = 'steps:\n  - id: web\n    action: test.probe.get\n';

describe('regular expressions RE2 cannot run are refused at validation (E_REGEX)', () => {
  it('refuses a backreference in an input pattern, at the pattern', () => {
    const issues = check(`inputs:\n  x: { type: string, pattern: '^(a)\\1$' }\n${STEPS}`);
    expect(issues).toMatchObject([
      { code: 'E_REGEX', path: 'inputs.x.pattern', line: 4, column: 31, severity: 'error' },
    ]);
    expect(issues[0]!.message).toContain('backreferences are not supported');
  });

  it('refuses lookaround in an items schema pattern and a patternProperties key', () => {
    const issues = check(
      `inputs:\n  x:\n    type: array\n    items: { type: string, pattern: '^(?!admin)' }\n` +
        `  y:\n    type: object\n    default: {}\n    items: { patternProperties: { '(?<=a)b': {} } }\n${STEPS}`,
    );
    expect(issues.map((i) => `${i.code} ${i.path}`)).toEqual([
      'E_REGEX inputs.x.items.pattern',
      'E_REGEX inputs.y.items.patternProperties["(?<=a)b"]',
    ]);
    expect(issues[0]!.message).toContain('lookahead and lookbehind are not supported');
  });

  it('refuses a backreference in an expression regex, pointing into the expression', () => {
    const issues = check(
      `steps:\n  - id: web\n    action: test.probe.get\n    when: $contains(trigger.reason, /(x+)\\1/)\n`,
    );
    expect(issues).toMatchObject([{ code: 'E_REGEX', path: 'steps[0].when', line: 6, column: 37 }]);
  });

  it('accepts the patterns RE2 runs, and checks a default against its pattern quickly', () => {
    expect(
      check(`inputs:\n  x: { type: string, pattern: '^i-[0-9a-f]+$', default: i-0abc }\n${STEPS}`),
    ).toEqual([]);
    const start = performance.now();
    const issues = check(
      `inputs:\n  x: { type: string, pattern: '^(a+)+$', default: '${'a'.repeat(25)}!' }\n${STEPS}`,
    );
    expect(performance.now() - start).toBeLessThan(2000);
    expect(issues.map((i) => `${i.code} ${i.path}`)).toEqual(['E_INPUT_SPEC inputs.x.default']);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue, ISSUE_CODES, sortIssues } from './issues.js';
import type { Issue } from './issues.js';

const issue = (over: Partial<Issue>): Issue => ({
  code: 'E_TYPE',
  message: 'm',
  path: '',
  line: 1,
  column: 1,
  severity: 'error',
  ...over,
});

describe('formatIssue', () => {
  it('renders file:line:col, the code and the message', () => {
    const i = issue({ code: 'E_UNKNOWN_STEP', message: 'no step has the id "x"', line: 12, column: 7 });
    expect(formatIssue(i, 'playbooks/ec2.yaml')).toBe(
      'playbooks/ec2.yaml:12:7  E_UNKNOWN_STEP  no step has the id "x"',
    );
  });

  it('names an anonymous playbook and marks warnings', () => {
    const i = issue({
      code: 'E_FORM',
      message: 'remediate without recheck',
      severity: 'warning',
      line: 3,
      column: 1,
    });
    expect(formatIssue(i)).toBe('<playbook>:3:1  E_FORM (warning)  remediate without recheck');
  });
});

describe('sortIssues', () => {
  it('orders by line, then column, then code, in place', () => {
    const issues = [
      issue({ line: 2, column: 5, code: 'E_VALUE' }),
      issue({ line: 1, column: 9, code: 'E_TYPE' }),
      issue({ line: 2, column: 5, code: 'E_DURATION' }),
      issue({ line: 2, column: 1, code: 'E_VALUE' }),
      issue({ line: 10, column: 1, code: 'E_ID' }),
    ];
    const sorted = sortIssues(issues);
    expect(sorted).toBe(issues);
    expect(sorted.map((i) => `${i.line}:${i.column} ${i.code}`)).toEqual([
      '1:9 E_TYPE',
      '2:1 E_VALUE',
      '2:5 E_DURATION',
      '2:5 E_VALUE',
      '10:1 E_ID',
    ]);
  });
});

describe('ISSUE_CODES', () => {
  it('describes every code the loader and validator can report', () => {
    // Every `'E_…'` literal passed as an issue code in the sources must be listed, and described.
    const dirs = ['../load/', './'].map((d) => new URL(d, import.meta.url));
    const used = new Set<string>();
    for (const dir of dirs)
      for (const name of readdirSync(dir)) {
        if (!name.endsWith('.ts') || name.endsWith('.test.ts') || name.endsWith('.generated.ts')) continue;
        const source = readFileSync(new URL(name, dir), 'utf8');
        for (const [, code] of source.matchAll(/'(E_[A-Z_]+)(?::[^']*)?'/g)) used.add(code!);
      }
    expect(used.size).toBeGreaterThan(20);
    for (const code of used) expect(ISSUE_CODES, code).toHaveProperty(code);
    for (const [code, meaning] of Object.entries(ISSUE_CODES)) {
      expect(code).toMatch(/^E_[A-Z_]+$/);
      expect(meaning.length, code).toBeGreaterThan(10);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { paletteFor } from '../io.js';
import { renderProblems, renderTestReport, UNCOVERED_SHOWN } from './renderTestReport.js';
import type { TestReport } from './runScenarioSuite.js';

const plain = paletteFor({ color: false });

describe('renderTestReport', () => {
  it('lists the first uncovered paths, says how many more, and flags a truncated enumeration', () => {
    const uncovered = Array.from({ length: UNCOVERED_SHOWN + 3 }, (_, i) => ({
      description: `step:fail → n${i}:pass ⇒ unrecovered`,
      steps: [],
      outcome: 'unrecovered',
    }));
    const report: TestReport = {
      ok: false,
      scenarios: [],
      coverage: [
        {
          playbook: 'big.yaml',
          name: 'big',
          paths: 10000,
          covered: 1,
          percent: 0,
          truncated: true,
          uncovered,
        },
      ],
      minCoverage: 1,
      belowMinCoverage: ['big.yaml'],
      totals: { scenarios: 1, passed: 1, failed: 0, paths: 10000, covered: 1 },
      problems: [],
    };
    const text = renderTestReport(report, plain);
    expect(text).toContain('  big (big.yaml): 1 of at least 10000 paths, 0%\n');
    expect(text).toContain('the percentage is an upper bound');
    expect(text).toContain(`      n${UNCOVERED_SHOWN - 1}:pass`.replace('      ', '      step:fail → '));
    expect(text).not.toContain(`n${UNCOVERED_SHOWN}:pass`);
    expect(text).toContain('      … and 3 more (firstline test --json lists them all)\n');
    expect(text).toContain('path coverage below --min-coverage 1%: big.yaml\n1 passed, 0 failed\n');
  });

  it('renders problems as file:line:col  CODE  message with a count', () => {
    const text = renderProblems(
      [
        {
          file: 'a.scenarios.yaml',
          line: 3,
          column: 5,
          code: 'E_SCENARIO_INVALID',
          message: 'missing `name:`',
        },
        { file: 'pb.yaml', line: 1, column: 1, code: 'E_FORM', message: 'the playbook does nothing' },
      ],
      plain,
    );
    expect(text).toBe(
      'a.scenarios.yaml:3:5  E_SCENARIO_INVALID  missing `name:`\npb.yaml:1:1  E_FORM  the playbook does nothing\n2 problems in 2 files; no scenario was run\n',
    );
  });
});

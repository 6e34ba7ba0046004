import { describe, expect, it } from 'vitest';
import { testCommand } from '../../src/commands/test.js';
import { installedActions } from '../../src/installedActions.js';
import type { TestReport } from '../../src/scenarios/runScenarioSuite.js';
import { EXAMPLES, FIXTURES, testContext } from './support.js';

// Issue 18's held-out case: a scenario scripts `open-issue: pass` with no output, and the next step
// reads `steps['open-issue'].output.number` as an integer input. The simulation synthesizes the issue
// from github.createIssue's output schema, so the run is judged on the playbook, not on the script.

describe('firstline test: synthesized outputs', () => {
  it('a scripted pass without output feeds a later integer input, with the real action schemas', async () => {
    const { actions } = await installedActions({});
    const { io, ctx } = testContext(FIXTURES, actions);
    const code = await testCommand(['synthesized'], { json: true }, ctx);
    const report = JSON.parse(io.stdout()) as TestReport;
    expect(report.totals).toMatchObject({ scenarios: 1, passed: 1, failed: 0 });
    expect(code).toBe(0);
  });

  it("the examples' scenarios still pass: a scripted output that leaves out an optional field keeps it out", async () => {
    // prometheus-core-dump scripts `outlier` without `picked` to mean "no series": completing it would
    // make `$exists(output.picked)` true and take the wrong branch.
    const { actions } = await installedActions({});
    const { io, ctx } = testContext(EXAMPLES, actions);
    const code = await testCommand(['.'], { json: true }, ctx);
    const report = JSON.parse(io.stdout()) as TestReport;
    expect(report.totals.failed).toBe(0);
    expect(report.totals.passed).toBeGreaterThan(0);
    expect(code).toBe(0);
  });
});

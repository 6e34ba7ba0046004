import { EXIT, UsageError } from '../context.js';
import type { CliContext } from '../context.js';
import { paletteFor } from '../io.js';
import { findScenarioFiles } from '../scenarios/findScenarioFiles.js';
import { prepareScenarioFiles } from '../scenarios/prepareScenarioFiles.js';
import { renderProblems, renderTestReport } from '../scenarios/renderTestReport.js';
import { runScenarioSuite } from '../scenarios/runScenarioSuite.js';
import type { TestReport } from '../scenarios/runScenarioSuite.js';

/** Options of `firstline test`. */
export interface TestOptions {
  /** Print one JSON object (scenarios, coverage per playbook, totals) instead of the report. */
  json?: boolean;
  /** Fail (exit 1) when any playbook's path coverage is below this percentage. */
  minCoverage?: number;
}

/**
 * `firstline test [paths…]`: runs every scenario of the `*.scenarios.yaml` files found as a
 * simulation, reports pass/fail with what differed, and each playbook's path coverage. Exit 0 when
 * all passed (and coverage is at least `--min-coverage`), 1 otherwise, 2 when a scenario file or a
 * playbook is invalid: then every problem is printed with `file:line:col` and nothing runs.
 */
export async function testCommand(paths: string[], options: TestOptions, ctx: CliContext): Promise<number> {
  const min = options.minCoverage;
  if (min !== undefined && (!Number.isFinite(min) || min < 0 || min > 100))
    throw new UsageError(`--min-coverage must be a percentage from 0 to 100, not ${String(min)}`);
  const c = paletteFor(ctx.io);
  const found = await findScenarioFiles(paths, ctx.io.cwd);
  const { files, problems } = await prepareScenarioFiles(found, { cwd: ctx.io.cwd, actions: ctx.actions });
  if (problems.length > 0) {
    // The same shape as a report, so a CI script reads one thing: nothing ran, `problems` says why.
    const empty: TestReport = {
      ok: false,
      scenarios: [],
      coverage: [],
      minCoverage: min ?? null,
      belowMinCoverage: [],
      totals: { scenarios: 0, passed: 0, failed: 0, paths: 0, covered: 0 },
      problems,
    };
    if (options.json) ctx.io.out(`${JSON.stringify(empty, null, 2)}\n`);
    else ctx.io.err(renderProblems(problems, c));
    return EXIT.usage;
  }

  const report = await runScenarioSuite(files, min === undefined ? {} : { minCoverage: min });
  if (options.json) ctx.io.out(`${JSON.stringify(report, null, 2)}\n`);
  else {
    ctx.io.out(renderTestReport(report, c));
    if (report.problems.length > 0) ctx.io.err(renderProblems(report.problems, c, true));
  }
  if (report.problems.length > 0) return EXIT.usage;
  return report.ok ? EXIT.ok : EXIT.bad;
}

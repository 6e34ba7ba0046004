import type { PlaybookCoverage } from './pathCoverage.js';
import { pathCoverage } from './pathCoverage.js';
import type { PreparedScenarioFile, TestProblem } from './prepareScenarioFiles.js';
import { runScenario } from './runScenario.js';
import type { ScenarioResult } from './runScenario.js';
import { isScenarioInvalid } from './ScenarioInvalid.js';

/** A scenario's result, with the outcome path it took. */
export interface ScenarioReport extends ScenarioResult {
  /** The enumerated path the run took (`firstline paths` form), or null when it took none. */
  coveredPath: string | null;
}

/** Everything `firstline test` found; `--json` prints it as it is. */
export interface TestReport {
  /** Every scenario passed and every playbook met `minCoverage`. */
  ok: boolean;
  scenarios: ScenarioReport[];
  /** One entry per playbook, in the order scenario files first named them. */
  coverage: PlaybookCoverage[];
  /** `--min-coverage`, in percent, or null. */
  minCoverage: number | null;
  /** Playbook files whose path coverage is below `minCoverage`. */
  belowMinCoverage: string[];
  totals: { scenarios: number; passed: number; failed: number; paths: number; covered: number };
  /** Problems found while running (a script core refused): exit 2, like problems found before. */
  problems: TestProblem[];
}

/**
 * Runs every scenario of the prepared files in order, then works out each playbook's path coverage
 * from the paths the runs took. `minCoverage` applies to each playbook on its own: a well-tested
 * playbook does not make up for one with no scenarios for its failure paths.
 */
export async function runScenarioSuite(
  files: readonly PreparedScenarioFile[],
  options: { minCoverage?: number } = {},
): Promise<TestReport> {
  const scenarios: ScenarioResult[] = [];
  const problems: TestProblem[] = [];
  const byPlaybook = new Map<string, { prepared: PreparedScenarioFile; indexes: number[] }>();
  for (const prepared of files) {
    const group = byPlaybook.get(prepared.playbook) ?? { prepared, indexes: [] };
    byPlaybook.set(prepared.playbook, group);
    for (const scenario of prepared.scenarios.scenarios) {
      try {
        scenarios.push(await runScenario(prepared.scenarios, scenario, prepared.compiled));
        group.indexes.push(scenarios.length - 1);
      } catch (error) {
        if (!isScenarioInvalid(error)) throw error;
        problems.push(...error.problems.map((p) => ({ ...p, code: error.code })));
      }
    }
  }

  const coveredPath: Array<string | null> = scenarios.map(() => null);
  const coverage: PlaybookCoverage[] = [];
  for (const { prepared, indexes } of byPlaybook.values()) {
    const runs = indexes.map((i) => scenarios[i]!);
    const { coverage: found, taken } = pathCoverage(prepared.compiled, prepared.playbook, runs);
    coverage.push(found);
    taken.forEach((path, k) => (coveredPath[indexes[k]!] = path));
  }
  const min = options.minCoverage;
  const belowMinCoverage =
    min === undefined
      ? []
      : coverage.filter((c) => (c.covered / Math.max(1, c.paths)) * 100 < min).map((c) => c.playbook);
  const passed = scenarios.filter((s) => s.passed).length;
  return {
    ok: passed === scenarios.length && belowMinCoverage.length === 0 && problems.length === 0,
    scenarios: scenarios.map((s, i) => ({ ...s, coveredPath: coveredPath[i]! })),
    coverage,
    minCoverage: min ?? null,
    belowMinCoverage,
    totals: {
      scenarios: scenarios.length,
      passed,
      failed: scenarios.length - passed,
      paths: coverage.reduce((n, c) => n + c.paths, 0),
      covered: coverage.reduce((n, c) => n + c.covered, 0),
    },
    problems,
  };
}

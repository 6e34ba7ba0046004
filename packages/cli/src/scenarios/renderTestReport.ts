import type { Palette } from '../io.js';
import { issueLine } from '../render/issues.js';
import type { ScenarioDiff } from './runScenario.js';
import type { ScenarioReport, TestReport } from './runScenarioSuite.js';
import type { PlaybookCoverage } from './pathCoverage.js';
import type { TestProblem } from './prepareScenarioFiles.js';

/** How many uncovered paths are listed per playbook before "… and N more". */
export const UNCOVERED_SHOWN = 10;

/**
 * The human report of `firstline test`: per scenario file, ✓/✗ per scenario with what differed
 * (expected and actual lines), then path coverage per playbook with the paths no scenario took, and
 * last a `N passed, N failed` line.
 */
export function renderTestReport(report: TestReport, c: Palette): string {
  const lines: string[] = [];
  let file: string | undefined;
  for (const scenario of report.scenarios) {
    if (scenario.file !== file) {
      if (file !== undefined) lines.push('');
      file = scenario.file;
      lines.push(`${c.bold(scenario.file)} ${c.dim(`(${scenario.playbook})`)}`);
    }
    lines.push(...renderScenario(scenario, c));
  }

  if (report.coverage.length > 0) lines.push('', c.bold('Path coverage'));
  for (const coverage of report.coverage) lines.push(...renderCoverage(coverage, report, c));

  lines.push('');
  if (report.belowMinCoverage.length > 0)
    lines.push(
      c.red(
        `path coverage below --min-coverage ${report.minCoverage}%: ${report.belowMinCoverage.join(', ')}`,
      ),
    );
  const { passed, failed } = report.totals;
  lines.push(
    `${c.green(`${passed} passed`)}, ${failed > 0 ? c.red(`${failed} failed`) : `${failed} failed`}`,
  );
  return `${lines.join('\n')}\n`;
}

function renderScenario(s: ScenarioReport, c: Palette): string[] {
  if (s.passed) return [`  ${c.green('✓')} ${s.name}  ${c.dim(`⇒ ${s.outcome ?? ''}`)}`];
  const lines = [`  ${c.red('✗')} ${s.name}  ${c.dim(`${s.file}:${s.line}:${s.column}`)}`];
  const pair = (expected: string, actual: string) => [
    `        ${c.dim('expected:')} ${c.green(expected)}`,
    `        ${c.dim('actual:  ')} ${c.red(actual)}`,
  ];
  if (s.error !== undefined) lines.push(`      ${c.red(s.error)}`);
  for (const diff of s.diffs) {
    lines.push(`      ${title(diff)}`);
    if (diff.kind === 'path' && diff.hint) lines.push(`        ${c.dim(diff.hint)}`);
    lines.push(...pair(...values(diff)));
  }
  return lines;
}

function title(diff: ScenarioDiff): string {
  switch (diff.kind) {
    case 'outcome':
      return 'outcome';
    case 'calls':
      return `calls to ${diff.action}`;
    case 'path': {
      const expected = diff.expected[diff.at] ?? 'the end of the run';
      const actual = diff.actual[diff.at] ?? 'the end of the run';
      return `path, from step ${diff.at + 1}: expected ${expected}, got ${actual}`;
    }
  }
}

function values(diff: ScenarioDiff): [string, string] {
  switch (diff.kind) {
    case 'outcome':
      return [diff.expected, diff.actual];
    case 'calls':
      return [String(diff.expected), String(diff.actual)];
    case 'path':
      return [diff.expected.join(' → ') || '(no steps)', diff.actual.join(' → ') || '(no steps)'];
  }
}

function renderCoverage(coverage: PlaybookCoverage, report: TestReport, c: Palette): string[] {
  const below = report.belowMinCoverage.includes(coverage.playbook);
  const colour = (text: string) =>
    below ? c.red(text) : coverage.covered === coverage.paths ? c.green(text) : c.yellow(text);
  const total = coverage.truncated ? `at least ${coverage.paths}` : String(coverage.paths);
  const lines = [
    `  ${coverage.name} ${c.dim(`(${coverage.playbook})`)}: ${colour(`${coverage.covered} of ${total} paths, ${Math.floor(coverage.percent)}%`)}`,
  ];
  if (coverage.truncated)
    lines.push(
      `    ${c.yellow('the playbook has more paths than were enumerated; the percentage is an upper bound')}`,
    );
  if (coverage.uncovered.length === 0) return lines;
  lines.push(`    ${c.dim('not covered:')}`);
  for (const path of coverage.uncovered.slice(0, UNCOVERED_SHOWN)) lines.push(`      ${path.description}`);
  const more = coverage.uncovered.length - UNCOVERED_SHOWN;
  if (more > 0) lines.push(`      ${c.dim(`… and ${more} more (firstline test --json lists them all)`)}`);
  return lines;
}

/** Problems that kept the suite from running, `file:line:col  CODE  message`, one a line. */
export function renderProblems(problems: readonly TestProblem[], c: Palette, ran = false): string {
  const lines = problems.map((p) => issueLine({ ...p, severity: 'error' }, p.file, c));
  const files = new Set(problems.map((p) => p.file)).size;
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const where = files === 1 ? '1 file' : `${files} files`;
  lines.push(`${count} in ${where}; ${ran ? 'the results above are incomplete' : 'no scenario was run'}`);
  return `${lines.join('\n')}\n`;
}

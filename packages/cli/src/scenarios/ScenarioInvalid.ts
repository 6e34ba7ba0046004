/** One problem in a scenario file: where it is and what is wrong, in a plain sentence. */
export interface ScenarioProblem {
  /** The scenario file (as given, or relative to the working directory). */
  file: string;
  /** Where in the file, as `scenarios[1].outcomes.url`; empty for the whole file. */
  path: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** What is wrong and, where possible, what to do. */
  message: string;
}

const brand = Symbol.for('firstline.scenarioInvalid');

/**
 * A scenario file `firstline test` cannot use: unreadable, not YAML, the wrong shape, or naming steps,
 * actions or outcomes its playbook does not have. Carries every problem found, each with its position;
 * `file`, `line` and `column` are the first one's. The CLI prints them all and exits 2.
 */
export class ScenarioInvalid extends Error {
  /** Stable code, like core's `E_PLAYBOOK_INVALID`. */
  readonly code = 'E_SCENARIO_INVALID';
  /** Marks these errors across package copies; see {@link isScenarioInvalid}. */
  readonly [brand] = true;
  /** The file of the first problem. */
  readonly file: string;
  /** Line of the first problem. */
  readonly line: number;
  /** Column of the first problem. */
  readonly column: number;
  /** The problems as positioned issues (`file:line:col  CODE  message`), the way the CLI prints playbook issues. */
  readonly issues: ReadonlyArray<{
    code: string;
    message: string;
    line: number;
    column: number;
    severity: 'error';
  }>;

  constructor(readonly problems: readonly ScenarioProblem[]) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(
      first
        ? `${first.file}:${first.line}:${first.column} E_SCENARIO_INVALID ${first.message}${more}`
        : 'E_SCENARIO_INVALID invalid scenario file',
    );
    this.name = 'ScenarioInvalid';
    this.file = first?.file ?? '<scenarios>';
    this.line = first?.line ?? 1;
    this.column = first?.column ?? 1;
    this.issues = problems.map((p) => ({
      code: this.code,
      message: p.message,
      line: p.line,
      column: p.column,
      severity: 'error' as const,
    }));
  }
}

/** True for a {@link ScenarioInvalid}, even one from another installed copy of the package. */
export function isScenarioInvalid(value: unknown): value is ScenarioInvalid {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** Renders a problem the way core renders playbook issues: `file:line:col  CODE  message`. */
export function formatScenarioProblem(problem: ScenarioProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}  E_SCENARIO_INVALID  ${problem.message}`;
}

import { relative, sep } from 'node:path';
import { compilePlaybook, isFirstlineError, loadPlaybook } from '@firstline/core';
import type { AnyActionDefinition, CompiledPlaybook, PlaybookInvalid } from '@firstline/core';
import { checkScenarios } from './checkScenarios.js';
import { loadScenarioFile } from './loadScenarioFile.js';
import type { ScenarioFile } from './loadScenarioFile.js';
import { isScenarioInvalid } from './ScenarioInvalid.js';

/** A problem that keeps `firstline test` from running: in a scenario file or in a playbook it names. */
export interface TestProblem {
  file: string;
  line: number;
  column: number;
  /** `E_SCENARIO_INVALID`, or the playbook issue's own code (`E_UNKNOWN_STEP`…). */
  code: string;
  message: string;
  /** Where in the scenario file, as `scenarios[1].outcomes.url`. */
  path?: string;
}

/** A scenario file ready to run: checked, with its playbook compiled. */
export interface PreparedScenarioFile {
  scenarios: ScenarioFile;
  compiled: CompiledPlaybook;
  /** The playbook file, as shown in reports. */
  playbook: string;
}

/** `path` relative to `cwd` when it is inside it, for reports that read well; absolute otherwise. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel.split(sep).join('/');
}

/**
 * Loads every scenario file, loads and compiles each playbook they name (once per file), and checks
 * the scenarios against it. Returns the files ready to run and every problem found in all of them,
 * sorted by position: the command reports them all at once and runs nothing when there is any.
 */
export async function prepareScenarioFiles(
  paths: readonly string[],
  options: { cwd: string; actions: readonly AnyActionDefinition[] },
): Promise<{ files: PreparedScenarioFile[]; problems: TestProblem[] }> {
  const problems: TestProblem[] = [];
  const files: PreparedScenarioFile[] = [];
  const playbooks = new Map<string, Promise<CompiledPlaybook | TestProblem[]>>();
  const compile = async (path: string, display: string): Promise<CompiledPlaybook | TestProblem[]> => {
    try {
      return compilePlaybook(await loadPlaybook(path, { file: display }), { actions: options.actions });
    } catch (error) {
      if (!isFirstlineError(error) || error.code !== 'E_PLAYBOOK_INVALID') throw error;
      return (error as PlaybookInvalid).issues.map((i) => ({
        file: display,
        line: i.line,
        column: i.column,
        code: i.code,
        message: i.message,
      }));
    }
  };

  for (const path of paths) {
    const display = displayPath(options.cwd, path);
    let file: ScenarioFile;
    try {
      file = await loadScenarioFile(path, display);
    } catch (error) {
      if (!isScenarioInvalid(error)) throw error;
      problems.push(...error.problems.map((p) => ({ ...p, code: error.code })));
      continue;
    }
    const playbook = displayPath(options.cwd, file.playbookPath);
    let compiled = playbooks.get(file.playbookPath);
    const first = compiled === undefined;
    if (!compiled) playbooks.set(file.playbookPath, (compiled = compile(file.playbookPath, playbook)));
    const result = await compiled;
    if (Array.isArray(result)) {
      // A playbook that cannot be read is this file's problem, at its `playbook:`; an invalid one is
      // reported once, against the playbook itself.
      const unreadable = result.length === 1 && result[0]!.code === 'E_READ';
      if (unreadable)
        problems.push({
          file: display,
          ...file.locate(['playbook']),
          code: 'E_SCENARIO_INVALID',
          message: `playbook: ${result[0]!.message}`,
        });
      else if (first) problems.push(...result);
      continue;
    }
    const found = checkScenarios(file, result);
    problems.push(...found.map((p) => ({ ...p, code: 'E_SCENARIO_INVALID' })));
    if (found.length === 0) files.push({ scenarios: file, compiled: result, playbook });
  }
  return { files, problems: sortProblems(problems) };
}

/** By file, then position; the order files were given is kept for files. */
export function sortProblems(problems: TestProblem[]): TestProblem[] {
  const order = new Map<string, number>();
  for (const p of problems) if (!order.has(p.file)) order.set(p.file, order.size);
  return problems.sort(
    (a, b) => order.get(a.file)! - order.get(b.file)! || a.line - b.line || a.column - b.column,
  );
}

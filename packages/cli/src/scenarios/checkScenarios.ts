import { didYouMean, isFirstlineError, prepareInputs } from '@firstline/core';
import type { CompiledPlaybook, InputInvalid } from '@firstline/core';
import type { ScenarioFile } from './loadScenarioFile.js';
import { formatPath } from './checkScenarioShape.js';
import { endStepsOf, playbookFacts } from './playbookFacts.js';
import type { ScenarioProblem } from './ScenarioInvalid.js';

/**
 * Checks a scenario file against its compiled playbook, before anything runs: `outcomes:` must name
 * steps that run an action, `expect.calls` actions the playbook calls, `expect.path` its steps
 * (an `end:` step only last),
 * `expect.outcome` an outcome it can end with, and `input:` must satisfy the playbook's `inputs:`.
 * A scenario with bad data is bad input (exit 2), not a failing test: it could never tell anything.
 */
export function checkScenarios(file: ScenarioFile, compiled: CompiledPlaybook): ScenarioProblem[] {
  const facts = playbookFacts(compiled.ir);
  const ends = endStepsOf(compiled.document);
  const problems: ScenarioProblem[] = [];
  const report = (at: Array<string | number>, message: string, key = false) =>
    problems.push({ file: file.file, path: formatPath(at), ...file.locate(at, { key }), message });
  const list = (names: Iterable<string>) => [...names].sort().join(', ');
  const scriptable = [...facts.scriptable].filter((id) => !id.startsWith('notify.'));

  for (const scenario of file.scenarios) {
    const at = ['scenarios', scenario.index];
    for (const step of Object.keys(scenario.outcomes ?? {}))
      if (!facts.scriptable.has(step))
        report(
          [...at, 'outcomes', step],
          `outcomes.${step}: no step with this id runs an action in ${compiled.name}${didYouMean(step, scriptable)} (steps that do: ${list(scriptable)})`,
          true,
        );
    const { outcome, calls, path } = scenario.expect;
    if (outcome !== undefined && !facts.outcomes.has(outcome))
      report(
        [...at, 'expect', 'outcome'],
        `expect.outcome: ${compiled.name} never ends "${outcome}"${didYouMean(outcome, facts.outcomes)} (it can end: ${list(facts.outcomes)})`,
      );
    for (const action of Object.keys(calls ?? {}))
      if (!facts.actions.has(action))
        report(
          [...at, 'expect', 'calls', action],
          `expect.calls: ${compiled.name} never calls ${action}${didYouMean(action, facts.actions)} (it calls: ${list(facts.actions)})`,
          true,
        );
    for (const [i, entry] of (path ?? []).entries()) {
      const where = [...at, 'expect', 'path', i];
      if (ends.has(entry.step)) {
        if (i !== path!.length - 1 || entry.outcomes !== undefined)
          report(
            where,
            `expect.path: "${entry.step}" is an \`end:\` step; it can only be the last entry, without an outcome`,
          );
      } else if (!facts.pathSteps.has(entry.step)) {
        const steps = [...facts.pathSteps.keys(), ...ends.keys()];
        report(
          where,
          `expect.path: "${entry.step}" is not a step of ${compiled.name}'s paths${didYouMean(entry.step, steps)} (steps: ${list(steps)})`,
        );
      }
    }
    try {
      prepareInputs(compiled.document, scenario.input ?? {});
    } catch (error) {
      if (!isFirstlineError(error) || error.code !== 'E_INPUT_INVALID') throw error;
      for (const problem of (error as InputInvalid).problems) {
        const name = /^inputs\.?([^.[]*)/.exec(problem.path)?.[1];
        const where =
          name && scenario.input && name in scenario.input ? [...at, 'input', name] : [...at, 'input'];
        report(scenario.input ? where : at, `input: ${problem.path}: ${problem.message}`);
      }
    }
  }
  return problems;
}

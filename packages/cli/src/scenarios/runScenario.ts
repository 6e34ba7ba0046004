import { classifyTrigger } from '@firstline/actions-aws/triggers';
import { createMemoryStore, isFirstlineError, simulatePlaybook } from '@firstline/core';
import type { CompiledPlaybook, PathStep, RunStore } from '@firstline/core';
import type { ExpectedStep, Scenario, ScenarioFile } from './loadScenarioFile.js';
import { endStepsOf, playbookFacts } from './playbookFacts.js';
import { pathOfRun } from './runPath.js';
import { ScenarioInvalid } from './ScenarioInvalid.js';

/** One way a run differed from what its scenario expected. */
export type ScenarioDiff =
  | { kind: 'outcome'; expected: string; actual: string }
  | { kind: 'calls'; action: string; expected: number; actual: number }
  | {
      kind: 'path';
      expected: string[];
      actual: string[];
      /** Index of the first step that differs (the shorter length when one is a prefix of the other). */
      at: number;
      /** Why the expected step may not be what the author thinks (a goto is on a path only when skipped). */
      hint?: string;
    };

/** What running one scenario showed. */
export interface ScenarioResult {
  /** The scenario file, as shown in reports. */
  file: string;
  line: number;
  column: number;
  name: string;
  /** The playbook's name. */
  playbook: string;
  passed: boolean;
  /** The run's outcome; absent when the run could not start. */
  outcome?: string;
  /** The steps the run decided, with their exact outcomes. */
  path: PathStep[];
  /** Calls per action the playbook names that were made (retries count), plus every expected one. */
  calls: Record<string, number>;
  /** Everything that differed from `expect:`; empty when it passed. */
  diffs: ScenarioDiff[];
  /** Set when the simulation itself failed: the scenario fails with this message. */
  error?: string;
}

/** A memory store in which every remediation budget is already spent: budgeted remediations are refused. */
export function spentBudgetsStore(): RunStore {
  return { ...createMemoryStore(), spend: () => Promise.resolve({ allowed: false, uses: [] }) };
}

/**
 * Runs one scenario as a simulation (scripted outcomes, virtual time, no action really called) and
 * compares the run with its `expect:`. A script core rejects (E_SIMULATION) or inputs it refuses
 * (E_INPUT_INVALID) throw {@link ScenarioInvalid} at the scenario's position: bad input, exit 2.
 */
export async function runScenario(
  file: ScenarioFile,
  scenario: Scenario,
  compiled: CompiledPlaybook,
): Promise<ScenarioResult> {
  const base = {
    file: file.file,
    line: scenario.line,
    column: scenario.column,
    name: scenario.name,
    playbook: compiled.name,
  };
  let run;
  try {
    run = await simulatePlaybook(compiled, {
      input: scenario.input ?? {},
      ...(scenario.outcomes && { outcomes: scenario.outcomes }),
      // Classified as every host classifies events: a scenario sees the `trigger` production would.
      ...(scenario.trigger !== undefined && { trigger: classifyTrigger(scenario.trigger) }),
      // A store whose budgets are all spent: the escalation path, without staging earlier runs.
      ...(scenario.budgetsSpent && { store: spentBudgetsStore() }),
    });
  } catch (error) {
    if (isFirstlineError(error) && (error.code === 'E_SIMULATION' || error.code === 'E_INPUT_INVALID')) {
      const key = error.code === 'E_SIMULATION' ? 'outcomes' : 'input';
      const at = ['scenarios', scenario.index, key];
      throw new ScenarioInvalid([
        {
          file: file.file,
          path: `scenarios[${scenario.index}].${key}`,
          ...file.locate(at),
          message: error.message,
        },
      ]);
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      passed: false,
      path: [],
      calls: {},
      diffs: [],
      error: `the simulation failed: ${message}`,
    };
  }

  const path = pathOfRun(compiled.ir, run.trace);
  // Keyed by action ids the scenario names: no prototype, so only counts it set are ever read.
  const calls = Object.create(null) as Record<string, number>;
  const facts = playbookFacts(compiled.ir);
  for (const action of [...facts.actions, ...Object.keys(scenario.expect.calls ?? {})]) {
    const count = run.calls(action).length;
    if (count > 0 || (scenario.expect.calls && Object.hasOwn(scenario.expect.calls, action)))
      calls[action] = count;
  }
  const diffs: ScenarioDiff[] = [];
  const { expect } = scenario;
  if (expect.outcome !== undefined && expect.outcome !== run.outcome)
    diffs.push({ kind: 'outcome', expected: expect.outcome, actual: run.outcome });
  // Every action the scenario names has its count in `calls` (set above, zeros included).
  for (const [action, expected] of Object.entries(expect.calls ?? {}))
    if (calls[action] !== expected) diffs.push({ kind: 'calls', action, expected, actual: calls[action]! });
  if (expect.path) {
    // A last entry naming an `end:` step says how the run ended: it holds when the outcome is that step's.
    const ends = endStepsOf(compiled.document);
    const last = expect.path.at(-1);
    const end = last && ends.has(last.step) ? last.step : undefined;
    const steps = end === undefined ? expect.path : expect.path.slice(0, -1);
    let at = firstDifference(steps, path);
    if (at === undefined && end !== undefined && ends.get(end) !== run.outcome) at = path.length;
    if (at !== undefined) {
      const actual = showPath(steps, path);
      if (end !== undefined) actual.push(endOf(ends, run.outcome, end));
      const missed = steps[at];
      const goto =
        missed && facts.pathSteps.get(missed.step)?.kind === 'goto' && !missed.outcomes?.includes('skipped');
      const hint = goto
        ? `a goto is on a path only when its maxVisits is used up, as ${missed.step}:skipped; passing through it is not a step`
        : undefined;
      diffs.push({
        kind: 'path',
        expected: expect.path.map((e) => e.text),
        actual,
        at,
        ...(hint && { hint }),
      });
    }
  }
  return { ...base, passed: diffs.length === 0, outcome: run.outcome, path, calls, diffs };
}

/** Where an expected path and the run's first part ways, or undefined when they agree throughout. */
function firstDifference(expected: readonly ExpectedStep[], actual: readonly PathStep[]): number | undefined {
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (e.step !== a.step || (e.outcomes !== undefined && !(e.outcomes as string[]).includes(a.outcome)))
      return i;
  }
  return expected.length === actual.length ? undefined : n;
}

/** The run's path written the way the scenario wrote its own: with outcomes only if it used any. */
function showPath(expected: readonly ExpectedStep[], actual: readonly PathStep[]): string[] {
  const withOutcomes = expected.some((e) => e.outcomes !== undefined);
  return actual.map((s) => (withOutcomes ? `${s.step}:${s.outcome}` : s.step));
}

/** The `end:` step a run with `outcome` ended at, as well as it can be told: `expected` if it fits. */
function endOf(ends: Map<string, string>, outcome: string, expected: string): string {
  if (ends.get(expected) === outcome) return expected;
  return [...ends].find(([, o]) => o === outcome)?.[0] ?? `⇒ ${outcome}`;
}

import { expect } from 'vitest';
import type { StepOutcome } from '../format/types.js';
import { loadPlaybook } from '../load/loadPlaybook.js';
import type { RunnablePlaybook } from '../runtime/runPlaybook.js';
import { createMemoryStore } from '../runtime/stores/memoryStore.js';
import { simulatePlaybook } from '../runtime/simulatePlaybook.js';
import type { SimulateOptions, SimulationResult } from '../runtime/simulatePlaybook.js';

// `firstline test` for vitest: a playbook simulated with scripted outcomes (virtual time, no action
// called), read back as the lists a test asserts on.

/** A simulated run, with its trace read back into what tests ask about. */
export interface ScenarioRun extends SimulationResult {
  /** The action each attempt called, in order (a retried step appears once per attempt). */
  actions: string[];
  /** Every step that ended, in order, as `step:outcome` (`url:fail`, `reboot:pass`, `notify.recovered[0]:pass`). */
  path: string[];
  /** The outcome of a step's last visit, or undefined when it never ran. */
  outcomeOf(step: string): StepOutcome | undefined;
  /** The messages logged (by `core.log` and actions), in order. */
  logs: string[];
}

/** Options of {@link simulateScenario}: the simulation's own, plus the shortcuts scenario files have. */
export interface ScenarioOptions extends SimulateOptions {
  /** Every remediation budget already spent (a store that refuses every spend): the escalation path. */
  budgetsSpent?: boolean;
}

/** What {@link expectScenario} checks; every field is optional. */
export interface ScenarioExpectation {
  /** The run's outcome: `recovered`, `unrecovered`, `healthy`… */
  outcome?: string;
  /** How many times each named action was called (0 for "never"); actions not named are not checked. */
  calls?: Readonly<Record<string, number>>;
  /** The actions called, in order, exactly (see {@link ScenarioRun.actions}). */
  actions?: readonly string[];
  /** The steps that ended, in order, exactly, as `step:outcome` or a bare `step` (see {@link ScenarioRun.path}). */
  path?: readonly string[];
}

/** Options of {@link expectScenario}: the simulation's own, plus what to expect. */
export interface ExpectScenarioOptions extends ScenarioOptions {
  /** What the run must show. */
  expect: ScenarioExpectation;
}

/**
 * Simulates a playbook (a file path, its data, or a loaded or compiled playbook) with scripted
 * `outcomes` and returns the run with the actions it called and the steps it took, in order.
 *
 * @example
 * const run = await simulateScenario('playbooks/ec2.yaml', { input, outcomes: { url: ['fail', 'pass'] } });
 * expect(run.outcome).toBe('recovered');
 * expect(run.actions).toEqual(['http.check', 'aws.ec2.reboot', 'http.check', 'slack.post']);
 */
export async function simulateScenario(
  playbook: string | RunnablePlaybook,
  options: ScenarioOptions = {},
): Promise<ScenarioRun> {
  const { budgetsSpent, ...simulate } = options;
  const runnable = typeof playbook === 'string' ? await loadPlaybook(playbook) : playbook;
  const result = await simulatePlaybook(runnable, {
    ...simulate,
    ...(budgetsSpent === true && { store: spentBudgetsStore() }),
  });
  const actions: string[] = [];
  const path: string[] = [];
  const logs: string[] = [];
  const last = new Map<string, StepOutcome>();
  for (const event of result.trace) {
    if (event.type === 'attempt.start') actions.push(event.action);
    else if (event.type === 'log') logs.push(event.message);
    else if (event.type === 'step.end') {
      path.push(`${event.step}:${event.outcome}`);
      last.set(event.step, event.outcome);
    }
  }
  return Object.assign(result, { actions, path, logs, outcomeOf: (step: string) => last.get(step) });
}

/**
 * Simulates a playbook and asserts with vitest's `expect` what the run must show (outcome, calls per
 * action, actions in order, path); a mismatch fails the test with a diff. Returns the run.
 *
 * @example
 * await expectScenario('playbooks/ec2.yaml', {
 *   input: { instanceId: 'i-0abc1234' },
 *   outcomes: { url: ['fail', 'pass'] },
 *   expect: { outcome: 'recovered', calls: { 'aws.ec2.reboot': 1 } },
 * });
 */
export async function expectScenario(
  playbook: string | RunnablePlaybook,
  options: ExpectScenarioOptions,
): Promise<ScenarioRun> {
  const { expect: wanted, ...simulate } = options;
  const run = await simulateScenario(playbook, simulate);
  const story = `the run went ${run.path.join(' → ')} ⇒ ${run.outcome}`;
  if (wanted.outcome !== undefined) expect(run.outcome, `outcome (${story})`).toBe(wanted.outcome);
  if (wanted.calls) {
    const counts = Object.fromEntries(
      Object.keys(wanted.calls).map((action) => [action, run.actions.filter((a) => a === action).length]),
    );
    expect(counts, `calls per action (${story})`).toEqual({ ...wanted.calls });
  }
  if (wanted.actions) expect(run.actions, `actions called, in order (${story})`).toEqual([...wanted.actions]);
  if (wanted.path) {
    // A bare step id matches whatever outcome that step had.
    const shown = run.path.map((step, i) => (wanted.path![i]?.includes(':') ? step : step.split(':')[0]));
    expect(shown, `steps, in order (${story})`).toEqual([...wanted.path]);
  }
  return run;
}

/** A memory store in which every remediation budget is already spent, as `firstline test` makes for `budgetsSpent`. */
function spentBudgetsStore() {
  return { ...createMemoryStore(), spend: () => Promise.resolve({ allowed: false, uses: [] }) };
}

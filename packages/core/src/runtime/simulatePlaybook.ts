import { createActionRegistry, toActionRegistry } from '../actions/registry.js';
import type { ActionRegistry, AnyActionDefinition } from '../actions/registry.js';
import type { ActionKind } from '../actions/types.js';
import { compiledOf, compilePlaybook } from '../compile/compilePlaybook.js';
import type { CompiledPlaybook } from '../compile/compilePlaybook.js';
import { FirstlineError } from '../errors.js';
import { isLoadedPlaybook, playbookFromData } from '../load/loadPlaybook.js';
import type { LoadedPlaybook } from '../load/loadPlaybook.js';
import { readModel } from '../validate/model.js';
import type { ScriptedOutcomes } from './modes.js';
import { startRun } from './runPlaybook.js';
import type { RunnablePlaybook, RunOptions } from './runPlaybook.js';
import type { RunResult } from './types.js';

/** Options for {@link simulatePlaybook}. */
export interface SimulateOptions extends Omit<RunOptions, 'mode' | 'outcomes'> {
  /**
   * Scripted outcomes per step id: `pass`, `fail`, `error`, `timeout` (also `throttled`, `5xx`, `network`)
   * or an output object judged by `expect`; a list is consumed one per attempt, the last repeating.
   * Unscripted steps pass.
   */
  outcomes?: ScriptedOutcomes;
}

/** A simulated run's result, plus what each action would have been called with. */
export interface SimulationResult extends RunResult {
  /** The inputs `actionId` would have received, one per attempt, in order. */
  calls(actionId: string): unknown[];
}

/**
 * Runs a playbook with no real side effects: no action's `run` is called, outcomes come from
 * `outcomes`, time is virtual (a 30-minute playbook finishes in milliseconds) and the same input
 * always gives the same trace, timestamps included. Without `actions`, every action the playbook
 * names is stood in for, so a playbook can be tested before its action packages are installed.
 *
 * @example
 * const result = await simulatePlaybook(await loadPlaybook('ec2.yaml'), { input, outcomes: { url: ['fail', 'pass'] } });
 * expect(result.outcome).toBe('recovered');
 * expect(result.calls('aws.ec2.reboot')).toHaveLength(1);
 */
export async function simulatePlaybook(
  playbook: RunnablePlaybook,
  options: SimulateOptions = {},
): Promise<SimulationResult> {
  const given = compiledOf(playbook);
  const actions = options.actions ?? given?.registry ?? standIns(playbook);
  const compiled: CompiledPlaybook = given ?? compilePlaybook(playbook, { actions });
  const { calls, ...result } = await startRun(compiled, { ...options, actions, mode: 'simulate' });
  return { ...result, calls: (actionId) => [...(calls?.get(actionId) ?? [])] };
}

const standInCache = new WeakMap<object, ActionRegistry>();

/**
 * A registry with a stand-in for every action the playbook names: accepts any input, never runs.
 * Its kind follows where the action is used, so shadow-style reporting and `remediated` still work.
 */
export function standIns(playbook: LoadedPlaybook | object): ActionRegistry {
  const cached = standInCache.get(playbook);
  if (cached) return cached;
  const loaded = isLoadedPlaybook(playbook) ? playbook : playbookFromData(playbook);
  const builtins = toActionRegistry(undefined);
  const kinds = new Map<string, ActionKind>();
  for (const step of readModel(loaded.data).all) {
    const id = step.data.action;
    if (typeof id !== 'string' || builtins.has(id)) continue;
    const kind: ActionKind =
      step.place === 'remediate' ? 'remediation' : step.place === 'notify' ? 'notify' : 'probe';
    if (!kinds.has(id) || kind !== 'probe') kinds.set(id, kind);
  }
  const defs: AnyActionDefinition[] = [...kinds].map(([id, kind]) => ({
    id,
    kind,
    description: `stand-in for ${id} in a simulation`,
    input: {},
    run: () =>
      Promise.reject(
        new FirstlineError('E_SIMULATION', `${id} is a stand-in and cannot run outside a simulation`),
      ),
  }));
  const registry = createActionRegistry(defs);
  standInCache.set(playbook, registry);
  return registry;
}

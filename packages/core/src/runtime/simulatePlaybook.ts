import { createActionRegistry, toActionRegistry } from '../actions/registry.js';
import type { ActionRegistry, AnyActionDefinition } from '../actions/registry.js';
import type { ActionKind } from '../actions/types.js';
import { compiledOf, compilePlaybook } from '../compile/compilePlaybook.js';
import type { CompiledPlaybook } from '../compile/compilePlaybook.js';
import { FirstlineError } from '../errors.js';
import { isLoadedPlaybook, playbookFromData } from '../load/loadPlaybook.js';
import type { LoadedPlaybook } from '../load/loadPlaybook.js';
import { readModel } from '../validate/model.js';
import type { StepPlace } from '../validate/model.js';
import type { ScriptedOutcomes } from './modes.js';
import { startRun } from './runPlaybook.js';
import type { RunnablePlaybook, RunOptions } from './runPlaybook.js';
import type { RunResult } from './types.js';

/** Options for {@link simulatePlaybook}. */
export interface SimulateOptions extends Omit<RunOptions, 'mode' | 'outcomes'> {
  /**
   * Without `actions`, each action the playbook names is stood in for. A stand-in's kind decides what its
   * step means (a remediation that passes makes a run `recovered`), so declare the kinds the playbook's
   * place does not tell: a general-form step is taken for a probe unless it is named here (or budgeted).
   *
   * @example { 'aws.ec2.reboot': 'remediation', 'slack.post': 'notify' }
   */
  standIns?: Readonly<Record<string, ActionKind>>;
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
  /** Stand-ins whose kind nothing declared (taken for probes): declare them with `standIns` if they are not. */
  guessedKinds: string[];
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
  const stood = options.actions || given ? undefined : standInsFor(playbook, options.standIns);
  const actions = options.actions ?? given?.registry ?? stood!.registry;
  const compiled: CompiledPlaybook = given ?? compilePlaybook(playbook, { actions });
  const execution = await startRun(compiled, { ...options, actions, mode: 'simulate' });
  // The run's own result becomes the simulation's: its recorded calls are read through `calls()`
  // (the same key, a function now), so the result is not copied.
  const calls = execution.calls;
  const result = execution as unknown as SimulationResult;
  result.calls = (actionId) => [...(calls?.get(actionId) ?? [])];
  result.guessedKinds = stood?.guessed ?? [];
  return result;
}

/** The kind an action's place in the first-line form implies; general-form steps and groups imply none. */
const PLACE_KINDS: Partial<Record<StepPlace, ActionKind>> = {
  checks: 'probe',
  remediate: 'remediation',
  notify: 'notify',
};

const standInCache = new WeakMap<object, { registry: ActionRegistry; guessed: string[] }>();

/**
 * A registry with a stand-in for every action the playbook names: accepts any input, never runs.
 * Its kind is declared (`kinds`), or follows from where the action is used: a remediation in
 * `remediate:` or a budget, a notification in `notify:`; anything else is taken for a probe, and listed
 * as guessed. A simulation logs a guessed stand-in on every call, so the timeline says it.
 */
export function standIns(
  playbook: LoadedPlaybook | object,
  kinds?: Readonly<Record<string, ActionKind>>,
): ActionRegistry {
  return standInsFor(playbook, kinds).registry;
}

function standInsFor(
  playbook: LoadedPlaybook | object,
  kinds: Readonly<Record<string, ActionKind>> | undefined,
): { registry: ActionRegistry; guessed: string[] } {
  const cached = kinds ? undefined : standInCache.get(playbook);
  if (cached) return cached;
  const loaded = isLoadedPlaybook(playbook) ? playbook : playbookFromData(playbook);
  const builtins = toActionRegistry(undefined);
  const found = new Map<string, ActionKind>();
  const budgeted = new Set(
    ((loaded.data as { budgets?: Array<{ actions?: unknown }> }).budgets ?? []).flatMap((b) =>
      Array.isArray(b.actions) ? (b.actions as unknown[]).filter((a) => typeof a === 'string') : [],
    ),
  );
  const known = new Set<string>();
  for (const step of readModel(loaded.data).all) {
    const id = step.data.action;
    if (typeof id !== 'string' || builtins.has(id)) continue;
    const kind = kinds?.[id] ?? (budgeted.has(id) ? 'remediation' : PLACE_KINDS[step.place]);
    if (kind) {
      // A probe elsewhere does not hide that the action remediates or notifies where it is used.
      if (!known.has(id) || kind !== 'probe') found.set(id, kind);
      known.add(id);
    } else if (!found.has(id)) found.set(id, 'probe');
  }
  const guessed = [...found.keys()].filter((id) => !known.has(id));
  const defs: AnyActionDefinition[] = [...found].map(([id, kind]) => ({
    id,
    kind,
    description: guessed.includes(id)
      ? `stand-in for ${id} in a simulation; its kind is not declared, so it is taken for a probe`
      : `stand-in for ${id} in a simulation`,
    input: {},
    run: () =>
      Promise.reject(
        new FirstlineError('E_SIMULATION', `${id} is a stand-in and cannot run outside a simulation`),
      ),
  }));
  const result = { registry: createActionRegistry(defs), guessed };
  if (!kinds) standInCache.set(playbook, result);
  return result;
}

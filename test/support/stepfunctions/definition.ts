// Walking a definition's nested state machines (Parallel branches, Map item processors), and giving
// every state a name unique across all of them. aws-local-stepfunctions binds its overrides (Task
// handlers, Wait times, retry intervals) by state name alone, across every nested machine; two
// branches that both have a "Check" state would share one handler. The harness runs a copy in which
// each repeated name is suffixed, and maps the suffixed names back in what it reports.
import { FirstlineError } from '@firstline/core';
import type { AslDefinition, AslState } from './types.js';

/** A state of a definition, where it sits, and the unique name the harness runs it under. */
export interface StateInfo {
  /** Its name as written. */
  name: string;
  /** Its name in the copy the harness runs (the written name unless that name repeats). */
  runName: string;
  /** The state itself (from the copy). */
  state: AslState;
}

/** Fails a definition the harness cannot walk, with the path of the offending part. */
function invalid(message: string): never {
  throw new FirstlineError('E_INPUT_INVALID', `ASL definition: ${message}`);
}

/** True for a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the skeleton of one (nested) state machine: StartAt names a state, States is an object of typed states. */
export function checkMachine(value: unknown, where: string): asserts value is AslDefinition {
  if (!isRecord(value)) invalid(`${where} is not an object`);
  if (!isRecord(value.States)) invalid(`${where}.States is not an object`);
  if (typeof value.StartAt !== 'string' || !(value.StartAt in value.States))
    invalid(`${where}.StartAt does not name one of its States`);
  for (const [name, state] of Object.entries(value.States))
    if (!isRecord(state) || typeof state.Type !== 'string') invalid(`${where}.States.${name} has no Type`);
}

/** The nested state machines of a state: a Parallel's branches, a Map's item processor. */
export function nestedMachines(state: AslState): unknown[] {
  if (state.Type === 'Parallel') return Array.isArray(state.Branches) ? state.Branches : [];
  if (state.Type === 'Map') return [state.ItemProcessor ?? state.Iterator];
  return [];
}

/** Every (nested) machine of a definition, depth first, the root first. */
function machines(root: AslDefinition, where = 'definition'): AslDefinition[] {
  checkMachine(root, where);
  const found = [root];
  for (const [name, state] of Object.entries(root.States))
    nestedMachines(state).forEach((nested, i) =>
      found.push(...machines(nested as AslDefinition, `${where}.States.${name}[${i}]`)),
    );
  return found;
}

/** Renames the states of one machine (StartAt and every transition that names them). */
function renameIn(machine: AslDefinition, rename: Map<string, string>): void {
  const to = (name: unknown) => (typeof name === 'string' ? (rename.get(name) ?? name) : name);
  machine.StartAt = to(machine.StartAt) as string;
  const states: Record<string, AslState> = {};
  for (const [name, state] of Object.entries(machine.States)) {
    if ('Next' in state) state.Next = to(state.Next);
    if ('Default' in state) state.Default = to(state.Default);
    for (const list of [state.Choices, state.Catch])
      if (Array.isArray(list)) for (const rule of list) if (isRecord(rule)) rule.Next = to(rule.Next);
    states[to(name) as string] = state;
  }
  machine.States = states;
}

/** A deep copy of `definition` in which no two states share a name, and every state's original name. */
export function uniqueStateNames(definition: AslDefinition): {
  definition: AslDefinition;
  states: StateInfo[];
} {
  const copy = structuredClone(definition);
  const all = machines(copy);
  const taken = new Set(all.flatMap((m) => Object.keys(m.States)));
  const seen = new Set<string>();
  const states: StateInfo[] = [];
  for (const machine of all) {
    const rename = new Map<string, string>();
    for (const name of Object.keys(machine.States)) {
      let runName = name;
      if (seen.has(name)) {
        for (let n = 2; taken.has(runName); n++) runName = `${name}~${n}`;
        taken.add(runName);
        rename.set(name, runName);
      }
      seen.add(name);
      states.push({ name, runName, state: machine.States[name]! });
    }
    if (rename.size > 0) renameIn(machine, rename);
  }
  return { definition: copy, states };
}

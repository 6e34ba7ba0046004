// The local entry point: one call runs a definition in either query language with every Task state
// bound to the caller's handlers, and returns the status, output, path, calls and retries.
import { FirstlineError } from '@firstline/core';
import { checkMachine, isRecord, nestedMachines } from './definition.js';
import type { RunAslLocallyOptions } from './options.js';
import { runJsonata } from './runJsonata.js';
import { runJsonPath, validateDefinition } from './runJsonPath.js';
import type { AslDefinition, AslLocalRunResult } from './types.js';

/**
 * Runs an ASL definition locally: JSONPath definitions on aws-local-stepfunctions, JSONata
 * definitions (`QueryLanguage: "JSONata"`) on the harness's JSONata interpreter. Every Task state,
 * in Parallel branches and Map item processors too, calls `options.handlers[stateName]` or else
 * `options.taskHandler`; Wait states and retry intervals pass no real time; a run that loops is
 * stopped after `maxSteps` states (status `ABORTED`, error `Harness.MaxSteps`).
 *
 * @example
 * const result = await runAslLocally(definition, { instanceId: 'i-0abc1234' }, {
 *   taskHandler: async (state, resource, input) => ({ ok: true }),
 * });
 * expect(result.status).toBe('SUCCEEDED');
 * expect(result.history.map((s) => s.name)).toEqual(['Check', 'Decide', 'Done']);
 */
export async function runAslLocally(
  definition: AslDefinition,
  input: unknown,
  options: RunAslLocallyOptions = {},
): Promise<AslLocalRunResult> {
  checkMachine(definition, 'definition');
  const language = definition.QueryLanguage ?? 'JSONPath';
  if (language !== 'JSONPath' && language !== 'JSONata')
    throw new FirstlineError(
      'E_INPUT_INVALID',
      `ASL definition: unknown QueryLanguage "${String(language)}"`,
    );
  const mixed = stateLanguages(definition).find((l) => l !== language);
  if (mixed)
    throw new FirstlineError(
      'E_INPUT_INVALID',
      `ASL definition: a ${language} definition with a ${mixed} state; the local harness runs one query language per definition`,
    );
  if (options.validate !== false) validateDefinition(definition);
  return language === 'JSONata'
    ? runJsonata(definition, input, options)
    : runJsonPath(definition, input, options);
}

/** Every per-state QueryLanguage a definition sets, in any nested machine. */
function stateLanguages(machine: AslDefinition): string[] {
  return Object.values(machine.States).flatMap((state) => [
    ...(typeof state.QueryLanguage === 'string' ? [state.QueryLanguage] : []),
    ...nestedMachines(state).flatMap((m) =>
      isRecord(m) && isRecord(m.States) ? stateLanguages(m as AslDefinition) : [],
    ),
  ]);
}

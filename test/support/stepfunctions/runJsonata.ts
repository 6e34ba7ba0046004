// JSONata definitions: aws-local-stepfunctions 3.0.0 has no JSONata query language (no
// `QueryLanguage`, `Arguments`, `Output`, `Assign`, `{% %}`), so the harness runs them itself; until
// that interpreter lands here, a JSONata run is refused with a clear error.
import { FirstlineError } from '@firstline/core';
import type { RunAslLocallyOptions } from './options.js';
import type { AslDefinition, AslLocalRunResult } from './types.js';

/** Runs a JSONata definition locally (not yet: refused with E_INPUT_INVALID). */
export function runJsonata(
  _definition: AslDefinition,
  _input: unknown,
  _options: RunAslLocallyOptions,
): Promise<AslLocalRunResult> {
  return Promise.reject(
    new FirstlineError('E_INPUT_INVALID', 'runAslLocally: JSONata definitions are not supported yet'),
  );
}

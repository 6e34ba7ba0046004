// Shared setup for the validator's unit tests: action test doubles and a one-call "validate this YAML".
import { defineAction } from '../src/actions/defineAction.js';
import type { ActionDefinition, ActionKind } from '../src/actions/types.js';
import { parsePlaybook } from '../src/load/loadPlaybook.js';
import type { ValidationResult } from '../src/validate/issues.js';
import { validatePlaybook } from '../src/validate/validatePlaybook.js';
import type { ValidateOptions } from '../src/validate/validatePlaybook.js';

/** What a test double may set besides its id and kind. */
export type FakeActionOverrides = Partial<Pick<ActionDefinition, 'input' | 'output' | 'run' | 'description'>>;

/** A `defineAction` test double: any object as input, no output schema, a `run` resolving `{}`, unless overridden. */
export function fakeAction(
  id: string,
  kind: ActionKind,
  overrides: FakeActionOverrides = {},
): ActionDefinition {
  return defineAction({
    id,
    kind,
    description: `Test ${kind} ${id}.`,
    input: { type: 'object' },
    run: () => Promise.resolve({}),
    ...overrides,
  });
}

/** The playbook text `body` makes under a two-line `firstline: 1` / `name:` header, so `body` starts on line 3. */
export function playbookYaml(body: string, name = 'test'): string {
  return `firstline: 1\nname: ${name}\n${body}`;
}

/** Parses and validates {@link playbookYaml}`(body, name)` against `actions`. */
export function validateYaml(
  body: string,
  actions: ValidateOptions['actions'],
  name = 'test',
): ValidationResult {
  return validatePlaybook(parsePlaybook(playbookYaml(body, name)), { actions });
}

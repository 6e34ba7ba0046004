import type { AnyActionDefinition } from './registry.js';
import { schemaValidator } from './schemaValidators.js';

/**
 * What is wrong with the `examples` of each action's output schema: missing (an action with an output
 * schema must show one, since simulations and shadow runs synthesize outputs from it) or not valid against
 * the schema itself. Empty when every example is fine; action packages assert that in their tests.
 *
 * @example expect(outputExampleProblems(notifiers({}))).toEqual([]);
 */
export function outputExampleProblems(actions: Iterable<AnyActionDefinition>): string[] {
  const problems: string[] = [];
  for (const def of actions) {
    if (!def.output) continue;
    const examples = def.output.examples;
    if (!Array.isArray(examples) || examples.length === 0) {
      problems.push(`${def.id}: its output schema has no examples`);
      continue;
    }
    const validate = schemaValidator(def.output, def.validators?.output);
    examples.forEach((example, i) => {
      if (validate(example)) return;
      for (const error of validate.errors ?? [])
        problems.push(`${def.id}: examples[${i}]${error.instancePath} ${error.message ?? 'is not valid'}`);
    });
  }
  return problems;
}

import { describe, expect, it } from 'vitest';
import { coreActions } from './builtins.js';
import { defineAction } from './defineAction.js';
import { outputExampleProblems } from './outputExamples.js';

const action = (output: Record<string, unknown>) =>
  defineAction({
    id: 'test.a',
    kind: 'probe',
    description: 'A test action.',
    input: {},
    output,
    run: () => Promise.resolve({}),
  });

describe('outputExampleProblems', () => {
  it("core's actions show a valid example for every output schema", () => {
    expect(outputExampleProblems(coreActions)).toEqual([]);
  });

  it('names a missing example and an example that does not match its schema', () => {
    const schema = { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } };
    expect(outputExampleProblems([action(schema)])).toEqual(['test.a: its output schema has no examples']);
    expect(outputExampleProblems([action({ ...schema, examples: [{ n: 'one' }] })])).toEqual([
      'test.a: examples[0]/n must be integer',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { outputExampleProblems } from '@firstline/core';
import { notifiers } from '../src/index.js';

// Simulations and shadow runs synthesize an action's output from its schema's examples: every action
// here shows one, and it is valid against the action's own output schema.

describe('output examples', () => {
  it('every action with an output schema has examples, each valid against it', () => {
    const actions = notifiers({});
    expect(actions.filter((a) => a.output).length).toBeGreaterThan(0);
    expect(outputExampleProblems(actions)).toEqual([]);
  });
});

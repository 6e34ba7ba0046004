import { describe, expect, it } from 'vitest';
import { defineAction, simulatePlaybook } from '@firstline/core';
import type { ActionDefinition } from '@firstline/core';
import { createFakeAction, eventsOf, runVirtual } from './support.js';

// Simulations and shadow runs synthesize the outputs they never get from a real call, from the
// action's output schema, so steps that read them still run and their input checks pass.

const issueOutput = {
  type: 'object',
  required: ['number', 'url'],
  properties: { number: { type: 'integer', minimum: 1 }, url: { type: 'string', format: 'uri' } },
  examples: [{ number: 42, url: 'https://github.com/acme/web/issues/42' }],
};

/** An action whose input must be an integer `number`, recording what it got. */
function commenter(got: unknown[]): ActionDefinition {
  return defineAction<{ number: number }, { id: number }>({
    id: 'test.issue.comment',
    kind: 'notify',
    description: 'Comments on an issue.',
    input: { type: 'object', required: ['number'], properties: { number: { type: 'integer' } } },
    output: { type: 'object', properties: { id: { type: 'integer' } } },
    run: (input) => {
      got.push(input);
      return Promise.resolve({ id: 1 });
    },
  });
}

const opener = defineAction<unknown, { number: number; url: string }>({
  id: 'test.issue.open',
  kind: 'notify',
  description: 'Opens an issue.',
  input: { type: 'object' },
  output: issueOutput,
  run: () => Promise.reject(new Error('must not run')),
});

const playbook = {
  firstline: 1,
  name: 'issue-flow',
  steps: [
    { id: 'open-issue', action: 'test.issue.open', next: 'comment' },
    {
      id: 'comment',
      action: 'test.issue.comment',
      with: { number: "{{ steps['open-issue'].output.number }}" },
    },
  ],
};

describe('synthesized outputs in simulations', () => {
  it('a scripted pass with no output gets the example output, and a later integer input passes', async () => {
    const got: unknown[] = [];
    const result = await simulatePlaybook(playbook, {
      actions: [opener, commenter(got)],
      outcomes: { 'open-issue': 'pass' },
    });
    expect(result.steps['open-issue']).toMatchObject({
      outcome: 'pass',
      output: { number: 42, url: 'https://github.com/acme/web/issues/42' },
      synthesized: true,
      synthesizedFrom: 'examples',
    });
    expect(result.steps.comment?.outcome).toBe('pass');
    expect(result.calls('test.issue.comment')).toEqual([{ number: 42 }]);
    const ends = eventsOf(result.trace, 'step.end');
    expect(ends.find((e) => e.step === 'open-issue')?.synthesized).toBe('examples');
  });

  it('a field the synthesized output lacks stands in as <expression> in a later with:, instead of failing the simulation', async () => {
    const labelled = defineAction<{ kind: string }, { id: number }>({
      id: 'test.issue.label',
      kind: 'notify',
      description: 'Labels an issue.',
      input: { type: 'object', required: ['kind'], properties: { kind: { type: 'string' } } },
      run: () => Promise.resolve({ id: 1 }),
    });
    const result = await simulatePlaybook(
      {
        firstline: 1,
        name: 'open-ended',
        steps: [
          { id: 'open-issue', action: 'test.issue.open', next: 'label' },
          {
            id: 'label',
            action: 'test.issue.label',
            with: { kind: "{{ steps['open-issue'].output.labels.kind }}" },
          },
        ],
      },
      { actions: [opener, labelled] },
    );
    expect(result.steps.label?.outcome).toBe('pass');
    expect(result.calls('test.issue.label')).toEqual([{ kind: "<steps['open-issue'].output.labels.kind>" }]);
  });

  it('a partial scripted output is completed: scripted values win', async () => {
    const result = await simulatePlaybook(playbook, {
      actions: [opener, commenter([])],
      outcomes: { 'open-issue': { number: 7 } },
    });
    expect(result.steps['open-issue']?.output).toEqual({
      number: 7,
      url: 'https://github.com/acme/web/issues/42',
    });
    expect(result.steps['open-issue']?.synthesized).toBe(true);
    expect(result.calls('test.issue.comment')).toEqual([{ number: 7 }]);
  });

  it('a complete scripted output is not marked synthesized', async () => {
    const result = await simulatePlaybook(playbook, {
      actions: [opener, commenter([])],
      outcomes: { 'open-issue': { number: 9, url: 'https://example.com/9' } },
    });
    expect(result.steps['open-issue']?.synthesized).toBeUndefined();
  });
});

describe('synthesized outputs in shadow runs', () => {
  it("a planned step's output is its action's synthesized output, the plan beside it, so later steps run", async () => {
    const got: unknown[] = [];
    const health = createFakeAction('test.target.probe', 'probe');
    const { result } = await runVirtual(
      {
        ...playbook,
        steps: [{ id: 'look', action: 'test.target.probe', next: 'open-issue' }, ...playbook.steps],
      },
      { actions: [health.action, opener, commenter(got)], mode: 'shadow' },
    );
    expect(health.count).toBe(1);
    expect(result.steps['open-issue']).toMatchObject({
      output: { number: 42 },
      plan: 'would call test.issue.open',
      synthesized: true,
    });
    expect(result.steps.comment).toMatchObject({ outcome: 'pass', output: { id: 0 } });
    // Nothing ran for real but the probe.
    expect(got).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import jsonata from 'jsonata';
import { createVirtualClock } from './clock.js';
import { evaluateExpression, renderTemplates, truthy } from './evaluate.js';

const clock = createVirtualClock();
const scope = {
  inputs: { url: 'https://app.example.com', count: 3, tags: ['a', 'b'], empty: null },
  steps: { 'open-issue': { output: { number: 42, items: [{ name: 'x' }, { name: 'y' }] } } },
  name: 'demo',
};

describe('evaluateExpression', () => {
  it.each([
    'inputs.url',
    'inputs.count',
    'inputs.missing',
    'inputs.empty',
    'inputs.empty.deeper',
    'inputs.tags',
    "steps['open-issue'].output.number",
    'steps.`open-issue`.output.items.name',
    'name',
    'inputs.count + 1',
    'true',
  ])('agrees with JSONata itself on %s', async (source) => {
    const normalized = source.replace("steps['open-issue']", 'steps.`open-issue`');
    const expected: unknown = await jsonata(normalized).evaluate(scope);
    const actual = await evaluateExpression(source, scope, clock);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  });

  it('reads $now() and $millis() from the run clock, not the wall clock', async () => {
    const at = createVirtualClock({ startAt: Date.UTC(2030, 5, 1) });
    expect(await evaluateExpression('$now()', {}, at)).toBe('2030-06-01T00:00:00.000Z');
    expect(await evaluateExpression('$millis()', {}, at)).toBe(Date.UTC(2030, 5, 1));
  });

  it('names the expression when it fails', async () => {
    await expect(evaluateExpression("$error('boom')", scope, clock)).rejects.toMatchObject({
      code: 'E_EXPRESSION',
      message: expect.stringContaining("`$error('boom')` failed: boom") as unknown,
    });
  });

  it('stops an expression that recurses forever', async () => {
    const source = '( $f := function($n) { $f($n + 1) }; $f(0) )';
    await expect(evaluateExpression(source, {}, clock)).rejects.toMatchObject({ code: 'E_EXPRESSION' });
  });
});

describe('renderTemplates', () => {
  it('keeps the type of a string that is one expression and splices the others as text', async () => {
    const out = await renderTemplates(
      {
        n: '{{ inputs.count }}',
        text: '{{ name }} has {{ inputs.count }} ({{ inputs.tags }})',
        list: ['{{ inputs.url }}'],
      },
      scope,
      clock,
    );
    expect(out).toEqual({ n: 3, text: 'demo has 3 (["a","b"])', list: ['https://app.example.com'] });
  });

  it('leaves the source value unchanged', async () => {
    const value = { a: ['{{ inputs.count }}'] };
    await renderTemplates(value, scope, clock);
    expect(value).toEqual({ a: ['{{ inputs.count }}'] });
  });
});

describe('truthy', () => {
  it('casts like JSONata $boolean', () => {
    expect([true, 1, 'x', [0, 1], { a: 1 }].map(truthy)).toEqual([true, true, true, true, true]);
    expect([false, 0, '', [], {}, null, undefined, NaN].map(truthy)).toEqual(Array(8).fill(false));
  });
});

import { describe, expect, it } from 'vitest';
import jsonata from 'jsonata';
import { createVirtualClock } from './clock.js';
import { evaluateExpression, NOT_PLAIN, renderPlainTemplates, renderTemplates, truthy } from './evaluate.js';

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

  it('renders plain paths that are there at once, as renderTemplates does, and leaves the rest to it', async () => {
    const plain = {
      n: '{{ inputs.count }}',
      text: '{{ name }}: {{ inputs.url }}',
      list: ['{{ inputs.url }}'],
    };
    expect(renderPlainTemplates(plain, scope)).toEqual(await renderTemplates(plain, scope, clock));
    // An array (JSONata maps over it), an expression, a path not there: not plain.
    for (const value of ['{{ inputs.tags }}', '{{ inputs.count + 1 }}', { a: '{{ inputs.nope }}' }])
      expect(renderPlainTemplates(value, scope)).toBe(NOT_PLAIN);
  });

  it('leaves the source value unchanged', async () => {
    const value = { a: ['{{ inputs.count }}'] };
    await renderTemplates(value, scope, clock);
    expect(value).toEqual({ a: ['{{ inputs.count }}'] });
  });
});

describe('missing values', () => {
  const at = {
    inputs: { instanceId: 'i-0abc', none: null },
    trigger: { kind: 'unknown', raw: { detail: {} } },
    steps: { cpu: { outcome: 'pass', output: { value: 95, items: [] } } },
    secrets: { token: 'very-secret-value' },
    run: { id: 'r1' },
    name: 'demo',
  };

  it('inside text, a missing value fails naming the path and what is there, never empty text', async () => {
    const template = { text: 'instance {{ inputs.instanceId }} alarm {{ trigger.alarmName }}' };
    await expect(renderTemplates(template, at, clock)).rejects.toMatchObject({
      code: 'E_MISSING_VALUE',
      path: 'trigger.alarmName',
      message:
        'E_MISSING_VALUE: trigger.alarmName is missing (trigger has: kind, raw) in text: "instance {{ inputs.instanceId }} alarm {{ trigger.alarmName }}"',
    });
  });

  it('inside text, even an optional input that was not given fails', async () => {
    await expect(renderTemplates('id {{ inputs.region }}', at, clock)).rejects.toMatchObject({
      code: 'E_MISSING_VALUE',
      path: 'inputs.region',
      message: expect.stringContaining('(inputs has: instanceId, none)') as unknown,
    });
  });

  it('a whole value reading an optional input that was not given is left out of its object or list', async () => {
    const out = await renderTemplates(
      { id: '{{ inputs.instanceId }}', region: '{{ inputs.region }}', tags: ['a', '{{ inputs.team }}'] },
      at,
      clock,
    );
    expect(out).toEqual({ id: 'i-0abc', tags: ['a'] });
  });

  it('a whole value reading any other missing path fails (a misspelt trigger field)', async () => {
    await expect(renderTemplates({ alarm: '{{ trigger.alarmNmae }}' }, at, clock)).rejects.toMatchObject({
      code: 'E_MISSING_VALUE',
      message: expect.stringContaining(
        'trigger.alarmNmae is missing (trigger has: kind, raw) in alarm:',
      ) as unknown,
    });
    await expect(
      renderTemplates({ a: ['{{ trigger.raw.detail.state.value }}'] }, at, clock),
    ).rejects.toMatchObject({
      path: 'trigger.raw.detail.state',
      message: expect.stringContaining('trigger.raw.detail is empty') as unknown,
    });
  });

  it('a whole value that matched nothing (an empty list) fails too', async () => {
    await expect(
      renderTemplates({ host: '{{ steps.cpu.output.items[0].ip }}' }, at, clock),
    ).rejects.toMatchObject({
      code: 'E_MISSING_VALUE',
      message:
        'E_MISSING_VALUE: it gave no value (`steps.cpu.output.items[0].ip` matched nothing) in host: "{{ steps.cpu.output.items[0].ip }}"',
    });
  });

  it('says when the run has no trigger, or the step has not run', async () => {
    const { trigger: _none, ...noTrigger } = at;
    await expect(renderTemplates('{{ trigger.alarmName }}', noTrigger, clock)).rejects.toMatchObject({
      path: 'trigger',
      message: expect.stringContaining('the run has no trigger') as unknown,
    });
    // A run started without one holds `trigger: null` in its context.
    await expect(
      renderTemplates('{{ trigger.alarmName }}', { ...noTrigger, trigger: null }, clock),
    ).rejects.toMatchObject({
      path: 'trigger.alarmName',
      message: expect.stringContaining('(the run has no trigger: it was started without an event') as unknown,
    });
    await expect(renderTemplates('n {{ steps.reboot.output.n }}', at, clock)).rejects.toMatchObject({
      path: 'steps.reboot',
      message: expect.stringContaining('step reboot has not run; steps has: cpu') as unknown,
    });
  });

  it('names secrets, never their values', async () => {
    const error = await renderTemplates('{{ secrets.other }}', at, clock).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: expect.stringContaining('secrets has: token') as unknown });
    expect(String((error as Error).message)).not.toContain('very-secret-value');
  });

  it('null is a value: it renders as null, it is not missing', async () => {
    expect(await renderTemplates('x {{ inputs.none }}', at, clock)).toBe('x null');
  });

  it('a step that passed without an output: named in a run, a stand-in `<expression>` in a simulation', async () => {
    const scope = { ...at, steps: { find: { outcome: 'pass' } } };
    const template = {
      host: '{{ steps.find.output.instances[0].ip }}',
      text: 'on {{ steps.find.output.name }}',
    };
    await expect(renderTemplates(template, scope, clock)).rejects.toMatchObject({
      path: 'steps.find.output',
      message: expect.stringContaining('step find gave no output; in a simulation, script one') as unknown,
    });
    expect(await renderTemplates(template, scope, clock, { simulated: true })).toEqual({
      host: '<steps.find.output.instances[0].ip>',
      text: 'on <steps.find.output.name>',
    });
    // Only outputs stand in: a misspelt path fails in a simulation too.
    await expect(
      renderTemplates('{{ trigger.alarmNmae }}', scope, clock, { simulated: true }),
    ).rejects.toMatchObject({ code: 'E_MISSING_VALUE' });
  });

  it('`&` splicing a missing value fails like text; guarded reads do not', async () => {
    await expect(
      evaluateExpression("'i-' & trigger.suffix", at, clock, { use: 'value' }),
    ).rejects.toMatchObject({
      code: 'E_MISSING_VALUE',
      path: 'trigger.suffix',
    });
    expect(
      await evaluateExpression("$exists(trigger.suffix) ? 'i-' & trigger.suffix : 'none'", at, clock, {
        use: 'value',
      }),
    ).toBe('none');
  });

  it('a condition whose path is missing fails naming it; $exists, ?: and a filter that matched nothing do not', async () => {
    const scope = { ...at, output: {} };
    await expect(evaluateExpression('output.value < 90', scope, clock)).rejects.toMatchObject({
      code: 'E_MISSING_VALUE',
      message: 'E_MISSING_VALUE: output.value is missing (output is empty) in `output.value < 90`',
    });
    expect(await evaluateExpression('$exists(trigger.alarmName)', scope, clock)).toBe(false);
    expect(await evaluateExpression("trigger.alarmName ? 'named' : 'unnamed'", scope, clock)).toBe('unnamed');
    expect(await evaluateExpression("trigger.alarmName = 'cpu'", scope, clock)).toBe(false);
    expect(await evaluateExpression('steps.cpu.output.items[value > 1]', scope, clock)).toBeUndefined();
    expect(await evaluateExpression('inputs.dryRun', scope, clock)).toBeUndefined();
  });
});

describe('truthy', () => {
  it('casts like JSONata $boolean', () => {
    expect([true, 1, 'x', [0, 1], { a: 1 }].map(truthy)).toEqual([true, true, true, true, true]);
    expect([false, 0, '', [], {}, null, undefined, NaN].map(truthy)).toEqual(Array(8).fill(false));
  });
});

import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import {
  analyzeExpression,
  compileExpression,
  isTemplate,
  normalizeExpression,
  parseTemplate,
} from './expressions.js';
import type { ExpressionReference } from './expressions.js';

describe('parseTemplate', () => {
  it('keeps plain text as one text part', () => {
    expect(parseTemplate('just text')).toEqual({ parts: [{ kind: 'text', text: 'just text' }] });
    expect(parseTemplate('')).toEqual({ parts: [{ kind: 'text', text: '' }] });
    expect(parseTemplate('one } brace { each')).toEqual({
      parts: [{ kind: 'text', text: 'one } brace { each' }],
    });
  });

  it('splits text around one expression and records where the expression starts', () => {
    const value = 'host {{ inputs.host }} is down';
    const { parts, error } = parseTemplate(value);
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { kind: 'text', text: 'host ' },
      { kind: 'expr', source: ' inputs.host ', offset: 7 },
      { kind: 'text', text: ' is down' },
    ]);
    expect(value.slice(7, 7 + ' inputs.host '.length)).toBe(' inputs.host ');
  });

  it('reads several expressions, adjacent ones included', () => {
    expect(parseTemplate('{{ a }}{{ b }} and {{ c }}').parts).toEqual([
      { kind: 'expr', source: ' a ', offset: 2 },
      { kind: 'expr', source: ' b ', offset: 9 },
      { kind: 'text', text: ' and ' },
      { kind: 'expr', source: ' c ', offset: 21 },
    ]);
  });

  it('treats JSONata object braces inside an expression as part of it', () => {
    expect(parseTemplate('{{ {"a":{"b":1}} }}')).toEqual({
      parts: [{ kind: 'expr', source: ' {"a":{"b":1}} ', offset: 2 }],
    });
    expect(parseTemplate('x={{ {"k": inputs.v} }};').parts).toEqual([
      { kind: 'text', text: 'x=' },
      { kind: 'expr', source: ' {"k": inputs.v} ', offset: 4 },
      { kind: 'text', text: ';' },
    ]);
  });

  it('ignores a `}}` inside a quoted string of the expression', () => {
    expect(parseTemplate('{{ "}}" & inputs.x }}').parts).toEqual([
      { kind: 'expr', source: ' "}}" & inputs.x ', offset: 2 },
    ]);
    expect(parseTemplate("{{ '}}' }} tail").parts).toEqual([
      { kind: 'expr', source: " '}}' ", offset: 2 },
      { kind: 'text', text: ' tail' },
    ]);
    expect(parseTemplate('{{ "a\\"}}" }}').parts).toEqual([
      { kind: 'expr', source: ' "a\\"}}" ', offset: 2 },
    ]);
  });

  it('reports an unclosed `{{` at its offset', () => {
    const result = parseTemplate('ok {{ inputs.x');
    expect(result.error).toEqual({ offset: 3, message: expect.stringContaining('never closed') as string });
    expect(result.parts).toEqual([{ kind: 'text', text: 'ok ' }]);
  });

  it('reports an empty `{{ }}` at its offset', () => {
    const result = parseTemplate('a {{ a }} b {{   }}');
    expect(result.error).toEqual({ offset: 12, message: expect.stringContaining('no expression') as string });
    expect(result.parts).toContainEqual({ kind: 'expr', source: ' a ', offset: 4 });
  });

  it('isTemplate says whether a string is decided at run time', () => {
    expect(isTemplate('{{ x }}')).toBe(true);
    expect(isTemplate('a {{')).toBe(true);
    expect(isTemplate('a { b }')).toBe(false);
  });
});

describe('normalizeExpression', () => {
  it('rewrites a quoted key lookup into a backtick name', () => {
    expect(normalizeExpression("steps['open-issue'].output")).toBe('steps.`open-issue`.output');
    expect(normalizeExpression('steps["open-issue"].output.number')).toBe('steps.`open-issue`.output.number');
    expect(normalizeExpression("steps [ 'a b' ].output")).toBe('steps.`a b`.output');
    expect(normalizeExpression("steps['a']['b']")).toBe('steps.`a`.`b`');
  });

  it('leaves string literals, numeric indexes, array constructors and filters alone', () => {
    for (const source of [
      '\'steps["x"]\'',
      '"steps[\'x\']"',
      'items[0]',
      'items[-1].name',
      "$x := ['a']",
      "['a', 'b']",
      'items[type = "x"]',
      '`odd name`.x',
    ])
      expect(normalizeExpression(source)).toBe(source);
    expect(normalizeExpression("steps['a'] & \"b['c']\"")).toBe('steps.`a` & "b[\'c\']"');
  });

  it('makes the key lookup people write evaluate as they expect', async () => {
    const data = { steps: { 'open-issue': { output: { number: 42 } } } };
    const expression = compileExpression("steps['open-issue'].output.number");
    expect(await expression.evaluate(data)).toBe(42);
    // Without the rewrite, JSONata reads the brackets as an always-true filter and finds nothing.
    expect(await jsonata("steps['open-issue'].output.number").evaluate(data)).toBeUndefined();
  });
});

describe('analyzeExpression', () => {
  const refs = (source: string): ExpressionReference[] => {
    const result = analyzeExpression(source);
    if (!result.ok) throw new Error(`expected ${source} to compile: ${result.error.message}`);
    return result.references;
  };

  it('lists the names an expression reads, with their paths and offsets', () => {
    const source = 'inputs.url & steps.check.output.status';
    expect(refs(source)).toEqual([
      { root: 'inputs', path: ['url'], offset: 0 },
      { root: 'steps', path: ['check', 'output', 'status'], offset: 13 },
    ]);
    expect(source.slice(13, 18)).toBe('steps');
  });

  it('finds references inside functions, conditions, comparisons and blocks', () => {
    const roots = refs(
      '$count(steps.a.output.items) > 0 ? inputs.x : (trigger.detail; run.id; $lowercase(secrets.s))',
    ).map((r) => `${r.root}.${r.path.join('.')}`);
    expect(roots).toEqual(['steps.a.output.items', 'inputs.x', 'trigger.detail', 'run.id', 'secrets.s']);
  });

  it('stops a path at a filter and does not read names inside it as scope roots', () => {
    expect(refs('steps.a.output.items[status = 200].name')).toEqual([
      { root: 'steps', path: ['a', 'output', 'items'], offset: 0 },
    ]);
  });

  it('reports bare `output` (in scope in expect) and a lone name', () => {
    expect(refs('output.value < 90')).toEqual([{ root: 'output', path: ['value'], offset: 0 }]);
    expect(refs('"x: " & name')).toEqual([{ root: 'name', path: [], offset: 8 }]);
  });

  it('gives offsets in the expression as written when a key lookup was rewritten', () => {
    const source = "steps['open-issue'].output.number & inputs.repo";
    expect(refs(source)).toEqual([
      { root: 'steps', path: ['open-issue', 'output', 'number'], offset: 0 },
      { root: 'inputs', path: ['repo'], offset: source.indexOf('inputs') },
    ]);
  });

  it('reads a plain dotted path as JSONata does (answered without parsing it)', () => {
    const name = fc.oneof(
      fc.constantFrom(
        'inputs',
        'steps',
        'output',
        'name',
        'run',
        'and',
        'or',
        'in',
        'true',
        'null',
        'function',
      ),
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/),
    );
    const source = fc
      .tuple(
        fc.constantFrom('', ' ', '  '),
        fc.array(name, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', ' '),
      )
      .map(([before, names, after]) => `${before}${names.join('.')}${after}`);
    fc.assert(
      fc.property(source, (plain) => {
        // `& ''` makes JSONata parse it (no longer a plain path) without adding a reference.
        const parsed = analyzeExpression(`${plain} & ''`);
        const fast = analyzeExpression(plain);
        if (!parsed.ok) expect(fast.ok).toBe(false);
        else expect(fast).toEqual(parsed);
      }),
      // A fixed seed: the same cases on every machine and every run.
      { numRuns: 300, seed: 20_261_207 },
    );
    expect(refs(' inputs.instanceId ')).toEqual([{ root: 'inputs', path: ['instanceId'], offset: 1 }]);
  });

  it('reports a syntax error with JSONata’s message and an offset into the expression', () => {
    const result = analyzeExpression('inputs.url +');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/end of expression/);
    expect(result.error.message).not.toMatch(/\.$/);
    expect(result.error.offset).toBe(11);

    const unclosed = analyzeExpression('$count((1)');
    expect(unclosed.ok).toBe(false);
    if (!unclosed.ok) expect(unclosed.error.message).toMatch(/\)/);
  });

  it('maps a syntax error after a rewritten lookup back to the source', () => {
    const source = "steps['a'].output = )";
    const result = analyzeExpression(source);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toEqual({ message: expect.stringContaining('")"') as string, offset: 20 });
    expect(source[20]).toBe(')');
  });
});

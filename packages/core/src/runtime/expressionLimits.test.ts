import { describe, expect, it } from 'vitest';
import { EXPRESSION_LIMITS } from '../format/expressions.js';
import { createVirtualClock } from './clock.js';
import { evaluateExpression } from './evaluate.js';

const clock = createVirtualClock();
const evaluate = (source: string, scope: object = {}) => evaluateExpression(source, scope, clock);

/** Wall time of one call: the point of these tests is that none takes long. */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const start = performance.now();
  const [result] = await Promise.allSettled([run()]);
  return { ms: performance.now() - start, result };
}

function limitFailure(result: PromiseSettledResult<unknown>, fn: string): void {
  expect(result.status).toBe('rejected');
  const reason = (result as PromiseRejectedResult).reason as { code: string; message: string };
  expect(reason.code).toBe('E_EXPRESSION_LIMIT');
  expect(reason.message).toContain(`$${fn}`);
}

describe('bounded built-ins', () => {
  it('refuses $pad to 500,000,000 characters quickly (it aborted the process)', async () => {
    const { ms, result } = await timed(() => evaluate('$pad("x", 500000000)'));
    limitFailure(result, 'pad');
    expect(ms).toBeLessThan(500);
  });

  it('refuses $replace on 20,000,000 characters (it aborted the process)', async () => {
    const scope = { inputs: { big: 'a'.repeat(20_000_000) } };
    const { ms, result } = await timed(() => evaluate('$replace(inputs.big, "a", "bb")', scope));
    limitFailure(result, 'replace');
    expect(ms).toBeLessThan(500);
  });

  it('refuses a $replace whose result would pass the cap', async () => {
    const scope = { inputs: { s: 'a'.repeat(100_000) } };
    limitFailure(
      (await timed(() => evaluate('$replace(inputs.s, "a", "bbbbbbbbbbbb")', scope))).result,
      'replace',
    );
  });

  it.each([
    ['$join([1..50000].$pad("", -100, "y"))', 'join'],
    ['$string([1..20000].{"k": $pad("", 100, "z")})', 'string'],
    ['$base64encode($pad("", 900000, "a"))', 'base64encode'],
    ['$split($pad("", 200000, "a"), "")', 'split'],
    ['[1..1000].$pad("", 999999, "x")', 'pad'],
    ['$contains($pad("", 1000000, "a") & "b", /b/)', 'contains'],
    ['$uppercase($pad("", 1000000, "a") & "b")', 'uppercase'],
  ])('refuses %s', async (source, fn) => {
    const { ms, result } = await timed(() => evaluate(source));
    limitFailure(result, fn);
    expect(ms).toBeLessThan(3000);
  });

  // Fifteen evaluations near the budget are seconds of CPU on a loaded machine: a wider bound, the
  // same assertion.
  it('gives every evaluation its own budget', { timeout: 30_000 }, async () => {
    for (let i = 0; i < 15; i++) expect(await evaluate('$length($pad("", 999999, "x"))')).toBe(999_999);
  });

  it('caps ranges and sequences at the array limit', async () => {
    const { result } = await timed(() => evaluate(`[1..${EXPRESSION_LIMITS.arrayItems + 1}]`));
    expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'E_EXPRESSION_LIMIT' });
  });

  it('runs $distinct in linear time, with JSONata deep equality', async () => {
    const { ms, result } = await timed(() => evaluate('$count($distinct([1..100000]))'));
    expect(result).toEqual({ status: 'fulfilled', value: 100_000 });
    expect(ms).toBeLessThan(2000);
    expect(await evaluate('$distinct([{"a": 1, "b": [2]}, {"b": [2], "a": 1}, "1", 1, 1])')).toEqual([
      { a: 1, b: [2] },
      '1',
      1,
    ]);
  });

  it('sorts 100,000 items without a comparator at once (JSONata ran out of memory)', async () => {
    const list = Array.from({ length: 100_000 }, (_, i) => 100_000 - i);
    const { ms, result } = await timed(() => evaluate('$sort(inputs.list)[0]', { inputs: { list } }));
    expect(result).toEqual({ status: 'fulfilled', value: 1 });
    expect(ms).toBeLessThan(3000);
    expect(await evaluate('$sort([3, 1, 2])')).toEqual([1, 2, 3]);
    expect(await evaluate('$sort(["b", "a"])')).toEqual(['a', 'b']);
    expect(await evaluate('$sort([2, 1, 3], function($a, $b) { $a < $b })')).toEqual([3, 2, 1]);
    await expect(evaluate('$sort([1, "a"])')).rejects.toMatchObject({ code: 'E_EXPRESSION' });
  });

  it('leaves ordinary uses alone', async () => {
    expect(await evaluate('$pad("7", -3, "0")')).toBe('007');
    expect(await evaluate('$join(["a", "b"], ",")')).toBe('a,b');
    expect(await evaluate('$replace("a-b-c", "-", "+")')).toBe('a+b+c');
    expect(await evaluate('$string({"a": [1, 2]})')).toBe('{"a":[1,2]}');
    expect(await evaluate('$base64decode($base64encode("svc:x"))')).toBe('svc:x');
    expect(await evaluate('$split("a,b", ",")')).toEqual(['a', 'b']);
    expect(await evaluate('$append([1], [2])')).toEqual([1, 2]);
    expect(await evaluate('$map([1, 2], function($v) { $v * 2 })')).toEqual([2, 4]);
  });
});

describe('regexes in expressions run in linear time (RE2)', () => {
  const evil = { inputs: { s: `${'a'.repeat(25)}!` } };

  it('matches a catastrophic pattern at once ($match ran >60 s)', async () => {
    const { ms, result } = await timed(() => evaluate('$match(inputs.s, /(a+)+$/)', evil));
    expect(result).toEqual({ status: 'fulfilled', value: undefined });
    expect(ms).toBeLessThan(500);
  });

  it.each([
    ['$contains(inputs.s, /^(a|aa)+$/)', false],
    ['$replace(inputs.s, /(a+)+b/, "x")', evil.inputs.s],
    ['$count($split(inputs.s, /(a*)*b/))', 1],
  ])('%s', async (source, expected) => {
    const { ms, result } = await timed(() => evaluate(source, evil));
    expect(result).toEqual({ status: 'fulfilled', value: expected });
    expect(ms).toBeLessThan(500);
  });

  it('keeps JSONata regex semantics: groups, flags, global replace', async () => {
    expect(await evaluate('$match("ab12cd34", /([a-z]+)(\\d+)/)')).toEqual([
      { match: 'ab12', index: 0, groups: ['ab', '12'] },
      { match: 'cd34', index: 4, groups: ['cd', '34'] },
    ]);
    expect(await evaluate('$contains("HELLO", /hello/i)')).toBe(true);
    expect(await evaluate('$replace("a1b22", /\\d+/, "<$0>")')).toBe('a<1>b<22>');
    expect(await evaluate('$split("a1b2c", /\\d/)')).toEqual(['a', 'b', 'c']);
    expect(await evaluate('$match("é😀x", /x/).index')).toBe(3);
  });

  it('refuses a backreference at run time with E_REGEX', async () => {
    await expect(evaluate('$contains("aa", /(a)\\1/)')).rejects.toMatchObject({ code: 'E_REGEX' });
    await expect(evaluate('$contains("aa", /(?<n>a)\\k<n>/)')).rejects.toMatchObject({ code: 'E_REGEX' });
    await expect(evaluate('$contains("ab", /a(?=b)/)')).rejects.toMatchObject({ code: 'E_REGEX' });
  });
});

import { describe, expect, it } from 'vitest';
import { InputInvalid, isFirstlineError } from '../errors.js';
import type { InputProblem } from '../errors.js';
import type { InputSpec } from '../format/playbook.generated.js';
import { prepareInputs } from './inputs.js';

const inputs: Record<string, InputSpec> = {
  instanceId: { type: 'string', pattern: '^i-[0-9a-f]+$', minLength: 5, maxLength: 20 },
  region: { type: 'string', enum: ['eu-west-1', 'us-east-1'], default: 'eu-west-1' },
  count: { type: 'integer', minimum: 1, maximum: 5, default: 1 },
  ratio: { type: 'number', required: false },
  dryRun: { type: 'boolean', default: false },
  ids: { type: 'array', items: { type: 'string', pattern: '^i-' }, default: [] },
  tags: { type: 'object', default: { team: 'ops' } },
};
const playbook = { name: 'restart', inputs };

function problems(given: unknown, pb: Parameters<typeof prepareInputs>[0] = playbook): InputProblem[] {
  try {
    prepareInputs(pb, given);
  } catch (error) {
    expect(error).toBeInstanceOf(InputInvalid);
    return [...(error as InputInvalid).problems];
  }
  throw new Error('expected InputInvalid');
}

describe('prepareInputs', () => {
  it('returns a new object with given values and defaults', () => {
    const given = { instanceId: 'i-0abc', ratio: 0.5 };
    const result = prepareInputs(playbook, given);
    expect(result).toEqual({
      instanceId: 'i-0abc',
      region: 'eu-west-1',
      count: 1,
      ratio: 0.5,
      dryRun: false,
      ids: [],
      tags: { team: 'ops' },
    });
    expect(result).not.toBe(given);
    expect(given).toEqual({ instanceId: 'i-0abc', ratio: 0.5 });
  });

  it('leaves optional inputs without a default out, and treats undefined as not given', () => {
    const result = prepareInputs(playbook, { instanceId: 'i-0abc', count: undefined, other: undefined });
    expect(result).not.toHaveProperty('ratio');
    expect(result.count).toBe(1);
    expect(result).not.toHaveProperty('other');
  });

  it('deep-clones defaults so runs never share them', () => {
    const first = prepareInputs(playbook, { instanceId: 'i-0abc' });
    (first.ids as string[]).push('i-1');
    (first.tags as Record<string, string>).team = 'changed';
    const second = prepareInputs(playbook, { instanceId: 'i-0abc' });
    expect(second.ids).toEqual([]);
    expect(second.tags).toEqual({ team: 'ops' });
    expect(inputs.tags?.default).toEqual({ team: 'ops' });
  });

  it('reports a missing required input', () => {
    expect(problems({})).toEqual([{ path: 'inputs.instanceId', message: 'is required but was not given' }]);
  });

  it('mentions the description of a missing input', () => {
    const pb = { name: 'p', inputs: { zone: { type: 'string', description: 'the DNS zone' } } as const };
    expect(problems({}, pb)[0]?.message).toBe('is required but was not given (the DNS zone)');
  });

  it('leaves out an optional input without a default', () => {
    const pb = { name: 'p', inputs: { a: { type: 'string', required: false } } as Record<string, InputSpec> };
    expect(prepareInputs(pb, {})).toEqual({});
  });

  it('reports wrong types without coercing', () => {
    expect(problems({ instanceId: 'i-0abc', count: '3' })).toEqual([
      { path: 'inputs.count', message: 'expected an integer, got the string "3"' },
    ]);
    expect(problems({ instanceId: 'i-0abc', count: 2.5 })[0]?.message).toBe(
      'expected an integer, got the number 2.5',
    );
    expect(problems({ instanceId: 'i-0abc', dryRun: 'true' })[0]?.message).toBe(
      'expected a boolean, got the string "true"',
    );
    expect(problems({ instanceId: 'i-0abc', ratio: Number.NaN })[0]?.message).toBe(
      'expected a number, got the number NaN',
    );
    expect(problems({ instanceId: 'i-0abc', tags: [] })[0]?.message).toBe(
      'expected an object, got an array of 0 items',
    );
    expect(problems({ instanceId: null })[0]?.message).toBe('expected a string, got null');
  });

  it('reports enum, pattern, length and range problems', () => {
    expect(problems({ instanceId: 'i-0abc', region: 'eu-west-2' })).toEqual([
      {
        path: 'inputs.region',
        message:
          'must be one of "eu-west-1", "us-east-1", got the string "eu-west-2"; did you mean "eu-west-1"?',
      },
    ]);
    expect(problems({ instanceId: 'x-12345' })).toEqual([
      {
        path: 'inputs.instanceId',
        message: 'must match the pattern "^i-[0-9a-f]+$", got the string "x-12345"',
      },
    ]);
    expect(problems({ instanceId: 'i-0a' })).toEqual([
      {
        path: 'inputs.instanceId',
        message: 'must be at least 5 characters long, got the string "i-0a" (4 characters)',
      },
    ]);
    expect(problems({ instanceId: `i-${'a'.repeat(30)}` })[0]?.message).toMatch(
      /^must be at most 20 characters long, got the string "i-a+" \(32 characters\)$/,
    );
    expect(problems({ instanceId: 'i-0abc', count: 0 })).toEqual([
      { path: 'inputs.count', message: 'must be at least 1, got the number 0' },
    ]);
    expect(problems({ instanceId: 'i-0abc', count: 6 })).toEqual([
      { path: 'inputs.count', message: 'must be at most 5, got the number 6' },
    ]);
  });

  it('reports item schema violations with their index', () => {
    expect(problems({ instanceId: 'i-0abc', ids: ['i-1', 'i-2', 'x-3', 4] })).toEqual([
      { path: 'inputs.ids[2]', message: 'must match the pattern "^i-", got the string "x-3"' },
      { path: 'inputs.ids[3]', message: 'expected a string, got the number 4' },
    ]);
  });

  it('reports nested object problems inside items', () => {
    const pb = {
      name: 'p',
      inputs: {
        hosts: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' } },
            additionalProperties: false,
          },
        },
      } as Record<string, InputSpec>,
    };
    expect(problems({ hosts: [{ name: 'a' }, { port: 1 }] }, pb)).toEqual([
      { path: 'inputs.hosts[1]', message: 'needs the key "name"' },
      { path: 'inputs.hosts[1].port', message: 'is not allowed here' },
    ]);
  });

  it('suggests the closest name for an unknown input', () => {
    expect(problems({ instanceId: 'i-0abc', regoin: 'us-east-1' })).toEqual([
      { path: 'inputs.regoin', message: 'unknown input; did you mean "region"?' },
    ]);
    expect(problems({ instanceId: 'i-0abc', zzz: 1 })[0]?.message).toBe(
      'unknown input; this playbook takes: instanceId, region, count, ratio, dryRun, ids, tags',
    );
  });

  it('lists every problem at once in one error', () => {
    let caught: unknown;
    try {
      prepareInputs(playbook, { count: 'many', region: 'mars', colour: 'red' });
    } catch (error) {
      caught = error;
    }
    expect(isFirstlineError(caught)).toBe(true);
    const error = caught as InputInvalid;
    expect(error.code).toBe('E_INPUT_INVALID');
    expect(error.playbook).toBe('restart');
    expect(error.problems.map((p) => p.path)).toEqual([
      'inputs.instanceId',
      'inputs.region',
      'inputs.count',
      'inputs.colour',
    ]);
    expect(error.message).toContain('restart: invalid input: inputs.instanceId: is required');
  });

  it('requires a plain object', () => {
    for (const given of [null, 'x', 3, ['a'], new Date(0)]) {
      const found = problems(given);
      expect(found).toHaveLength(1);
      expect(found[0]?.path).toBe('inputs');
      expect(found[0]?.message).toMatch(/^expected an object of named inputs, got /);
    }
  });

  it('caps long values at 60 characters and hides credential-shaped ones', () => {
    const long = `x${'y'.repeat(500)}`;
    const message = problems({ instanceId: long })
      .map((p) => p.message)
      .join('\n');
    expect(message).not.toContain('y'.repeat(60));
    expect(message).toContain('…');

    const token = `xoxb-${'0'.repeat(12)}-fake`;
    const hidden = problems({ instanceId: 'i-0abc', count: token })[0]?.message;
    expect(hidden).toBe('expected an integer, got a string that looks like a Slack token (not shown)');
  });

  it('accepts {} and undefined and rejects anything given when the playbook has no inputs', () => {
    const pb = { name: 'bare' };
    expect(prepareInputs(pb, {})).toEqual({});
    expect(prepareInputs(pb, undefined)).toEqual({});
    expect(problems({ x: 1 }, pb)).toEqual([
      { path: 'inputs.x', message: 'unknown input; this playbook takes no inputs' },
    ]);
  });

  it('reuses its validators across runs of one playbook and keeps results separate', () => {
    const a = prepareInputs(playbook, { instanceId: 'i-0aaa' });
    const b = prepareInputs(playbook, { instanceId: 'i-0bbb' });
    expect([a.instanceId, b.instanceId]).toEqual(['i-0aaa', 'i-0bbb']);
    expect(problems({ instanceId: 'bad' })[0]?.path).toBe('inputs.instanceId');

    // The validator is built on first use: a later edit of the same spec object is not re-read.
    const spec: InputSpec = { type: 'string', pattern: '^a' };
    const pb = { name: 'cached', inputs: { v: spec } };
    expect(prepareInputs(pb, { v: 'abc' })).toEqual({ v: 'abc' });
    spec.pattern = '^z';
    expect(prepareInputs(pb, { v: 'abc' })).toEqual({ v: 'abc' });
    expect(problems({ v: 'abc' }, { name: 'fresh', inputs: { v: { ...spec } } })[0]?.message).toContain('^z');
  });

  it('quotes odd input names in paths and never writes through __proto__', () => {
    const given = JSON.parse(
      '{"__proto__": {"polluted": true}, "instanceId": "i-0abc", "my input": 1}',
    ) as unknown;
    expect(problems(given).map((p) => p.path)).toEqual(['inputs.__proto__', 'inputs["my input"]']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('fails clearly when a spec cannot be compiled', () => {
    const pb = { name: 'p', inputs: { a: { type: 'string', pattern: '(' } } as Record<string, InputSpec> };
    expect(() => prepareInputs(pb, { a: 'x' })).toThrow(/p: inputs\.a cannot be checked/);
    const bad = {
      name: 'q',
      inputs: { b: { type: 'array', items: { type: 'strin' } } } as Record<string, InputSpec>,
    };
    expect(() => prepareInputs(bad, {})).toThrow(/q: inputs\.b cannot be checked: items schema/);
  });

  it('resolves $ref inside an items schema against that schema, and keeps playbooks apart', () => {
    const items = {
      $id: 'urn:example:host',
      $ref: '#/$defs/host',
      $defs: { host: { type: 'string', minLength: 2 } },
    };
    const first = { name: 'a', inputs: { hosts: { type: 'array', items } } as Record<string, InputSpec> };
    // A second playbook with the same nested $id must not clash with the first one's.
    const second = {
      name: 'b',
      inputs: { hosts: { type: 'array', items: { ...items } } } as Record<string, InputSpec>,
    };
    expect(prepareInputs(first, { hosts: ['web1'] })).toEqual({ hosts: ['web1'] });
    expect(problems({ hosts: ['web1', 'x'] }, second)).toEqual([
      {
        path: 'inputs.hosts[1]',
        message: 'must be at least 2 characters long, got the string "x" (1 character)',
      },
    ]);
  });
});

import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { toValidationSchema } from '../validate/validationSchema.js';
import { validatePlaybook } from '../validate/validatePlaybook.js';
import schema from './schema.json' with { type: 'json' };
import type {
  ActionStep,
  ApproveStep,
  Checks,
  EndStep,
  GotoStep,
  ParallelChecks,
  ParallelStep,
  Playbook,
  Quorum,
  SecretRef,
  Step,
  WaitStep,
  WaitUntil,
} from './types.js';

type Schema = Record<string, unknown>;

/** The published schema as an editor or another tool would compile it: ajv 2020-12, strict. */
function compilePublished(target: Schema = schema): ValidateFunction {
  // strictRequired is off because the root `oneOf` names `required` keys declared one level up,
  // which JSON Schema allows and ajv's strictRequired flags; every other strict check stays on.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  return ajv.compile(target);
}

/** Every `x-*` annotation a schema carries, so ajv's strict mode accepts them. */
function annotations(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) annotations(item, out);
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) out.add(key);
      annotations(value, out);
    }
  return out;
}

function compileDerived(): ValidateFunction {
  const derived = toValidationSchema(schema);
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  // Where no branch of a choice matches, the derived schema lands on `x-invalid`: it must fail.
  ajv.addKeyword({ keyword: 'x-invalid', schemaType: 'string', validate: () => false, errors: false });
  for (const keyword of annotations(derived)) if (keyword !== 'x-invalid') ajv.addKeyword({ keyword });
  return ajv.compile(derived);
}

describe('playbook.generated.ts', () => {
  it('is what `pnpm gen` renders from schema.json now', async () => {
    // A variable specifier: the script is plain JS outside the TypeScript project.
    const script = new URL('../../scripts/gen-types.mjs', import.meta.url).href;
    const { renderTypes } = (await import(script)) as { renderTypes: () => Promise<string> };
    const committed = await readFile(new URL('./playbook.generated.ts', import.meta.url), 'utf8');
    const rendered = await renderTypes();
    expect(
      rendered === committed,
      'schema.json and playbook.generated.ts disagree: run `pnpm gen` and commit the result',
    ).toBe(true);
  });
});

describe('the published schema', () => {
  it('compiles under ajv 2020-12 in strict mode', () => {
    expect(() => compilePublished()).not.toThrow();
  });
  // The playbooks the docs show are validated against this schema by the repository's test/docs.test.ts.
});

describe('the generated types', () => {
  it('describe the format the schema defines', () => {
    expectTypeOf<NonNullable<Playbook['steps']>[number]>().toEqualTypeOf<Step>();
    expectTypeOf<Step>().toEqualTypeOf<
      ActionStep | WaitStep | GotoStep | EndStep | ParallelStep | ApproveStep
    >();
    expectTypeOf<Playbook['firstline']>().toEqualTypeOf<1>();
    expectTypeOf<Playbook['name']>().toEqualTypeOf<string>();
    expectTypeOf<Playbook['checks']>().toEqualTypeOf<Checks | undefined>();
    expectTypeOf<Checks>().toEqualTypeOf<[ActionStep, ...ActionStep[]] | ParallelChecks>();
    expectTypeOf<NonNullable<Playbook['remediate']>[number]>().toEqualTypeOf<ActionStep>();
    expectTypeOf<WaitStep['wait']>().toEqualTypeOf<string | WaitUntil>();
    expectTypeOf<ParallelStep['parallel']>().toEqualTypeOf<true>();
    expectTypeOf<ParallelStep['steps'][number]>().toEqualTypeOf<ActionStep>();
    expectTypeOf<Quorum>().toEqualTypeOf<'all' | 'any' | { atLeast: number }>();
    expectTypeOf<SecretRef>().toMatchTypeOf<{ env: string } | { ssm: string } | { secretsManager: string }>();
    expectTypeOf<NonNullable<Playbook['secrets']>[string]>().toEqualTypeOf<SecretRef>();
    expectTypeOf<ActionStep['on']>().toEqualTypeOf<
      { pass?: string; fail?: string; error?: string; timeout?: string } | undefined
    >();
    expectTypeOf<keyof NonNullable<Playbook['notify']>>().toEqualTypeOf<
      | 'healthy'
      | 'recovered'
      | 'unrecovered'
      | 'inconclusive'
      | 'failed'
      | 'timed_out'
      | 'cancelled'
      | 'skipped'
    >();
    expectTypeOf<ActionStep['onError']>().toEqualTypeOf<'inconclusive' | 'fail' | undefined>();
    expectTypeOf<NonNullable<Playbook['defaults']>['onError']>().toEqualTypeOf<
      'inconclusive' | 'fail' | undefined
    >();
  });
});

describe('the validation schema derived from the published one', () => {
  const step = (extra: Schema) => ({ firstline: 1, name: 'p', steps: [extra] });
  const checks = (value: unknown, more: Schema = {}) => ({ firstline: 1, name: 'p', checks: value, ...more });
  const probe = { id: 'c', action: 'test.probe.get' };

  const valid: Array<[string, unknown]> = [
    ['minimal first-line form', checks([probe])],
    [
      'full first-line form',
      checks(
        { parallel: true, quorum: { atLeast: 1 }, steps: [probe] },
        {
          inputs: { url: { type: 'string', default: 'x' } },
          secrets: {
            a: { env: 'A_TOKEN' },
            b: { ssm: '/p/b', region: 'eu-west-1' },
            c: { secretsManager: 'c', key: 'k' },
          },
          timeout: '30m',
          defaults: {
            timeout: '20s',
            retry: { attempts: 3, delay: '2s', backoff: 'exponential', on: ['timeout'] },
          },
          remediate: [{ id: 'r', action: 'test.box.reboot', with: { x: '{{ inputs.url }}' } }],
          recheck: { rounds: 2, after: '1m' },
          notify: { healthy: [], recovered: [{ action: 'test.chat.post', with: { text: 'ok' } }] },
        },
      ),
    ],
    ['quorum any', checks({ parallel: true, quorum: 'any', steps: [probe] })],
    ['an action step', step({ ...probe, on: { pass: 'c', fail: 'c' }, maxVisits: 2, expect: 'true' })],
    ['a fixed wait', step({ id: 'w', wait: '2m' })],
    [
      'a polling wait',
      step({ id: 'w', wait: { until: 'output.ok', step: 'c', timeout: '5m', every: '10s' } }),
    ],
    ['a goto', step({ id: 'g', goto: 'c', maxVisits: 3 })],
    ['an end', step({ id: 'e', end: 'recovered' })],
    ['a parallel group', step({ id: 'p', parallel: true, quorum: 'all', steps: [probe], timeout: '1m' })],
  ];

  const invalid: Array<[string, unknown]> = [
    ['no version', { name: 'p', checks: [probe] }],
    ['version 2', checks([probe], { firstline: 2 })],
    ['an unknown top-level key', checks([probe], { extra: true })],
    ['a step with two kinds', step({ id: 's', action: 'test.probe.get', wait: '1m' })],
    ['a step with no kind', step({ id: 's' })],
    ['a step that is a string', step('s' as unknown as Schema)],
    ['a bad duration', step({ id: 'w', wait: 'soon' })],
    ['a polling wait without until', step({ id: 'w', wait: { step: 'c', timeout: '1m' } })],
    [
      'a polling wait with an unknown key',
      step({ id: 'w', wait: { until: 'x', step: 'c', timeout: '1m', x: 1 } }),
    ],
    ['a wait that is a number', step({ id: 'w', wait: 5 })],
    ['an end with a bad outcome', step({ id: 'e', end: 'Not-Valid' })],
    ['a quorum word that is not all or any', checks({ parallel: true, quorum: 'most', steps: [probe] })],
    ['a quorum of zero', checks({ parallel: true, quorum: { atLeast: 0 }, steps: [probe] })],
    ['a quorum object without atLeast', checks({ parallel: true, quorum: {}, steps: [probe] })],
    ['checks as a mapping without parallel', checks({ steps: [probe] })],
    ['checks as a string', checks('url')],
    ['empty checks', checks([])],
    ['a secret with two sources', checks([probe], { secrets: { s: { env: 'A', ssm: '/a' } } })],
    ['a secret from nowhere', checks([probe], { secrets: { s: { vault: 'a' } } })],
    ['a secret given as a value', checks([probe], { secrets: { s: 'hunter2' } })],
    ['a bad step id', step({ id: '1st', end: 'failed' })],
    ['a bad action id', step({ id: 's', action: 'Reboot' })],
  ];

  const published = compilePublished();
  const derived = compileDerived();

  it.each(valid)('accepts %s, as the published schema does', (_, doc) => {
    expect(published(doc), JSON.stringify(published.errors)).toBe(true);
    expect(derived(doc), JSON.stringify(derived.errors)).toBe(true);
  });

  it.each(invalid)('rejects %s, as the published schema does', (_, doc) => {
    expect(published(doc)).toBe(false);
    expect(derived(doc)).toBe(false);
  });

  it('leaves the checks-or-steps rule to the E_FORM check, which reports it', () => {
    const both = { firstline: 1, name: 'p', checks: [probe], steps: [{ id: 'e', end: 'failed' }] };
    expect(published(both)).toBe(false);
    expect(derived(both)).toBe(true);
    expect(validatePlaybook(both).issues.map((i) => i.code)).toContain('E_FORM');
  });

  it('does not change the published schema it derives from', () => {
    const before = JSON.stringify(schema);
    toValidationSchema(schema);
    expect(JSON.stringify(schema)).toBe(before);
  });
});

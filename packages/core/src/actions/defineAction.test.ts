import { describe, expect, it } from 'vitest';
import { FirstlineError, isFirstlineError } from '../errors.js';
import { defineAction } from './defineAction.js';
import type { ActionDefinition } from './types.js';

const valid: ActionDefinition<{ url: string }, { status: number }> = {
  id: 'http.check',
  kind: 'probe',
  description: 'Fetches a URL.',
  input: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } },
  run: () => Promise.resolve({ status: 200 }),
};

function definitionError(definition: unknown): FirstlineError {
  try {
    defineAction(definition as ActionDefinition);
  } catch (error) {
    expect(isFirstlineError(error)).toBe(true);
    expect(error).toBeInstanceOf(FirstlineError);
    return error as FirstlineError;
  }
  throw new Error('defineAction accepted an invalid definition');
}

describe('defineAction', () => {
  it('returns an equal, frozen definition', () => {
    const action = defineAction(valid);
    expect(action).toEqual(valid);
    expect(action).not.toBe(valid);
    expect(Object.isFrozen(action)).toBe(true);
  });

  it.each(['aws.ec2.reboot', 'slack.post', 'core.log', 'aws.route53.healthCheckStatus', 'net2.tcp.open'])(
    'accepts the id %s',
    (id) => {
      expect(defineAction({ ...valid, id }).id).toBe(id);
    },
  );

  it.each([
    'reboot',
    'Aws.ec2.reboot',
    'aws..reboot',
    'aws.ec2.',
    '.slack',
    'aws-ec2.reboot',
    'aws.2ec.reboot',
    '',
  ])('rejects the id %j', (id) => {
    const error = definitionError({ ...valid, id });
    expect(error.code).toBe('E_ACTION_DEFINITION');
    expect(error.message).toContain('family.service.verb');
  });

  it('rejects an unknown kind', () => {
    const error = definitionError({ ...valid, kind: 'mutation' });
    expect(error.code).toBe('E_ACTION_DEFINITION');
    expect(error.message).toContain('kind "mutation"');
  });

  it('rejects a missing run, input or description, listing every problem at once', () => {
    const error = definitionError({ id: 'Bad', kind: 'probe', description: '  ' });
    expect(error.code).toBe('E_ACTION_DEFINITION');
    expect(error.message).toMatch(/id "Bad"/);
    expect(error.message).toMatch(/run is not a function/);
    expect(error.message).toMatch(/input is not a JSON Schema object/);
    expect(error.message).toMatch(/description is empty/);
  });

  it('rejects a null input schema', () => {
    expect(definitionError({ ...valid, input: null }).message).toMatch(/input is not a JSON Schema object/);
  });
});

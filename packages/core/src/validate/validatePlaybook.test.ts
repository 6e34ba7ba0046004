import { describe, expect, it } from 'vitest';
import { fakeAction } from '../../test/support.js';
import { createActionRegistry } from '../actions/registry.js';
import { parsePlaybook, playbookFromData } from '../load/loadPlaybook.js';
import { checkPlaybook, validatePlaybook } from './validatePlaybook.js';

const probe = fakeAction('test.probe.get', 'probe', {
  input: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } },
});

describe('validatePlaybook', () => {
  it('validates plain data, reporting positions as line 1 column 1', () => {
    const result = validatePlaybook(
      { firstline: 1, name: 'data', steps: [{ id: 'a', action: 'test.probe.get', on: { fail: 'nope' } }] },
      { actions: [probe] },
    );
    expect(result.ok).toBe(false);
    expect(result.issues.map((i) => [i.code, i.path, i.line, i.column])).toEqual([
      ['E_ACTION_INPUT', 'steps[0].with', 1, 1],
      ['E_UNKNOWN_STEP', 'steps[0].on.fail', 1, 1],
    ]);
  });

  it('treats plain data and the same playbook loaded from YAML alike, positions aside', () => {
    const yaml =
      'firstline: 1\nname: same\nsteps:\n  - id: a\n    action: test.probe.get\n    timeout: soon\n';
    const fromYaml = validatePlaybook(parsePlaybook(yaml), { actions: [probe] });
    const fromData = validatePlaybook(parsePlaybook(yaml).data as object, { actions: [probe] });
    const strip = (issues: typeof fromYaml.issues) =>
      issues.map(({ code, path, message }) => ({ code, path, message }));
    expect(strip(fromData.issues)).toEqual(strip(fromYaml.issues));
    expect(fromYaml.issues.some((i) => i.line > 1)).toBe(true);
    expect(validatePlaybook(playbookFromData(parsePlaybook(yaml).data), { actions: [probe] }).issues).toEqual(
      fromData.issues,
    );
  });

  it('is ok with warnings only, and not ok with any error', () => {
    const warned = validatePlaybook({
      firstline: 1,
      name: 'w',
      steps: [{ id: 'a', action: 'core.log', with: { message: 'x' }, timeout: '2h' }],
    });
    expect(warned.issues.map((i) => i.severity)).toEqual(['warning']);
    expect(warned.ok).toBe(true);
    expect(validatePlaybook({ firstline: 1, name: 'e' }).ok).toBe(false);
  });

  it('accepts a registry or a list of actions', () => {
    const data = {
      firstline: 1,
      name: 'r',
      checks: [{ id: 'a', action: 'test.probe.get', with: { url: 'x' } }],
    };
    expect(validatePlaybook(data, { actions: createActionRegistry([probe]) }).ok).toBe(true);
    expect(validatePlaybook(data, { actions: [probe] }).ok).toBe(true);
    expect(validatePlaybook(data).issues.map((i) => i.code)).toEqual(['E_UNKNOWN_ACTION']);
  });

  it('reports every layer of problems in one pass, sorted by position', () => {
    const yaml = [
      'firstline: 1',
      'name: many',
      'colour: blue',
      'steps:',
      '  - id: a',
      '    action: test.probe.get',
      '    with: { url: "{{ inputs.nope }}" }',
      '    on: { fail: missing }',
    ].join('\n');
    const { issues } = validatePlaybook(parsePlaybook(yaml), { actions: [probe] });
    expect(issues.map((i) => `${i.line}:${i.column} ${i.code}`)).toEqual([
      '3:1 E_UNKNOWN_KEY',
      '7:22 E_UNKNOWN_INPUT',
      '8:17 E_UNKNOWN_STEP',
    ]);
  });

  it('never throws on data that is not a playbook at all', () => {
    for (const data of [{}, [], { steps: 'x' }, { steps: [null, 1, 'a', []] }, { checks: { steps: {} } }]) {
      const result = validatePlaybook(data);
      expect(result.ok).toBe(false);
      expect(result.issues.every((i) => i.line === 1 && i.column === 1)).toBe(true);
    }
  });
});

describe('checkPlaybook', () => {
  it('returns the playbook with the validation issues', async () => {
    const result = await checkPlaybook(
      { text: 'firstline: 1\nname: c\nsteps:\n  - id: a\n    goto: b\n', file: 'c.yaml' },
      { actions: [probe] },
    );
    expect(result.playbook?.file).toBe('c.yaml');
    expect(result.issues).toMatchObject([{ code: 'E_UNKNOWN_STEP', line: 5, column: 11 }]);
    expect(result.ok).toBe(false);
  });

  it('returns load problems as issues, without a playbook', async () => {
    const result = await checkPlaybook({ text: 'a: [1, 2\n' });
    expect(result.ok).toBe(false);
    expect(result.playbook).toBeUndefined();
    expect(result.issues[0]?.code).toBe('E_YAML_SYNTAX');
  });
});

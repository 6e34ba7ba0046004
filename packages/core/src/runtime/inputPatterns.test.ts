import { describe, expect, it } from 'vitest';
import { InputInvalid } from '../errors.js';
import type { InputSpec } from '../format/playbook.generated.js';
import { prepareInputs } from './inputs.js';

const inputs: Record<string, InputSpec> = {
  name: { type: 'string', pattern: '^(a+)+$' },
  list: { type: 'array', items: { type: 'string', pattern: '^(a|aa)+$' }, default: [] },
};
const playbook = { name: 'redos', inputs };

describe('input patterns run in linear time (RE2)', () => {
  it('checks a ReDoS-prone value against ^(a+)+$ at once (ajv ran >60 s)', () => {
    // This process's CPU time, not the wall clock: a loaded machine must not turn slow into failed
    // (backtracking here is exponential: ajv's regex engine took over a minute).
    const start = process.cpuUsage();
    expect(() => prepareInputs(playbook, { name: `${'a'.repeat(25)}!` })).toThrow(InputInvalid);
    expect(() => prepareInputs(playbook, { name: 'x', list: [`${'a'.repeat(25)}!`] })).toThrow(InputInvalid);
    const used = process.cpuUsage(start);
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });

  it('still accepts what matches', () => {
    expect(prepareInputs(playbook, { name: 'aaa', list: ['aa'] })).toEqual({ name: 'aaa', list: ['aa'] });
  });

  it('checks each input against its own pattern, not the first one compiled (ajv keys patterns by toString)', () => {
    const two = {
      name: 'two-patterns',
      inputs: {
        region: { type: 'string', pattern: '^[a-z]{2}-[a-z]+-[0-9]+$' },
        instanceId: { type: 'string', pattern: '^i-[0-9a-f]{8,17}$' },
      } satisfies Record<string, InputSpec>,
    };
    expect(prepareInputs(two, { region: 'eu-west-3', instanceId: 'i-0abc1234' })).toEqual({
      region: 'eu-west-3',
      instanceId: 'i-0abc1234',
    });
    expect(() => prepareInputs(two, { region: 'eu-west-3', instanceId: 'eu-west-3' })).toThrow(
      /instanceId: must match the pattern/,
    );
  });
});

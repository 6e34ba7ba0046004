import { describe, expect, it } from 'vitest';
import { isFirstlineError, MissingValue } from './errors.js';

describe('MissingValue', () => {
  it('starts its message with the code, so a step error (a string) keeps it', () => {
    const error = new MissingValue({
      path: 'trigger.alarmName',
      found: 'trigger has: kind, raw',
      expression: 'text: "alarm {{ trigger.alarmName }}"',
    });
    expect(error.message).toBe(
      'E_MISSING_VALUE: trigger.alarmName is missing (trigger has: kind, raw) in text: "alarm {{ trigger.alarmName }}"',
    );
    expect(error).toMatchObject({ code: 'E_MISSING_VALUE', path: 'trigger.alarmName', name: 'MissingValue' });
    expect(isFirstlineError(error)).toBe(true);
  });

  it('without a single path to blame, says the expression gave no value', () => {
    const error = new MissingValue({
      found: '`items[0]` matched nothing',
      expression: 'host: "{{ items[0] }}"',
    });
    expect(error.message).toBe(
      'E_MISSING_VALUE: it gave no value (`items[0]` matched nothing) in host: "{{ items[0] }}"',
    );
    expect(error.path).toBeUndefined();
  });
});

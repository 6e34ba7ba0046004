import { describe, expect, test } from 'vitest';
import { bindInputs } from '../src/index.js';

describe('bindInputs', () => {
  test('fills plain input references the deployment fixes, and leaves every other template alone', () => {
    const data = {
      with: { instanceIds: ['{{ inputs.instanceId }}'], url: '{{inputs.url}}/health', n: 3 },
      note: "{{ inputs.instanceId & '-x' }} {{ inputs.other }} {{ steps.a.output }}",
    };
    expect(bindInputs(data, { instanceId: 'i-1', url: 'https://a' })).toEqual({
      with: { instanceIds: ['i-1'], url: 'https://a/health', n: 3 },
      note: "{{ inputs.instanceId & '-x' }} {{ inputs.other }} {{ steps.a.output }}",
    });
    expect(bindInputs('{{ inputs.toString }}', {})).toBe('{{ inputs.toString }}');
  });
});

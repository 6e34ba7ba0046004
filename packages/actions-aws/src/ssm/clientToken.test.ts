import { describe, expect, it } from 'vitest';
import { clientTokenFor } from './clientToken.js';

describe('clientTokenFor', () => {
  it('is a UUID, as StartAutomationExecution requires, stable for one key and different across keys', () => {
    const key = 'c0ffee00-1234-4abc-8def-0123456789ab:rescue:1:1';
    const token = clientTokenFor(key);
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(token).toHaveLength(36);
    expect(clientTokenFor(key)).toBe(token);
    expect(clientTokenFor(`${key}x`)).not.toBe(token);
    // Keys of any length fit: the token is a hash, never the key cut short.
    expect(clientTokenFor('k'.repeat(500))).toHaveLength(36);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderValidator, validatorPath } from '../scripts/gen-validator.js';

describe('generated playbook validator', () => {
  // Compiles the schema with ajv, a second or more of CPU: vitest's 5 s default failed it on a loaded machine.
  it('is up to date with schema.json (run `pnpm gen` after changing the schema)', () => {
    expect(readFileSync(validatorPath, 'utf8')).toBe(renderValidator());
  }, 30_000);

  it('depends on no module at run time', () => {
    const source = readFileSync(validatorPath, 'utf8');
    expect(source).not.toMatch(/\brequire\(|^import /m);
  });
});

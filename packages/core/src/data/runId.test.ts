import { expect, it } from 'vitest';
import { checkRunId, isRunId } from './runId.js';

it('run ids are file-name safe: not "." or "..", no separators, 1 to 200 characters', () => {
  for (const id of ['a', 'sns-0123abcd', 'x'.repeat(200), '...', '.hidden', 'A-z_0.9'])
    expect(isRunId(id)).toBe(true);
  for (const id of ['.', '..', '', 'a/b', 'a\\b', '../x', 'run 1', 'x'.repeat(201), 'a:b', 7, undefined])
    expect(isRunId(id)).toBe(false);
  expect(() => checkRunId('..')).toThrow(
    expect.objectContaining({
      code: 'E_RUN_ID_INVALID',
      message: 'invalid run id "..": use 1 to 200 of A-Z a-z 0-9 . _ - (and not "." or "..")',
    }),
  );
  expect(checkRunId('run-1')).toBe('run-1');
});

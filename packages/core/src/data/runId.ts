import { FirstlineError } from '../errors.js';

/**
 * What a run id may be: 1 to 200 of A-Z a-z 0-9 . _ -, and not "." or "..". Ids become file names
 * (`<store>/<runId>.json`) and URL path segments: this alphabet cannot name another directory.
 */
export const RUN_ID_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;

/** True when `value` is a run id every store and host accepts (see {@link RUN_ID_PATTERN}). */
export function isRunId(value: unknown): value is string {
  return typeof value === 'string' && RUN_ID_PATTERN.test(value) && value !== '.' && value !== '..';
}

/** Returns `value` when it is a valid run id; throws E_RUN_ID_INVALID saying what is allowed otherwise. */
export function checkRunId(value: unknown): string {
  if (!isRunId(value))
    throw new FirstlineError(
      'E_RUN_ID_INVALID',
      `invalid run id ${JSON.stringify(value)?.slice(0, 220)}: use 1 to 200 of A-Z a-z 0-9 . _ - (and not "." or "..")`,
    );
  return value;
}

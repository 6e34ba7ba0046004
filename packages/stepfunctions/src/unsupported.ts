import { FirstlineError } from '@firstline/core';

/** Where in a playbook something cannot be exported: its file (if known) and step. */
export interface Where {
  file?: string;
  step?: string;
}

/**
 * The error an export throws for what Amazon States Language cannot express faithfully: code
 * `E_ASL_UNSUPPORTED`, naming the file and step, why, and what to do. Nothing is ever silently dropped.
 */
export function unsupported(where: Where, why: string): FirstlineError {
  const file = where.file !== undefined ? `${where.file}: ` : '';
  const step = where.step !== undefined ? `step "${where.step}": ` : '';
  return new FirstlineError('E_ASL_UNSUPPORTED', `${file}${step}${why}`);
}

import { FirstlineError } from '@firstline/core';

/** Where in a playbook something cannot be exported: its file (if known) and step. */
export interface Where {
  file?: string;
  step?: string;
}

/**
 * What `exportAsl` throws for what Amazon States Language cannot express faithfully: code
 * `E_ASL_UNSUPPORTED`, a message naming the file and step, and the step and reason as fields, so a tool
 * (the CLI) can point at the step's line and column.
 */
export class AslUnsupported extends FirstlineError {
  constructor(
    /** The playbook's file, when known. */
    readonly file: string | undefined,
    /** The step that cannot be exported; absent for what concerns the whole playbook. */
    readonly step: string | undefined,
    /** Why, and what to do instead. */
    readonly reason: string,
  ) {
    const file_ = file !== undefined ? `${file}: ` : '';
    const step_ = step !== undefined ? `step "${step}": ` : '';
    super('E_ASL_UNSUPPORTED', `${file_}${step_}${reason}`);
  }
}

/** The error an export throws for what it cannot express faithfully; nothing is ever silently dropped. */
export function unsupported(where: Where, why: string): AslUnsupported {
  return new AslUnsupported(where.file, where.step, why);
}

import type { AnyActionDefinition } from '@firstline/core';
import type { LoadedConfig } from './config/loadConfig.js';
import type { CliIo } from './io.js';

/** What every command runs with: its io, the actions playbooks may name, and whether to show stacks. */
export interface CliContext {
  /** Output streams, terminal facts, environment, working directory and Ctrl-C signal. */
  io: CliIo;
  /** The installed actions (AWS, network, notifiers, core); tests inject their own. */
  actions: readonly AnyActionDefinition[];
  /** `--debug`: errors keep their stack traces. */
  debug: boolean;
  /** The project config (`firstline.config.*`, `--config`), when there is one. */
  config?: LoadedConfig;
}

/** A wrong command line: printed with a hint, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** What to try instead ("see firstline simulate --help"). */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The CLI's exit codes: 0 good, 1 the run's outcome was not good (or a test failed), 2 bad input or
 * usage, 3 the run was handed back (SIGTERM, Ctrl-C): stored, not over, for `firstline resume`.
 */
export const EXIT = { ok: 0, bad: 1, usage: 2, handedBack: 3 } as const;

import { FirstlineError } from '@firstline/core';
import type { CliIssue } from '../render/issues.js';

/** One problem in a monitor config: where it is and what is wrong. */
export interface MonitorConfigProblem {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** What is wrong and, where possible, what to do. */
  message: string;
}

/**
 * A `firstline monitor` config that cannot be used: unreadable, not YAML, the wrong shape, a probe
 * input its action refuses. Carries every problem with its position; the CLI prints each as
 * `file:line:col  E_MONITOR_CONFIG  message` and exits 2.
 */
export class MonitorConfigInvalid extends FirstlineError {
  /** The problems as positioned issues, the way the CLI prints playbook issues. */
  readonly issues: readonly CliIssue[];

  constructor(
    /** The config file as shown (relative to the working directory). */
    readonly file: string,
    problems: readonly MonitorConfigProblem[],
  ) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
    const first = sorted[0];
    const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more)` : '';
    super(
      'E_MONITOR_CONFIG',
      first
        ? `${file}:${first.line}:${first.column} E_MONITOR_CONFIG ${first.message}${more}`
        : `${file} E_MONITOR_CONFIG invalid monitor config`,
    );
    this.issues = sorted.map((p) => ({
      code: 'E_MONITOR_CONFIG',
      message: p.message,
      line: p.line,
      column: p.column,
      severity: 'error' as const,
    }));
  }
}

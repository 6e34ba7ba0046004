/** Types of the playbook format, generated from schema.json (the one source of truth). */
export type * from './playbook.generated.js';

/** How one step ended. */
export type StepOutcome = 'pass' | 'fail' | 'error' | 'timeout' | 'skipped';

/** The outcomes every run can end with; playbooks may add their own through `end:`. */
export const RUN_OUTCOMES = [
  'healthy',
  'recovered',
  'unrecovered',
  'inconclusive',
  'failed',
  'timed_out',
  'cancelled',
  'skipped',
] as const;

/** How a run ended: a built-in outcome or a playbook's own `end:` value. */
export type RunOutcome = (typeof RUN_OUTCOMES)[number] | (string & {});

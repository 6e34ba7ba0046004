import { formatHumanDuration } from '../format/humanDuration.js';
import { changesSomething, toLookup } from '../runtime/runChanges.js';
import type { ActionLookup } from '../runtime/runChanges.js';
import type { SynthesisSource } from '../runtime/synthesize/index.js';
import type { TraceEvent } from '../runtime/types.js';
import type { ReportTime } from './runReport.js';

/** A value shown in a report: its full text, and whether it is long enough to fold. */
export interface ReportValue {
  text: string;
  /** True for more than one line or more than {@link FOLD_AT} characters: shown folded (`<details>`). */
  long: boolean;
}

/** Longer values than this are folded. */
export const FOLD_AT = 100;

/** One visit of one step, as the report shows it. */
export interface ReportStep {
  id: string;
  action?: string;
  visit: number;
  at: ReportTime;
  /** How the step ended, or `running`. */
  outcome: string;
  attempts: number;
  duration?: string;
  /** The last attempt's rendered input (redacted). */
  input?: ReportValue;
  /** The last attempt's output (redacted), when the action returned one. */
  output?: ReportValue;
  /** Set when no call gave the output (simulation, shadow plan): what it was synthesized from, in words. */
  synthesized?: string;
  error?: string;
  /** Shadow mode: what it would have done. */
  plan?: string;
  /** An approve step: what was asked, and who decided what, when and why. */
  approval?: { asked: string; decided?: string };
  /** Where the run went after it, in words: `remove-core`, `the run ended recovered`. */
  then?: string;
  /** True when a passing call of this step changed something (shadow mode: would have). */
  changed: boolean;
}

/** The step visits of a trace, in the order they started, each with its last attempt's input and output. */
export function reportSteps(
  trace: readonly TraceEvent[],
  time: (at: number) => ReportTime,
  actions: ActionLookup,
): ReportStep[] {
  const lookup = toLookup(actions);
  const shadow = trace.some((e) => e.type === 'run.start' && e.mode === 'shadow');
  const steps: ReportStep[] = [];
  const open = new Map<string, ReportStep>();
  // Each attempt's input by `step#attempt`, the latest start of it so far: what an `attempt.end` closes.
  const inputs = new Map<string, unknown>();
  // The step that ended last: the next step to start, or the run's end, is where its branch led.
  let ended: ReportStep | undefined;
  for (const event of trace) {
    if (event.type === 'attempt.start') inputs.set(`${event.step}#${event.attempt}`, event.input);
    if (event.type === 'run.end' && ended) ended.then = `the run ended ${event.outcome}`;
    if (event.type === 'run.suspend' && ended) ended.then = 'the run was stored to wait';
    if (event.type === 'step.start') {
      if (ended) ended.then = event.step;
      ended = undefined;
      const step: ReportStep = {
        id: event.step,
        ...(event.action && { action: event.action }),
        visit: event.visit,
        at: time(event.at),
        outcome: 'running',
        attempts: 0,
        changed: false,
      };
      steps.push(step);
      open.set(event.step, step);
      continue;
    }
    if (!('step' in event) || event.step === undefined) continue;
    const step = open.get(event.step);
    if (!step) continue;
    if (event.type === 'attempt.start') {
      step.input = reportValue(event.input);
      delete step.output;
    } else if (event.type === 'attempt.end') {
      step.attempts = event.attempt;
      if (event.output !== undefined) step.output = reportValue(event.output);
      const def = lookup(event.action);
      // As under "what changed": remediations, and in shadow mode what notifications would have sent.
      if (event.outcome === 'pass' && (def?.kind === 'remediation' || (shadow && def?.kind === 'notify')))
        step.changed ||= changesSomething(def, inputs.get(`${event.step}#${event.attempt}`));
    } else if (event.type === 'plan') {
      step.plan = event.summary;
    } else if (event.type === 'approval.request') {
      step.approval = { asked: event.message };
    } else if (event.type === 'approval.decision') {
      const who = event.by !== undefined ? ` by ${event.by}${event.via ? ` (${event.via})` : ''}` : '';
      const why = event.reason !== undefined ? `: “${event.reason}”` : '';
      step.approval = {
        asked: step.approval?.asked ?? '',
        decided: `${event.decision}${who} at ${time(event.at).wall}${why}`,
      };
    } else if (event.type === 'step.end') {
      step.outcome = event.outcome;
      step.attempts = event.attempts;
      step.duration = formatHumanDuration(event.durationMs);
      if (event.synthesized !== undefined) step.synthesized = SYNTHESIZED_FROM[event.synthesized];
      if (event.error !== undefined) step.error = event.error;
      open.delete(event.step);
      ended = step;
    }
  }
  return steps;
}

/** How a report names the source of a synthesized output. */
const SYNTHESIZED_FROM: Record<SynthesisSource, string> = {
  examples: "synthesized from the output schema's example",
  default: "synthesized from the output schema's defaults",
  minimal: 'synthesized: minimal values of the output schema',
};

/** A value's full text (strings as they are, the rest as pretty JSON), marked long when it should fold. */
export function reportValue(value: unknown): ReportValue {
  if (typeof value === 'string') return { text: value, long: value.length > FOLD_AT || value.includes('\n') };
  const compact = JSON.stringify(value) ?? String(value);
  if (compact.length <= FOLD_AT) return { text: compact, long: false };
  return { text: JSON.stringify(value, null, 2), long: true };
}

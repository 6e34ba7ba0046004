import { formatClockDuration, formatOffset, renderTrace, runChanges } from '@firstline/core';
import type { ActionLookup, RunResult } from '@firstline/core';
import type { Palette } from '../io.js';

/** The outcomes every playbook counts as good; `--good` adds custom `end:` outcomes. */
export const GOOD_OUTCOMES: readonly string[] = ['healthy', 'recovered'];

/** Options of {@link renderRunReport}. */
export interface RunReportOptions {
  palette: Palette;
  color: boolean;
  /** The actions, to tell remediations and notifications apart and describe them. */
  actions: ActionLookup;
  /** Outcomes that count as good (healthy and recovered, plus `--good`). */
  good: readonly string[];
  /** `would` for simulations and shadow runs; `did` for live ones. */
  verb: 'would' | 'did';
}

/** The timeline of a finished run, what it changed (or would have), and its outcome, for people. */
export function renderRunReport(result: RunResult, options: RunReportOptions): string {
  return `${renderTrace(result.trace, { color: options.color })}\n${renderOutcome(result, options)}`;
}

/** What a finished run changed (or would have) and its outcome: what follows a timeline already shown live. */
export function renderOutcome(result: RunResult, options: RunReportOptions): string {
  const { palette, verb } = options;
  const changes = runChanges(result.trace, options.actions);
  let text = '';
  if (changes.length === 0) {
    text += `${palette.bold(verb === 'would' ? 'would change' : 'changed')}  nothing\n`;
  } else {
    text += `${palette.bold(verb === 'would' ? 'would have changed (nothing was called)' : 'changed')}\n`;
    const width = Math.max(...changes.map((c) => c.step.length));
    for (const change of changes) {
      const said = `${verb} ${change.summary}`;
      const label = change.kind === 'remediation' ? palette.yellow(said) : said;
      text += `  ${palette.dim(formatOffset(change.at))}  ${palette.cyan(change.step.padEnd(width))}  ${label}\n`;
    }
  }
  const good = options.good.includes(result.outcome);
  // Inconclusive is not good (exit 1: a person looks), but nothing broke and nothing was changed for it.
  const outcome = good
    ? palette.green(result.outcome)
    : result.outcome === 'inconclusive'
      ? palette.yellow(result.outcome)
      : palette.red(result.outcome);
  text += `${palette.bold('outcome')}  ${outcome} in ${formatClockDuration(result.durationMs)}\n`;
  return text;
}

import { BUDGET_SPENT } from '@firstline/core';
import type { OutcomePath, PathStep, TraceEvent } from '@firstline/core';
import type { PlaybookIR } from '@firstline/core/internal';
import { playbookFacts } from './playbookFacts.js';

/**
 * The steps a run decided, in order, read from its trace: the same sequence `enumeratePaths` lists
 * for the path the run took. A step is the `step.end` of an action (not a notification), a wait, a
 * poll or a parallel group; the steps a poll or a group runs inside it are not (the group's own end
 * is); a step passed over because its `maxVisits` is used up is `skipped` (the machine says so in a
 * `decision` event, since such a step never starts). Outcomes are the exact ones, not `fail|error`.
 */
export function pathOfRun(ir: PlaybookIR, trace: readonly TraceEvent[]): PathStep[] {
  const { pathSteps } = playbookFacts(ir);
  const steps: PathStep[] = [];
  // A poll's probe is also a step of its own in the list: inside the poll its ends are the poll's business.
  let inside: string | undefined;
  for (const event of trace) {
    switch (event.type) {
      case 'step.start': {
        const kind = pathSteps.get(event.step)?.kind;
        if (inside === undefined && (kind === 'poll' || kind === 'parallel')) inside = event.step;
        break;
      }
      case 'step.end':
        if (inside !== undefined && event.step !== inside) break;
        inside = undefined;
        if (pathSteps.has(event.step)) steps.push({ step: event.step, outcome: event.outcome });
        break;
      case 'decision': {
        const step = event.step;
        const node = step === undefined ? undefined : pathSteps.get(step);
        if (
          inside === undefined &&
          node?.maxVisits !== undefined &&
          event.message.startsWith(`${step}: maxVisits `)
        )
          steps.push({ step: step!, outcome: 'skipped' });
        break;
      }
      default:
        break;
    }
  }
  return steps;
}

/**
 * The index of the enumerated path a run took, or -1 (a run cut short by its deadline or a cancel
 * ends on no enumerated path). A path step `url:fail|error|timeout` matches a run's `url:error`.
 */
export function matchPath(
  paths: readonly OutcomePath[],
  steps: readonly PathStep[],
  outcome: string,
): number {
  return paths.findIndex(
    (path) =>
      path.outcome === outcome &&
      path.steps.length === steps.length &&
      path.steps.every(
        (s, i) =>
          s.step === steps[i]!.step &&
          // A remediation a budget refused ran as `skipped`; its path names why.
          (s.outcome === BUDGET_SPENT
            ? steps[i]!.outcome === 'skipped'
            : s.outcome.split('|').includes(steps[i]!.outcome)),
      ),
  );
}

/** `url:fail → reboot:pass → recheck:pass ⇒ recovered`, as core's describePath writes paths. */
export function describeRun(steps: readonly PathStep[], outcome: string): string {
  const text = steps.map((s) => `${s.step}:${s.outcome}`).join(' → ');
  return text ? `${text} ⇒ ${outcome}` : `⇒ ${outcome}`;
}

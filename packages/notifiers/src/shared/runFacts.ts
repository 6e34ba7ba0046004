import { formatClockDuration, runChanges, traceTable } from '@firstline/core';
import type { ActionInfo, RunResult, StepRecord } from '@firstline/core';

/** Which actions a run used (the definitions, or just id and kind), so a summary can tell remediations apart. */
export type ActionKinds = Iterable<ActionInfo>;

/** What the run summaries say of one step. */
export interface StepFact {
  id: string;
  action?: string;
  outcome: string;
  attempts: number;
  visits: number;
  durationMs: number;
  error?: string;
  plan?: string;
}

/** What the run summaries (Slack blocks, Markdown) say of a run, read from its result and core's trace table. */
export interface RunFacts {
  runId: string;
  outcome: string;
  playbook: string;
  mode: string;
  started: string;
  duration: string;
  /** Steps in the order they started. */
  steps: StepFact[];
  /** The engine's decisions (branches taken, deadlines), in order. */
  decisions: Array<{ step?: string; message: string }>;
  /** Remediations that passed (live), or what remediations and notifications would have done (shadow). */
  changed: string[];
}

/** Reads the facts of a run; `actions` (the definitions it ran with) mark which steps changed something. */
export function runFacts(result: RunResult, actions?: ActionKinds): RunFacts {
  const { summary } = traceTable(result.trace);
  // A step's record holds its last visit; the timeline's order is that of first visits.
  const firstSeen = new Map<string, number>();
  result.trace.forEach((event, index) => {
    if (event.type === 'step.start' && !firstSeen.has(event.step)) firstSeen.set(event.step, index);
  });
  const order = (step: StepRecord) => firstSeen.get(step.id) ?? Number.MAX_SAFE_INTEGER;
  const steps = Object.values(result.steps)
    .sort((a, b) => order(a) - order(b) || a.startedAt - b.startedAt)
    .map(factOf);
  // One reading of "what changed" for every report (the CLI's too): core's, from the trace.
  const changed = runChanges(result.trace, [...(actions ?? [])])
    .filter((change) => change.kind === 'remediation' || summary.mode === 'shadow')
    .map((change) => `${change.step}: ${change.summary}`);
  const decisions = result.trace.flatMap((event) =>
    event.type === 'decision' ? [{ ...(event.step && { step: event.step }), message: event.message }] : [],
  );
  return {
    runId: result.runId,
    outcome: result.outcome,
    playbook: summary.playbook ?? 'playbook',
    mode: summary.mode ?? 'live',
    started: summary.started,
    duration: formatClockDuration(result.durationMs),
    steps,
    decisions,
    changed,
  };
}

function factOf(step: StepRecord): StepFact {
  return {
    id: step.id,
    ...(step.action && { action: step.action }),
    outcome: step.outcome,
    attempts: step.attempts,
    visits: step.visits,
    durationMs: Math.max(0, step.endedAt - step.startedAt),
    ...(step.error && { error: step.error }),
    ...(step.plan && { plan: step.plan }),
  };
}

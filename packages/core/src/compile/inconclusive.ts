import type { RunContext, StepRecord } from '../runtime/types.js';
import type { MachinePort } from './machinePort.js';
import type { PlaybookIR } from './ir.js';
import { ownValue } from '../util/ownRecord.js';

/**
 * Why a first-line run ended `inconclusive`: which check could not run and why, in which round, and
 * what the run had already changed. Templates read it as `run.inconclusive` (the escalation says
 * "could not check route53: AccessDenied; already done: reboot"). Plain data: it is persisted with the
 * run's context.
 */
export interface Inconclusive {
  /** The check that could not run (for a parallel group: its first member that could not). */
  step: string;
  /** The action that check runs. */
  action: string;
  /** `error` (the check could not be done) or `timeout` (its own deadline passed). */
  outcome: 'error' | 'timeout';
  /** Why, as the step reported it (redacted). */
  error: string;
  /** 0 for the first pass of the checks, then one more per recheck. */
  round: number;
  /** For a parallel group of checks: the group's id and every member that could not run. */
  group?: { step: string; couldNotRun: string[] };
  /** The remediations that passed before it, in playbook order: what was already changed. Empty in round 0. */
  remediations: Array<{ step: string; action: string }>;
}

const couldNotRun = (record: StepRecord | undefined): boolean =>
  record?.outcome === 'error' || record?.outcome === 'timeout';

/**
 * What the `inconclusive` action assigns, and the decision it traces: the check (or parallel group)
 * `stepId` ended `error` or `timeout`, so nothing is remediated and the run escalates.
 */
export function decideInconclusive(
  ir: PlaybookIR,
  context: RunContext,
  stepId: string,
  port: MachinePort | undefined,
): Pick<RunContext, 'run'> {
  const node = ir.nodes.get(stepId);
  let record = ownValue(context.steps, stepId);
  let action = node?.kind === 'action' ? node.action : '';
  let group: Inconclusive['group'];
  if (node?.kind === 'parallel') {
    // Every member ran to its end (the group could not decide early), so their records are this round's.
    const members = node.steps.filter((m) => couldNotRun(ownValue(context.steps, m.id)));
    group = { step: node.id, couldNotRun: members.map((m) => m.id) };
    const first = members[0];
    if (first) {
      record = ownValue(context.steps, first.id);
      action = first.action;
    }
  }
  const remediations = [...ir.nodes.values()]
    .filter((n) => n.kind === 'action' && n.place === 'remediate')
    .filter((n) => ownValue(context.steps, n.id)?.outcome === 'pass')
    .map((n) => ({ step: n.id, action: n.kind === 'action' ? n.action : '' }));
  const inconclusive: Inconclusive = {
    step: record?.id ?? stepId,
    action,
    outcome: record?.outcome === 'timeout' ? 'timeout' : 'error',
    error: record?.error ?? `${stepId} could not run`,
    round: context.round,
    ...(group && { group }),
    remediations,
  };
  const done = remediations.length
    ? `; already done: ${remediations.map((r) => r.step).join(', ')}`
    : '; nothing was remediated';
  const when = context.round > 0 ? ` in recheck round ${context.round}` : '';
  const others =
    group && group.couldNotRun.length > 1
      ? ` (${group.couldNotRun.length} checks of ${group.step} could not run: ${group.couldNotRun.join(', ')})`
      : '';
  port?.decide(
    `check ${inconclusive.step} could not run${when} (${inconclusive.outcome}: ${inconclusive.error})${others}: inconclusive${done}`,
    inconclusive.step,
  );
  return { run: { ...context.run, inconclusive } };
}

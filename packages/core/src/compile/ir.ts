import type { Quorum, Settle } from '../format/playbook.generated.js';
import type { StepOutcome } from '../format/types.js';

/** Where the run goes next: another node, or the end of the flow with a run outcome. */
export type Target = { node: string } | { outcome: string };

/** The key of the state a run reaches when its notifications are sent: the end. */
export const DONE = '__done';

/** What `retry:` means once defaults are applied. */
export interface RetrySettings {
  attempts: number;
  delayMs: number;
  backoff: 'constant' | 'linear' | 'exponential';
  maxDelayMs: number;
  jitter: 'full' | 'none';
  on: ReadonlyArray<'error' | 'throttled' | 'timeout' | '5xx' | 'network' | 'fail'>;
}

/** Where an action step sits: it decides what its outcomes mean for the run. */
export type NodePlace = 'check' | 'remediate' | 'step' | 'group' | 'notify';

/** Fields every node has. */
interface NodeBase {
  /** Unique state key; a step's own `id:` where it has one. */
  key: string;
  /** The step id reported in traces and `steps.<id>`. */
  id: string;
  /** Bounds how many times the node may be entered; past it the node is skipped. */
  maxVisits?: number;
  /** Where a node goes once `maxVisits` is used up: the step after it in the list. */
  exhausted?: Target;
}

/** Runs an action with templates, `expect`, `when`, a timeout per attempt and retries. */
export interface ActionNode extends NodeBase {
  kind: 'action';
  place: NodePlace;
  action: string;
  with: Record<string, unknown>;
  expect?: string;
  when?: string;
  timeoutMs: number;
  retry: RetrySettings;
  idempotent?: boolean;
  /**
   * First-line checks with `onError: fail`: an `error` or `timeout` counts as a failed check (it
   * remediates). Absent, a check that could not run makes the run `inconclusive`.
   */
  onError?: 'fail';
  /** Where each step outcome leads. */
  on: Record<StepOutcome, Target>;
}

/** Waits a fixed duration (its deadline is absolute, so a resumed run waits only what is left). */
export interface WaitNode extends NodeBase {
  kind: 'wait';
  ms: number;
  on: Record<'pass', Target>;
}

/** Polls a probe until a condition over its output holds, or times out. */
export interface PollNode extends NodeBase {
  kind: 'poll';
  probe: ActionNode;
  until: string;
  everyMs: number;
  timeoutMs: number;
  on: Record<'pass' | 'timeout' | 'error', Target>;
}

/** Runs action steps at once and decides by quorum as soon as the quorum is settled. */
export interface ParallelNode extends NodeBase {
  kind: 'parallel';
  /** How many of `steps` must pass. */
  need: number;
  quorum: Quorum;
  /** `decide`: members still running when the quorum is settled are stopped; `all`: they finish for the record. */
  settle: Settle;
  steps: ActionNode[];
  timeoutMs?: number;
  /** `error`: the quorum was not met and members that could not run left it undecided. */
  on: Record<'pass' | 'fail' | 'error' | 'timeout', Target>;
}

/** Jumps elsewhere; with `maxVisits`, the loop it closes ends by falling through to the next step. */
export interface GotoNode extends NodeBase {
  kind: 'goto';
  target: Target;
}

/**
 * Waits for a person's decision, the run stored meanwhile: `pass` is approved, `fail` denied, `timeout`
 * expired (nobody decided in time).
 */
export interface ApproveNode extends NodeBase {
  kind: 'approve';
  /** The question, a template over the run's scope. */
  message: string;
  timeoutMs: number;
  /** Who may decide; absent: anyone who reaches the request. */
  approvers?: { slack?: string[]; console?: string[] };
  /** Notifications that ask for the decision, sent once per visit (journaled like any notification). */
  request: ActionNode[];
  /** First-line form: the remediation the approval stands before. */
  guards?: string;
  on: Record<'pass' | 'fail' | 'timeout', Target>;
}

/** A decision of the first-line form, taken from the round counter and what ran. */
export interface JudgeNode extends NodeBase {
  kind: 'judge';
  rule: 'checks-passed' | 'checks-failed' | 'next-round' | 'fell-off';
}

/** One node of the intermediate representation both playbook forms compile through. */
export type IRNode = ActionNode | WaitNode | PollNode | ParallelNode | ApproveNode | GotoNode | JudgeNode;

/** A playbook as a flat graph of nodes: what the XState machine is built from, and what `graph` draws. */
export interface PlaybookIR {
  name: string;
  form: 'first-line' | 'general';
  /** The node the run starts at. */
  start: Target;
  nodes: Map<string, IRNode>;
  /** Notifications per run outcome, in order. */
  notify: Map<string, ActionNode[]>;
  /** Whole-run deadline, from the start. */
  timeoutMs: number;
  /** First-line form: how many remediate-and-recheck rounds at most. */
  rounds: number;
  /** First-line form: the first remediation, if any. */
  remediateStart?: string;
  /** First-line form: the first check. */
  checksStart?: string;
  /** `lock:` with defaults applied: one active run per resource. */
  lock?: LockSettings;
  /** `budgets:` with durations in milliseconds. */
  budgets: BudgetSettings[];
}

/** A playbook's `lock:`, defaults applied. */
export interface LockSettings {
  /** The resource, a template over inputs, trigger and run. */
  key: string;
  ttlMs: number;
  whenLocked: 'skip' | 'queue';
  queueForMs: number;
}

/** One of a playbook's `budgets:`. */
export interface BudgetSettings {
  /** What the budget counts per, a template over inputs, trigger and run. */
  key: string;
  actions: readonly string[];
  max: number;
  windowMs: number;
}

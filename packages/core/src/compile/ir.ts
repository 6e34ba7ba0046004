import { DEFAULT_RUN_TIMEOUT_MS, DEFAULT_STEP_TIMEOUT_MS, parseDuration } from '../format/duration.js';
import type {
  ActionStep,
  NotifyStep,
  Playbook,
  Quorum,
  RetryPolicy,
  Step,
  Transitions,
} from '../format/playbook.generated.js';
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
  steps: ActionNode[];
  timeoutMs?: number;
  on: Record<'pass' | 'fail' | 'timeout', Target>;
}

/** Jumps elsewhere; with `maxVisits`, the loop it closes ends by falling through to the next step. */
export interface GotoNode extends NodeBase {
  kind: 'goto';
  target: Target;
}

/** A decision of the first-line form, taken from the round counter and what ran. */
export interface JudgeNode extends NodeBase {
  kind: 'judge';
  rule: 'checks-passed' | 'checks-failed' | 'next-round' | 'fell-off';
}

/** One node of the intermediate representation both playbook forms compile through. */
export type IRNode = ActionNode | WaitNode | PollNode | ParallelNode | GotoNode | JudgeNode;

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
}

const NO_RETRY: RetrySettings = {
  attempts: 1,
  delayMs: 1000,
  backoff: 'exponential',
  maxDelayMs: 60_000,
  jitter: 'full',
  on: ['throttled', 'timeout', '5xx', 'network'],
};

/** A duration of a valid playbook: the validator has already rejected anything unparsable. */
const ms = (value: string): number => parseDuration(value) ?? 0;
const dur = (value: string | undefined, fallback: number): number =>
  value === undefined ? fallback : ms(value);

/** Step settings over `defaults`, field by field. */
function retryOf(own: RetryPolicy | undefined, base: RetryPolicy | undefined): RetrySettings {
  const merged = { ...base, ...own };
  return {
    attempts: merged.attempts ?? NO_RETRY.attempts,
    delayMs: dur(merged.delay, NO_RETRY.delayMs),
    backoff: merged.backoff ?? NO_RETRY.backoff,
    maxDelayMs: dur(merged.maxDelay, NO_RETRY.maxDelayMs),
    jitter: merged.jitter ?? NO_RETRY.jitter,
    on: merged.on ?? NO_RETRY.on,
  };
}

/**
 * Lowers a valid playbook document to the IR: the first-line form becomes checks → judges →
 * remediations → recheck wait → next round; the general form maps step by step. Both get the same
 * node kinds, so one machine builder and one runtime serve both.
 */
export function buildIR(doc: Playbook): PlaybookIR {
  const nodes = new Map<string, IRNode>();
  const notify = new Map<string, ActionNode[]>();
  const stepTimeout = dur(doc.defaults?.timeout, DEFAULT_STEP_TIMEOUT_MS);
  const action = (
    step: ActionStep | NotifyStep,
    id: string,
    place: NodePlace,
    on: Record<StepOutcome, Target>,
  ): ActionNode => ({
    kind: 'action',
    key: id,
    id,
    place,
    action: step.action,
    with: step.with ?? {},
    ...(step.when !== undefined && { when: step.when }),
    ...('expect' in step && step.expect !== undefined && { expect: step.expect }),
    ...('idempotent' in step && step.idempotent !== undefined && { idempotent: step.idempotent }),
    timeoutMs: dur(step.timeout, stepTimeout),
    retry: retryOf(step.retry, doc.defaults?.retry),
    on,
  });
  const add = <N extends IRNode>(node: N): N => {
    nodes.set(node.key, node);
    return node;
  };

  for (const [outcome, list] of Object.entries(doc.notify ?? {}) as Array<
    [string, NotifyStep[] | undefined]
  >) {
    if (!list || list.length === 0) continue;
    // A notification without an id is reported as `notify.<outcome>[i]`; its state key must not hold dots.
    const keys = list.map((s: NotifyStep, i: number) => s.id ?? `__notify_${outcome}_${i}`);
    notify.set(
      outcome,
      list.map((s: NotifyStep, i: number) => {
        const next: Target = { node: i + 1 < list.length ? keys[i + 1]! : DONE };
        const all = { pass: next, fail: next, error: next, timeout: next, skipped: next };
        return add({ ...action(s, s.id ?? `notify.${outcome}[${i}]`, 'notify', all), key: keys[i]! });
      }),
    );
  }

  const base = {
    name: doc.name,
    nodes,
    notify,
    timeoutMs: dur(doc.timeout, DEFAULT_RUN_TIMEOUT_MS),
  };
  if (doc.steps) return { ...base, form: 'general', rounds: 0, start: lowerGeneral(doc.steps, add, action) };

  // The first-line form.
  const passed = add<JudgeNode>({
    kind: 'judge',
    key: '__checks_passed',
    id: 'checks',
    rule: 'checks-passed',
  });
  const failed = add<JudgeNode>({
    kind: 'judge',
    key: '__checks_failed',
    id: 'checks',
    rule: 'checks-failed',
  });
  const checks = doc.checks!;
  let checksStart: string;
  if (Array.isArray(checks)) {
    checks.forEach((step, i) => {
      const pass: Target = { node: checks[i + 1]?.id ?? passed.key };
      const fail: Target = { node: failed.key };
      add(action(step, step.id, 'check', { pass, skipped: pass, fail, error: fail, timeout: fail }));
    });
    checksStart = checks[0].id;
  } else {
    const group = lowerParallel('checks', checks, {}, add, action);
    group.on = { pass: { node: passed.key }, fail: { node: failed.key }, timeout: { node: failed.key } };
    checksStart = group.key;
  }
  let remediateStart: string | undefined;
  if (doc.remediate) {
    const recheckMs = doc.recheck ? ms(doc.recheck.after) : 0;
    const round = add<JudgeNode>({ kind: 'judge', key: '__next_round', id: 'recheck', rule: 'next-round' });
    const wait = add<WaitNode>({
      kind: 'wait',
      key: '__recheck_wait',
      id: 'recheck',
      ms: recheckMs,
      on: { pass: { node: round.key } },
    });
    // A remediation that fails leaves the target as unhealthy as it was: the people on the
    // `unrecovered` list must hear of it, so it does not end as a quiet `failed`.
    const remediate = doc.remediate;
    remediate.forEach((step, i) => {
      const pass: Target = { node: remediate[i + 1]?.id ?? wait.key };
      const fail: Target = { outcome: 'unrecovered' };
      add(action(step, step.id, 'remediate', { pass, skipped: pass, fail, error: fail, timeout: fail }));
    });
    remediateStart = remediate[0].id;
  }
  return {
    ...base,
    form: 'first-line',
    rounds: doc.remediate ? (doc.recheck?.rounds ?? 1) : 0,
    start: { node: checksStart },
    checksStart,
    ...(remediateStart !== undefined && { remediateStart }),
  };
}

type Add = <N extends IRNode>(node: N) => N;
type MakeAction = (
  step: ActionStep,
  id: string,
  place: NodePlace,
  on: Record<StepOutcome, Target>,
) => ActionNode;

function lowerParallel(
  id: string,
  group: { quorum?: Quorum; steps: ActionStep[]; timeout?: string },
  on: Partial<Record<'pass' | 'fail' | 'timeout', Target>>,
  add: Add,
  action: MakeAction,
): ParallelNode {
  const quorum = group.quorum ?? 'all';
  const size = group.steps.length;
  const need = quorum === 'all' ? size : quorum === 'any' ? 1 : Math.min(quorum.atLeast, size);
  const none: Target = { outcome: 'failed' };
  const inner = group.steps.map((s) =>
    action(s, s.id, 'group', { pass: none, fail: none, error: none, timeout: none, skipped: none }),
  );
  return add<ParallelNode>({
    kind: 'parallel',
    key: id,
    id,
    quorum,
    need,
    steps: inner,
    ...(group.timeout !== undefined && { timeoutMs: ms(group.timeout) }),
    on: { pass: on.pass ?? none, fail: on.fail ?? none, timeout: on.timeout ?? none },
  });
}

function lowerGeneral(steps: Step[], add: Add, action: MakeAction): Target {
  const fellOff = add<JudgeNode>({ kind: 'judge', key: '__fell_off', id: 'end', rule: 'fell-off' });
  const byId = new Map(steps.map((s) => [s.id, s]));
  const failed: Target = { outcome: 'failed' };
  // An `end:` step is not a state of its own: jumping to it ends the run with its outcome.
  const to = (id: string): Target => {
    const step = byId.get(id);
    return step && 'end' in step ? { outcome: step.end } : { node: id };
  };
  steps.forEach((step, i) => {
    const following = steps[i + 1];
    const next: Target = following ? to(following.id) : { node: fellOff.key };
    if ('end' in step) return;
    const bound =
      'maxVisits' in step && step.maxVisits !== undefined
        ? { maxVisits: step.maxVisits, exhausted: next }
        : {};
    if ('goto' in step) {
      add<GotoNode>({ kind: 'goto', key: step.id, id: step.id, target: to(step.goto), ...bound });
      return;
    }
    const t = (step as { on?: Transitions }).on ?? {};
    const pass = step.next !== undefined ? to(step.next) : t.pass !== undefined ? to(t.pass) : next;
    const or = (id: string | undefined) => (id !== undefined ? to(id) : failed);
    if ('action' in step) {
      const node = action(step, step.id, 'step', {
        pass,
        skipped: pass,
        fail: or(t.fail),
        error: or(t.error),
        timeout: or(t.timeout),
      });
      add({ ...node, ...bound });
    } else if ('parallel' in step) {
      const node = lowerParallel(
        step.id,
        step,
        { pass, fail: or(t.fail), timeout: or(t.timeout) },
        add,
        action,
      );
      Object.assign(node, bound);
    } else if (typeof step.wait === 'string') {
      add<WaitNode>({ kind: 'wait', key: step.id, id: step.id, ms: ms(step.wait), on: { pass }, ...bound });
    } else {
      const probeStep = byId.get(step.wait.step);
      if (!probeStep || !('action' in probeStep))
        throw new Error(`wait step ${step.id}: ${step.wait.step} is not an action step`);
      const probe = action(probeStep, probeStep.id, 'step', {
        pass: failed,
        fail: failed,
        error: failed,
        timeout: failed,
        skipped: failed,
      });
      add<PollNode>({
        kind: 'poll',
        key: step.id,
        id: step.id,
        probe,
        until: step.wait.until,
        everyMs: dur(step.wait.every, 15_000),
        timeoutMs: ms(step.wait.timeout),
        on: { pass, timeout: or(t.timeout), error: or(t.error) },
        ...bound,
      });
    }
  });
  return to(steps[0]!.id);
}

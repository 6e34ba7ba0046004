import { DEFAULT_RUN_TIMEOUT_MS, DEFAULT_STEP_TIMEOUT_MS, parseDuration } from '../format/duration.js';
import type {
  ActionStep,
  Approval,
  NotifyStep,
  Playbook,
  Quorum,
  Settle,
  RetryPolicy,
  Step,
  Transitions,
} from '../format/playbook.generated.js';
import type { StepOutcome } from '../format/types.js';
import { DONE } from './ir.js';
import type {
  ActionNode,
  ApproveNode,
  GotoNode,
  IRNode,
  JudgeNode,
  NodePlace,
  ParallelNode,
  PlaybookIR,
  PollNode,
  RetrySettings,
  Target,
  WaitNode,
} from './ir.js';

/** Where a first-line check that could not run leads: see buildMachine's `inconclusive` action. */
const INCONCLUSIVE: Target = { outcome: 'inconclusive' };

const NO_RETRY: RetrySettings = {
  attempts: 1,
  delayMs: 1000,
  backoff: 'exponential',
  maxDelayMs: 60_000,
  jitter: 'full',
  on: ['throttled', 'timeout', '5xx', 'network'],
};

/** A duration of a valid playbook: the validator has already rejected anything unparsable. */
/** How long a run queues for a held lock when `queueFor` is not set. */
const DEFAULT_QUEUE_FOR_MS = 15 * 60_000;
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
    // The IR owns its copy: the runtime freezes static inputs, and the caller's document stays theirs.
    with: structuredClone(step.with ?? {}),
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
  // An approval's requests are notifications of its own; they go on whatever their outcome.
  const approve: MakeApprove = (key, id, spec, on, extra = {}) => {
    const requests = spec.notify ?? [];
    const request = requests.map((s: NotifyStep, i: number) => {
      const next: Target = { node: DONE };
      const all = { pass: next, fail: next, error: next, timeout: next, skipped: next };
      const rid = s.id ?? `${id}.request[${i}]`;
      return { ...action(s, rid, 'notify', all), key: `__request_${key}_${i}` };
    });
    return add<ApproveNode>({
      kind: 'approve',
      key,
      id,
      message: spec.message ?? `Approve ${extra.guards ?? id}?`,
      timeoutMs: ms(spec.timeout),
      ...(spec.approvers && { approvers: structuredClone(spec.approvers) }),
      request,
      on,
      ...extra,
    });
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

  const timeoutMs = dur(doc.timeout, DEFAULT_RUN_TIMEOUT_MS);
  const base = {
    name: doc.name,
    nodes,
    notify,
    timeoutMs,
    ...(doc.lock && {
      lock: {
        key: doc.lock.key,
        ttlMs: dur(doc.lock.ttl, timeoutMs),
        whenLocked: doc.lock.whenLocked ?? 'skip',
        queueForMs: dur(doc.lock.queueFor, DEFAULT_QUEUE_FOR_MS),
      },
    }),
    budgets: (doc.budgets ?? []).map((b) => ({
      key: b.key,
      actions: b.actions,
      max: b.max,
      windowMs: dur(b.per, 0),
    })),
  };
  if (doc.steps)
    return { ...base, form: 'general', rounds: 0, start: lowerGeneral(doc.steps, add, action, approve) };

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
  // Only a verdict remediates: a check that could not run (`error`, `timeout`) ends the run
  // `inconclusive` and escalates, unless it opted in with `onError: fail`.
  const actsOnError = (step: ActionStep) => (step.onError ?? doc.defaults?.onError) === 'fail';
  const fail: Target = { node: failed.key };
  let checksStart: string;
  if (Array.isArray(checks)) {
    checks.forEach((step, i) => {
      const pass: Target = { node: checks[i + 1]?.id ?? passed.key };
      const acts = actsOnError(step);
      const couldNot = acts ? fail : INCONCLUSIVE;
      add({
        ...action(step, step.id, 'check', { pass, skipped: pass, fail, error: couldNot, timeout: couldNot }),
        ...(acts && { onError: 'fail' as const }),
      });
    });
    checksStart = checks[0].id;
  } else {
    // First-line checks are evidence: by default every one finishes for the record.
    const group = lowerParallel('checks', { settle: 'all', ...checks }, {}, add, action);
    // Members report to the group, which decides by quorum; `onError: fail` changes how it counts them.
    group.steps = group.steps.map((member, i) =>
      actsOnError(checks.steps[i]!) ? { ...member, onError: 'fail' as const } : member,
    );
    group.on = { pass: { node: passed.key }, fail, error: INCONCLUSIVE, timeout: INCONCLUSIVE };
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
    // A remediation with `approval:` is entered through its approval: denied or expired, nothing is
    // remediated and the run ends `skipped` (its notifications escalate).
    const entry = (step: ActionStep) => (step.approval ? `__approve_${step.id}` : step.id);
    const refused: Target = { outcome: 'skipped' };
    remediate.forEach((step, i) => {
      const following = remediate[i + 1];
      const pass: Target = { node: following ? entry(following) : wait.key };
      const fail: Target = { outcome: 'unrecovered' };
      add(action(step, step.id, 'remediate', { pass, skipped: pass, fail, error: fail, timeout: fail }));
      if (step.approval)
        approve(
          entry(step),
          `${step.id}.approval`,
          step.approval,
          { pass: { node: step.id }, fail: refused, timeout: refused },
          { guards: step.id },
        );
    });
    remediateStart = entry(remediate[0]);
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
type MakeApprove = (
  key: string,
  id: string,
  spec: Approval,
  on: ApproveNode['on'],
  extra?: { guards?: string },
) => ApproveNode;
type MakeAction = (
  step: ActionStep,
  id: string,
  place: NodePlace,
  on: Record<StepOutcome, Target>,
) => ActionNode;

function lowerParallel(
  id: string,
  group: { quorum?: Quorum; settle?: Settle; steps: ActionStep[]; timeout?: string },
  on: Partial<Record<'pass' | 'fail' | 'error' | 'timeout', Target>>,
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
    settle: group.settle ?? 'decide',
    steps: inner,
    ...(group.timeout !== undefined && { timeoutMs: ms(group.timeout) }),
    on: {
      pass: on.pass ?? none,
      fail: on.fail ?? none,
      error: on.error ?? none,
      timeout: on.timeout ?? none,
    },
  });
}

function lowerGeneral(steps: Step[], add: Add, action: MakeAction, approve: MakeApprove): Target {
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
    if ('approve' in step) {
      const t = step.on ?? {};
      const refused: Target = { outcome: 'skipped' };
      const node = approve(step.id, step.id, step.approve, {
        pass: step.next !== undefined ? to(step.next) : t.approved !== undefined ? to(t.approved) : next,
        fail: t.denied !== undefined ? to(t.denied) : refused,
        timeout: t.expired !== undefined ? to(t.expired) : refused,
      });
      Object.assign(node, bound);
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
        // A group is `error` when members that could not run left its quorum undecided; without an
        // `on.error` it goes where `fail` does, as it did before groups told the two apart.
        { pass, fail: or(t.fail), error: or(t.error ?? t.fail), timeout: or(t.timeout) },
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

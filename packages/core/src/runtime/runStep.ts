import { StepStop } from './stepStop.js';
import type { StopSignal } from './stepStop.js';
import type { StepInput } from './types.js';
import type { ActionNode, ParallelNode, PollNode, WaitNode } from '../compile/ir.js';
import { formatDuration } from '../format/duration.js';
import { FirstlineError } from '../errors.js';
import { evaluateExpression, truthy } from './evaluate.js';
import { StepStopped, stoppedByRun, stoppedOutcome } from './attempt.js';
import { executeActionStep } from './executeStep.js';
import { approveStep } from './approveStep.js';
import { sleep } from './retry.js';
import { QuorumTally } from './quorum.js';
import type { Invoke, RunServices } from './services.js';
import type { StepResult } from './types.js';
import type { StepRecord } from './types.js';
import { ownValue, withOwnEntries } from '../util/ownRecord.js';

function nodeOf<K extends string>(s: RunServices, key: string, kind: K) {
  const node = s.ir.nodes.get(key);
  if (!node || node.kind !== kind)
    throw new FirstlineError('E_SIMULATION', `no ${kind} node ${key} in this playbook`);
  return node as Extract<typeof node, { kind: K }>;
}

/**
 * Carries out the step of IR node `input.node` for one run: an action (live, planned or scripted, as the
 * run's mode invokes it), a wait, a poll, a parallel group or an approval. Its result goes back to the
 * run's machine as an event; `signal` aborts when the machine leaves the step before it ended.
 */
export function runStep(s: RunServices, input: StepInput, signal: StopSignal): Promise<StepResult> {
  const kind = s.ir.nodes.get(input.node)?.kind;
  const invoke = s.strategy.invoke;
  switch (kind) {
    case 'action':
      return actionStep(s, nodeOf(s, input.node, 'action'), input, signal, invoke);
    case 'wait':
      return waitStep(s, input, signal);
    case 'poll':
      return pollStep(s, input, signal, invoke);
    case 'parallel':
      return parallelStep(s, input, signal, invoke);
    case 'approve':
      return approveStep(s, nodeOf(s, input.node, 'approve'), input, signal, invoke);
    default:
      return Promise.reject(new FirstlineError('E_SIMULATION', `no step ${input.node} in this playbook`));
  }
}

// Not async: one promise per step fewer than an async wrapper around executeActionStep.
function actionStep(
  s: RunServices,
  node: ActionNode,
  input: StepInput,
  signal: StopSignal,
  invoke: Invoke,
): Promise<StepResult> {
  return executeActionStep(s, node, input, signal, invoke).then((record) => {
    const result: StepResult = {
      outcome: record.outcome,
      records: [record],
      remediated: remediated(s, node, record),
    };
    if (record.outcome === 'skipped' && s.skip?.reason === 'budget' && s.skip.step === node.id)
      result.halt = true;
    return result;
  });
}

function remediated(s: RunServices, node: ActionNode, record: StepRecord): boolean {
  return record.outcome === 'pass' && s.registry.get(node.action)?.kind === 'remediation';
}

// Not async: a waiting run holds the sleep's promise and these callbacks, not a suspended frame.
function waitStep(s: RunServices, input: StepInput, signal: StopSignal): Promise<StepResult> {
  let node: WaitNode;
  let until: number;
  try {
    node = nodeOf(s, input.node, 'wait');
    if (input.continues !== undefined) {
      // A parked run's new actor: the wait goes on where it was, already in the trace.
      s.steps.resume(node.id, input.continues);
      until = input.until ?? input.continues + node.ms;
    } else until = startWait(s, node.id, input, s.clock.now() + node.ms);
  } catch (error) {
    // A rejection, as from an async function: the step actor's one failure path.
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  const { id } = node;
  const visits = input.visit;
  // The deadline is absolute: a run resumed half-way through a 2-minute wait waits only what is left.
  return sleep(s.clock, until - s.clock.now(), signal).then(
    (): StepResult => {
      s.emit({ type: 'wait.end', step: id });
      return {
        outcome: 'pass',
        records: [s.steps.end({ id, attempts: 1, visits, outcome: 'pass' }, signal)],
      };
    },
    (): StepResult => {
      const outcome = stoppedOutcome(s, signal);
      const error = 'stopped while waiting';
      return { outcome, records: [s.steps.end({ id, attempts: 1, visits, outcome, error }, signal)] };
    },
  );
}

/** Starts a wait or a poll in the trace; its deadline is the one fixed when the step began, if any. */
function startWait(s: RunServices, step: string, input: StepInput, fallback: number): number {
  const until = input.until ?? fallback;
  const now = s.steps.start(step, input.visit);
  s.emit({ type: 'wait.start', step, until, durationMs: Math.max(0, until - now) });
  return until;
}

async function pollStep(
  s: RunServices,
  input: StepInput,
  signal: StopSignal,
  invoke: Invoke,
): Promise<StepResult> {
  const node: PollNode = nodeOf(s, input.node, 'poll');
  const startedAt = s.clock.now();
  const until = startWait(s, node.id, input, startedAt + node.timeoutMs);
  const records: StepRecord[] = [];
  let polls = 0;
  for (;;) {
    polls++;
    const probeInput: StepInput = {
      ...input,
      visit: (ownValue(input.scope.steps, node.probe.id)?.visits ?? 0) + 1,
      scope: {
        ...input.scope,
        steps: withOwnEntries(
          input.scope.steps,
          records.map((r) => [r.id, r] as const),
        ),
      },
    };
    const probe = await executeActionStep(s, node.probe, probeInput, signal, invoke);
    records.splice(0, records.length, probe);
    if (signal.aborted) break;
    let met = false;
    if (probe.outcome === 'pass') {
      try {
        met = truthy(
          await evaluateExpression(
            node.until,
            { ...probeInput.scope, secrets: s.secrets, name: s.playbookName, output: probe.output },
            s.clock,
          ),
        );
      } catch (error) {
        const message = `step ${node.id}: ${s.redactor.error(error)}`;
        return done('error', message);
      }
    }
    if (met) return done('pass');
    const left = until - s.clock.now();
    if (left <= 0) break;
    try {
      await sleep(s.clock, Math.min(node.everyMs, left), signal);
    } catch {
      break;
    }
  }
  if (signal.aborted) {
    const outcome = stoppedOutcome(s, signal);
    return done(outcome, 'stopped while polling');
  }
  return done(
    'timeout',
    `${node.until} did not hold within ${formatDuration(node.timeoutMs)} (${polls} polls)`,
  );

  function done(outcome: StepRecord['outcome'], error?: string): StepResult {
    if (!stoppedByRun(signal)) s.emit({ type: 'wait.end', step: node.id });
    const record = s.steps.end(
      { id: node.id, outcome, attempts: polls, visits: input.visit, ...(error !== undefined && { error }) },
      signal,
    );
    return { outcome, records: [record, ...records] };
  }
}

async function parallelStep(
  s: RunServices,
  input: StepInput,
  signal: StopSignal,
  invoke: Invoke,
): Promise<StepResult> {
  const node: ParallelNode = nodeOf(s, input.node, 'parallel');
  s.steps.start(node.id, input.visit);
  // The group's own stop: the run's stop reaches it, and a settled quorum or the group's timeout stops
  // the members still running.
  const group = new StepStop();
  const onAbort = () => group.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const timer =
    node.timeoutMs !== undefined
      ? s.clock.setTimeout(() => group.abort(new StepStopped('group timeout')), node.timeoutMs)
      : undefined;
  const tally = new QuorumTally(
    node.steps.map((st) => st.id),
    node.need,
  );
  // With `settle: all` the outcome is the one the quorum settled on; the members still running then
  // finish for the record (within their own timeouts and the group's), without changing it: once
  // `tally.decided` is set it never changes, and `tally.outcome` returns it first. It is unset until
  // a member ends (1 <= need <= members), so the member whose end sets it is the one that decides.
  const records = await Promise.all(
    node.steps.map(async (step) => {
      const visit = (ownValue(input.scope.steps, step.id)?.visits ?? 0) + 1;
      const record = await executeActionStep(s, step, { ...input, node: step.key, visit }, group, invoke);
      // A check stopped because the group was decided or timed out counts neither way.
      if (group.aborted) return record;
      const before = tally.decided;
      tally.add(step.id, record.outcome, step.onError === 'fail');
      const settled = tally.decided;
      if (before !== undefined || settled === undefined) return record;
      // Decide as soon as the quorum is settled either way; `decide` stops the checks still running.
      if (node.settle === 'decide') group.abort(new StepStopped('not needed'));
      else if (tally.passed + tally.failed + tally.couldNotRun.length < node.steps.length)
        s.decide(`${node.id}: quorum settled (${settled}); the other checks finish for the record`, node.id);
      return record;
    }),
  );
  s.clock.clearTimeout(timer);
  signal.removeEventListener('abort', onAbort);
  const reason: unknown = group.reason;
  const timedOut =
    (reason instanceof StepStopped && reason.why === 'group timeout') ||
    stoppedOutcome(s, signal) === 'timeout';
  const outcome = tally.outcome(timedOut);
  const quorum = typeof node.quorum === 'string' ? node.quorum : `at least ${node.quorum.atLeast}`;
  const error = outcome === 'pass' ? undefined : tally.describe(quorum);
  const record = s.steps.end(
    { id: node.id, outcome, attempts: 1, visits: input.visit, ...(error !== undefined && { error }) },
    signal,
  );
  return {
    outcome,
    records: [record, ...records],
    remediated: node.steps.some((st, i) => remediated(s, st, records[i]!)),
  };
}

import type { StopSignal } from './stepStop.js';
import { FirstlineError } from '../errors.js';
import type { ApproveNode } from '../compile/ir.js';
import type { StepOutcome } from '../format/types.js';
import { stoppedOutcome } from './attempt.js';
import { renderTemplates } from './evaluate.js';
import { executeActionStep } from './executeStep.js';
import { sleep } from './retry.js';
import type { Invoke, RunServices } from './services.js';
import type {
  ApprovalDecision,
  ApprovalOutcome,
  ApprovalState,
  StepInput,
  StepRecord,
  StepResult,
} from './types.js';
import { ownValue } from '../util/ownRecord.js';

/** What an approval's request notifications may read as `approval`. */
export interface ApprovalScope {
  id: string;
  message: string;
  /** Where a person decides in the console; empty when the host has none (see HostOptions.consoleUrl). */
  url: string;
  /** When it expires, as an ISO date. */
  expiresAt: string;
}

/** A step outcome per approval outcome: how an approve node's `on:` is keyed. */
const STEP_OUTCOME: Record<ApprovalOutcome, StepOutcome> = {
  approved: 'pass',
  denied: 'fail',
  expired: 'timeout',
};

/** An approval's id: one per visit of the step, what Slack buttons and console forms carry. */
export const approvalId = (runId: string, step: string, visit: number): string => `${runId}/${step}/${visit}`;

/** The run id an approval id starts with (`<runId>/<step>/<visit>`). */
export function runIdOfApproval(approvalId: string): string {
  const parts = approvalId.split('/');
  if (parts.length < 3 || parts.some((p) => p === ''))
    throw new FirstlineError(
      'E_APPROVAL_ID',
      `${JSON.stringify(approvalId)} is not an approval id (<run>/<step>/<visit>)`,
    );
  return parts.slice(0, -2).join('/');
}

/**
 * The approve step. It asks once per visit (the request is kept in the run's record, its notifications
 * journaled, so a resumed run neither asks nor notifies twice), then takes the decision the record holds
 * (put there by decideApproval before it resumed the run), or `expired` once the deadline has passed,
 * and otherwise hands the run back to the store until a decision or the expiry resumes it. Shadow mode
 * says it would ask and goes on as approved; a simulation takes the decision from its script.
 */
export async function approveStep(
  s: RunServices,
  node: ApproveNode,
  input: StepInput,
  signal: StopSignal,
  invoke: Invoke,
): Promise<StepResult> {
  const startedAt = s.steps.start(node.id, input.visit);
  const until = input.until ?? startedAt + node.timeoutMs;
  const id = approvalId(s.runId, node.id, input.visit);
  let state = s.approvals.current();
  if (state?.id !== id) {
    const message = await renderMessage(s, node, input);
    state = {
      id,
      runId: s.runId,
      playbook: s.playbookName,
      step: node.id,
      visit: input.visit,
      message,
      requestedAt: startedAt,
      expiresAt: until,
      ...(node.approvers && { approvers: node.approvers }),
    };
    s.emit({
      type: 'approval.request',
      step: node.id,
      id,
      message,
      expiresAt: until,
      ...(node.approvers && { approvers: node.approvers }),
    });
  }
  // Stored before anything is sent: a request a person can act on is always one the store knows.
  // Awaited on every start, so a cancel or a deadline sent as the run resumes lands before a hold.
  await s.approvals.keep(state);
  const requests = await sendRequests(s, node, input, state, signal, invoke);
  if (signal.aborted) return stopped(s, node, input, signal, requests);

  const decided = await decisionOf(s, node, state, until, input.scope.run.deadline, signal);
  if (decided === 'held') return new Promise((resolve) => held(s, node, input, signal, requests, resolve));
  if (signal.aborted) return stopped(s, node, input, signal, requests);
  const { outcome, decision, note } = decided;
  await s.approvals.keep({ ...state, ...(decision && { decision }), outcome });
  s.emit({
    type: 'approval.decision',
    step: node.id,
    id,
    decision: outcome,
    ...(decision && { by: decision.by, via: decision.via }),
    ...(decision?.reason !== undefined && { reason: decision.reason }),
  });
  const said = describe(outcome, decision, until, note);
  s.decide(`${node.id}: ${said}`, node.id);
  const stepOutcome = STEP_OUTCOME[outcome];
  const target = node.on[stepOutcome as 'pass' | 'fail' | 'timeout'];
  if (outcome !== 'approved' && 'outcome' in target && target.outcome === 'skipped')
    s.skip = {
      reason: 'approval',
      step: node.guards ?? node.id,
      outcome,
      ...(decision && { by: decision.by }),
    };
  const record = s.steps.end(
    {
      ...base(node, input),
      outcome: stepOutcome,
      output: {
        decision: outcome,
        ...(decision && { by: decision.by, via: decision.via, at: decision.at }),
        ...(decision?.reason !== undefined && { reason: decision.reason }),
      },
      ...(outcome !== 'approved' && { error: said }),
      ...(note?.plan !== undefined && { plan: note.plan }),
    },
    signal,
  );
  return { outcome: stepOutcome, records: [record, ...requests] };
}

type Decided =
  'held' | { outcome: ApprovalOutcome; decision?: ApprovalDecision; note?: { plan?: string; why?: string } };

/** The decision, by the run's mode: scripted, assumed (shadow), or a person's (held until there is one). */
async function decisionOf(
  s: RunServices,
  node: ApproveNode,
  state: ApprovalState,
  until: number,
  runDeadline: number,
  signal: StopSignal,
): Promise<Decided> {
  switch (s.strategy.approvals) {
    case 'scripted': {
      const scripted = s.script?.next(node.id);
      const outcome: ApprovalOutcome =
        scripted === 'denied' || scripted === 'expired' ? scripted : 'approved';
      // Nobody answering costs the approval's whole timeout, as it would for real.
      if (outcome === 'expired')
        await sleep(s.clock, Math.max(0, until - s.clock.now()), signal).catch(() => {});
      if (outcome === 'expired') return { outcome };
      const decision: ApprovalDecision = {
        decision: outcome,
        by: 'simulation',
        via: 'api',
        at: s.clock.now(),
      };
      return { outcome, decision };
    }
    case 'planned': {
      const plan = `would ask for approval: ${state.message}`;
      s.emit({ type: 'plan', step: node.id, action: 'approve', summary: plan });
      return { outcome: 'approved', note: { plan, why: 'shadow mode goes on as if approved' } };
    }
    case 'asked': {
      if (state.decision) return { outcome: state.decision.decision, decision: state.decision };
      if (s.clock.now() >= until) return { outcome: 'expired' };
      // Past the run's deadline its timeout is on its way and stops this step: nothing to hold for.
      if (s.timedOut || s.clock.now() >= runDeadline) return 'held';
      if (s.approvals.hold(until)) return 'held';
      return {
        outcome: 'expired',
        note: { why: 'there is no run store to keep the run while it waits, so nobody could decide' },
      };
    }
  }
}

/** Sends the approval's request notifications; a resumed run finds them journaled and sends none again. */
async function sendRequests(
  s: RunServices,
  node: ApproveNode,
  input: StepInput,
  state: ApprovalState,
  signal: StopSignal,
  invoke: Invoke,
): Promise<StepRecord[]> {
  if (node.request.length === 0) return [];
  const approval: ApprovalScope = {
    id: state.id,
    message: state.message,
    url: s.approvals.url?.(state.id) ?? '',
    expiresAt: new Date(state.expiresAt).toISOString(),
  };
  const records: StepRecord[] = [];
  for (const request of node.request) {
    if (signal.aborted) break;
    const visit = (ownValue(input.scope.steps, request.id)?.visits ?? 0) + 1;
    records.push(
      await executeActionStep(
        s,
        request,
        { ...input, node: request.key, visit, scope: { ...input.scope, approval } },
        signal,
        invoke,
      ),
    );
  }
  return records;
}

/**
 * The question, rendered: the run's scope is there to name the instance, the alarm, the step's output.
 * A value that cannot be rendered (a failed check has no output) stands as `<its expression>`, and the
 * trace says why: the question is still asked, with everything else filled in.
 */
async function renderMessage(s: RunServices, node: ApproveNode, input: StepInput): Promise<string> {
  const scope = { ...input.scope, secrets: s.secrets, name: s.playbookName };
  const render = async (text: string) => {
    const value = await renderTemplates(text, scope, s.clock, { simulated: s.strategy.scripted });
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  try {
    return s.redactor.string(await render(node.message));
  } catch (error) {
    s.decide(
      `${node.id}: part of the approval message could not be rendered: ${s.redactor.error(error)}`,
      node.id,
    );
  }
  let text = '';
  for (const part of node.message.split(/(\{\{[\s\S]*?\}\})/)) {
    if (!part.startsWith('{{')) text += part;
    else text += await render(part).catch(() => `<${part.slice(2, -2).trim()}>`);
  }
  return s.redactor.string(text);
}

function describe(
  outcome: ApprovalOutcome,
  decision: ApprovalDecision | undefined,
  until: number,
  note: { why?: string } | undefined,
): string {
  if (outcome === 'expired')
    return note?.why !== undefined
      ? `expired at once: ${note.why}`
      : `nobody decided by ${new Date(until).toISOString()}: expired`;
  const who = decision ? ` by ${decision.by} (${decision.via})` : '';
  const why = decision?.reason !== undefined ? `: ${JSON.stringify(decision.reason)}` : '';
  const how = note?.why !== undefined ? ` (${note.why})` : '';
  return `${outcome}${who}${why}${how}`;
}

const base = (node: ApproveNode, input: StepInput) => ({ id: node.id, attempts: 1, visits: input.visit });

function stopped(
  s: RunServices,
  node: ApproveNode,
  input: StepInput,
  signal: StopSignal,
  requests: StepRecord[],
): StepResult {
  const outcome = stoppedOutcome(s, signal);
  const record = s.steps.end(
    { ...base(node, input), outcome, error: 'stopped while waiting for approval' },
    signal,
  );
  return { outcome, records: [record, ...requests] };
}

/** The run was handed back: this actor is stopped with it; its result goes nowhere. */
function held(
  s: RunServices,
  node: ApproveNode,
  input: StepInput,
  signal: StopSignal,
  requests: StepRecord[],
  resolve: (result: StepResult) => void,
): void {
  if (signal.aborted) resolve(stopped(s, node, input, signal, requests));
  else
    signal.addEventListener('abort', () => resolve(stopped(s, node, input, signal, requests)), {
      once: true,
    });
}

import type { ActionRegistry, AnyActionDefinition } from '../actions/registry.js';
import { toActionRegistry } from '../actions/registry.js';
import type { RunContext } from './types.js';
import { compilePlaybook } from '../compile/compilePlaybook.js';
import { FirstlineError } from '../errors.js';
import { playbookFromData } from '../load/loadPlaybook.js';
import { systemClock } from './clock.js';
import { executeRun } from './executeRun.js';
import { runRedactor } from './redact.js';
import { modeStrategy } from './modes.js';
import {
  approvalLinks,
  renderSafety,
  resolveRunSecrets,
  silentLogger,
  suspensionOf,
  withLease,
} from './hostOptions.js';
import type { HostOptions } from './hostOptions.js';
import type { ApprovalDecision, ApprovalState, RunRecord, RunResult, RunStore, StepRecord } from './types.js';
import { preloadAjv } from '../util/loadAjv.js';
import { runIdOfApproval } from './approveStep.js';
import { needsAjv } from './runPlaybook.js';

/** Options for {@link resumeRun}: where the run was kept, its actions, and the host's services. */
export interface ResumeOptions extends HostOptions {
  /** Where the run was kept. */
  store: RunStore;
  /** The actions the playbook names (the same ids as when it started). */
  actions?: ActionRegistry | Iterable<AnyActionDefinition>;
  /** When given, the stored run must have been started from a document with this content hash. */
  expectHash?: string;
}

/**
 * Resumes a run that stopped part-way (a crashed process, a Lambda that ran out of time) from its
 * last stored snapshot. Waits are re-armed from their absolute deadlines; a remediation the journal
 * shows as finished is not run again, and one that was started but never recorded as finished is
 * reported as uncertain and re-checked, never blindly repeated (unless the action is idempotent).
 * A run that already ended returns its stored result, with `alreadyEnded`, without running anything.
 */
export function resumeRun(runId: string, options: ResumeOptions): Promise<RunResult> {
  // Under the run's lease: two hosts resuming one run would both find its reboot not yet journaled.
  return withLease(options.store, runId, () => resumeHeld(runId, options));
}

async function resumeHeld(runId: string, options: ResumeOptions): Promise<RunResult> {
  const record = await options.store.load(runId);
  if (!record) throw new FirstlineError('E_RUN_NOT_FOUND', `no run ${runId} in the store`);
  if (options.expectHash !== undefined && options.expectHash !== record.playbook.hash)
    throw new FirstlineError(
      'E_RUN_CONFLICT',
      `run ${runId} was started from another version of ${record.playbook.name} (hash ${record.playbook.hash.slice(0, 12)}, expected ${options.expectHash.slice(0, 12)})`,
    );
  const clock = options.clock ?? systemClock;
  const context = (record.snapshot as { context?: RunContext } | undefined)?.context;
  if (record.status === 'done') {
    const outcome = record.outcome ?? 'failed';
    const stored = storedResult(record.runId, outcome, context, record.trace);
    // When it ended: its run.end event, else the final write (a record from before run.end existed).
    const endedAt = record.trace.findLast((e) => e.type === 'run.end')?.at ?? record.updatedAt;
    return {
      ...stored,
      ...(record.skipped && { skipped: record.skipped }),
      alreadyEnded: { outcome, endedAt },
    };
  }

  const loaded = playbookFromData(record.playbook.data, record.playbook.file);
  if (loaded.hash !== record.playbook.hash)
    throw new FirstlineError(
      'E_RUN_CONFLICT',
      `run ${runId}: the stored playbook does not match its hash; the record was changed`,
    );
  const registry = toActionRegistry(options.actions);
  const compiled = compilePlaybook(loaded, { actions: registry });
  // Its inputs were checked when it started.
  if (needsAjv(compiled, false)) await preloadAjv();
  const secrets = await resolveRunSecrets(compiled.document.secrets, options);
  if (!record.snapshot) {
    // Every run stores its initial snapshot before its first step; a record without one was not
    // written by a run, and nothing in it says where to go on.
    throw new FirstlineError(
      'E_RUN_CONFLICT',
      `run ${runId} has no stored snapshot to resume from; delete it and start it again`,
    );
  }
  const safety = context ? await renderSafety(compiled, context, clock, options.store) : {};
  const strategy = modeStrategy(record.mode);
  return executeRun({
    ...safety,
    // The lock the run took when it started is the one it renews, even if inputs render otherwise now.
    ...(record.lock && { lockKey: record.lock.key }),
    ...suspensionOf(options),
    ...approvalLinks(options),
    compiled,
    record,
    strategy,
    registry,
    clock,
    secrets,
    redactor: runRedactor(Object.values(secrets)),
    random: options.random ?? strategy.defaultRandom(`${runId}:resume`),
    logger: options.logger ?? silentLogger,
    store: options.store,
    ...(options.onEvent && { onEvent: options.onEvent }),
    ...(options.signal && { signal: options.signal }),
  });
}

/**
 * Cancels a stored run that is not over, e.g. one handed back by a host that shut down: it is resumed
 * already cancelled, so nothing more is run but its notifications (`notify.cancelled`, or the
 * `unrecovered` ones once a remediation passed), and it ends `cancelled`, its resource lock freed.
 * The same answers as resumeRun otherwise: E_RUN_NOT_FOUND, E_RUN_BUSY while a live host holds the
 * run (cancel it there), and an ended run's stored result with `alreadyEnded`.
 */
export function cancelRun(runId: string, options: ResumeOptions): Promise<RunResult> {
  // A cancel is not handed back: the host's suspension settings do not apply to it.
  const { suspend: _suspend, suspendBefore: _before, signal, ...rest } = options;
  const cancelled = AbortSignal.abort(new Error(`run ${runId} was cancelled`));
  return resumeRun(runId, { ...rest, signal: signal ? AbortSignal.any([signal, cancelled]) : cancelled });
}

/** What {@link decideApproval} did: recorded the decision and resumed the run, or refused, with why. */
export type DecideResult =
  | { status: 'decided'; result: RunResult }
  | {
      status: 'refused';
      code: 'E_APPROVAL_NOT_PENDING' | 'E_APPROVAL_DECIDED' | 'E_APPROVAL_EXPIRED' | 'E_APPROVAL_NOT_ALLOWED';
      message: string;
    };

/**
 * The approval a stored run waits for, if it waits for one: the run is `running`, its latest approval
 * has neither a decision nor an outcome, and (given `now`) it has not expired.
 */
export function pendingApproval(record: RunRecord, now?: number): ApprovalState | undefined {
  const approval = record.approval;
  if (record.status !== 'running' || !approval || approval.decision || approval.outcome) return undefined;
  if (now !== undefined && now >= approval.expiresAt) return undefined;
  return approval;
}

/**
 * Records a person's decision on a pending approval and resumes the run with it, under the run's lease:
 * the decision is stored before the run goes on, once. A second decision on the same approval (a Slack
 * callback delivered twice, two people clicking) is refused with `E_APPROVAL_DECIDED` and changes
 * nothing; so is one on an approval that expired, was never asked, or from someone not among its
 * `approvers` for that channel. Throws E_RUN_NOT_FOUND and E_RUN_BUSY as resumeRun does.
 *
 * @example
 * await decideApproval(id, { decision: 'approved', by: 'alice', via: 'console', at: Date.now() }, { store, actions });
 */
export function decideApproval(
  approvalId: string,
  decision: ApprovalDecision,
  options: ResumeOptions,
): Promise<DecideResult> {
  const runId = runIdOfApproval(approvalId);
  return withLease(options.store, runId, async (): Promise<DecideResult> => {
    const record = await options.store.load(runId);
    if (!record) throw new FirstlineError('E_RUN_NOT_FOUND', `no run ${runId} in the store`);
    const refused = refusal(record, approvalId, decision, (options.clock ?? systemClock).now());
    if (refused) return refused;
    record.approval = { ...record.approval!, decision: { ...decision } };
    record.updatedAt = decision.at;
    // Due at once: a host that stops between this write and the resume below (a Lambda timing out, a
    // crash) leaves the run to resumeDue, which then goes on with the decision now, not at the expiry.
    record.deadlines.wake = decision.at;
    await options.store.save(record);
    return { status: 'decided', result: await resumeHeld(runId, options) };
  });
}

function refusal(
  record: RunRecord,
  approvalId: string,
  decision: ApprovalDecision,
  now: number,
): Extract<DecideResult, { status: 'refused' }> | undefined {
  const approval = record.approval;
  if (!approval || approval.id !== approvalId)
    return {
      status: 'refused',
      code: 'E_APPROVAL_NOT_PENDING',
      message: `run ${record.runId} is not waiting for approval ${approvalId}`,
    };
  if (approval.decision)
    return {
      status: 'refused',
      code: 'E_APPROVAL_DECIDED',
      message: `${approval.step} was already ${approval.decision.decision} by ${approval.decision.by} at ${new Date(approval.decision.at).toISOString()}; nothing changed`,
    };
  if (approval.outcome === 'expired' || now >= approval.expiresAt)
    return {
      status: 'refused',
      code: 'E_APPROVAL_EXPIRED',
      message: `the approval of ${approval.step} expired at ${new Date(approval.expiresAt).toISOString()}; nothing changed`,
    };
  if (record.status !== 'running' || approval.outcome)
    return {
      status: 'refused',
      code: 'E_APPROVAL_NOT_PENDING',
      message: `run ${record.runId} is no longer waiting for ${approval.step}`,
    };
  const allowed = allowedDeciders(approval, decision.via);
  if (allowed && !allowed.includes(decision.by))
    return {
      status: 'refused',
      code: 'E_APPROVAL_NOT_ALLOWED',
      message: `${decision.by} may not decide on ${approval.step} (approvers: ${allowed.join(', ') || 'none through ' + decision.via})`,
    };
  return undefined;
}

/** Who may decide through a channel: undefined when anyone may (no `approvers:` at all). */
function allowedDeciders(approval: ApprovalState, via: ApprovalDecision['via']): string[] | undefined {
  if (!approval.approvers) return undefined;
  // The console, the CLI and the API name people as the console does.
  return via === 'slack' ? (approval.approvers.slack ?? []) : (approval.approvers.console ?? []);
}

function storedResult(
  runId: string,
  outcome: string,
  context: RunContext | undefined,
  trace: RunResult['trace'],
): RunResult {
  const steps: Record<string, StepRecord> = context?.steps ?? {};
  const start = trace[0]?.at ?? 0;
  const end = trace.at(-1)?.at ?? start;
  return {
    runId,
    outcome,
    output: Object.fromEntries(
      Object.values(steps).flatMap((s) => (s.output !== undefined ? [[s.id, s.output]] : [])),
    ),
    steps,
    trace,
    durationMs: end - start,
  };
}

import { decideApproval, isFirstlineError } from '@firstline/core';
import type { ApprovalState, Clock, Logger, RunResult, RunStore } from '@firstline/core';
import { parseSlackInteraction, verifySlackRequest } from '@firstline/notifiers';
import type { SlackInteraction } from '@firstline/notifiers';
import type { RunHost } from '../startOrReplay.js';
import type { SlackHttpOptions } from '../types.js';
import { errorResponse, jsonResponse } from './httpEvent.js';
import type { HttpRequest, HttpResponse } from './httpEvent.js';

/** What the Slack interactions route works with. */
export interface SlackRouteContext {
  options: SlackHttpOptions;
  /** The signing secret, resolved once per container. */
  signingSecret(): Promise<string>;
  host: RunHost;
  store: RunStore;
  clock: Clock;
  logger: Logger;
  /** Schedules the wake-up of a run the decision left suspended; resolves to the error when that fails. */
  wake(result: RunResult): Promise<unknown>;
}

/** Slack waits 3 s for an answer; the resumed run gets this long of it before it is handed back. */
const DEFAULT_ANSWER_WITHIN_MS = 2_000;
/** How long a remediation in flight at that point may take to end before the run is handed back. */
const GRACE_MS = 500;

/**
 * `POST /slack/interactions`: a press of an approval message's Approve or Deny button. The request's
 * signature is checked first (401 without a valid one, nothing read or changed); then the presser must
 * be among the approval's `approvers.slack`; then the decision is recorded once (core's decideApproval)
 * and the run resumed for at most `answerWithinMs`, the rest left to a later invocation. Slack is
 * always answered 200 once the request is known to be Slack's: its message says what happened.
 */
export async function handleSlackInteraction(
  request: HttpRequest,
  ctx: SlackRouteContext,
): Promise<HttpResponse> {
  const now = ctx.clock.now();
  // Outside the try: a secret that cannot be read is this function's failure (500), not the caller's.
  const signingSecret = await ctx.signingSecret();
  try {
    verifySlackRequest({
      signingSecret,
      headers: request.headers,
      rawBody: request.body,
      now,
    });
  } catch (error) {
    if (!isFirstlineError(error)) throw error;
    ctx.logger.warn(`Slack interaction refused: ${error.message}`, { code: error.code });
    return errorResponse(401, error.code, error.message);
  }
  let press: SlackInteraction | undefined;
  try {
    press = parseSlackInteraction(request.body);
  } catch (error) {
    if (!isFirstlineError(error)) throw error;
    return errorResponse(400, error.code, error.message);
  }
  // The "Open in console" link: Slack reports the press, there is nothing to do.
  if (!press) return { statusCode: 200, headers: {}, body: '' };

  const answer = await decide(press, ctx, now);
  ctx.logger.info(`Slack ${press.decision} on ${press.approvalId} by ${press.user.id}: ${answer.text}`, {
    approvalId: press.approvalId,
    user: press.user.id,
    ...(answer.code && { code: answer.code }),
  });
  const message = answer.final
    ? { replace_original: true, text: answer.text }
    : { response_type: 'ephemeral', replace_original: false, text: answer.text };
  if (press.responseUrl && ctx.options.respond !== false) await respond(press.responseUrl, message, ctx);
  return jsonResponse(200, message);
}

interface Answer {
  text: string;
  /** True when the decision was recorded: the message's buttons are replaced by it. */
  final: boolean;
  code?: string;
}

async function decide(press: SlackInteraction, ctx: SlackRouteContext, now: number): Promise<Answer> {
  const refused = (code: string, text: string): Answer => ({ text, final: false, code });
  // `<runId>/<step>/<visit>`.
  const runId = press.approvalId.split('/').slice(0, -2).join('/');
  const record = await ctx.store.load(runId);
  const approval = record?.approval;
  if (!record || approval?.id !== press.approvalId)
    return refused('E_APPROVAL_NOT_PENDING', 'This approval is not known here (or no longer pending).');
  if (approval.decision)
    return refused(
      'E_APPROVAL_DECIDED',
      `Already decided: ${approval.decision.decision} by ${who(approval.decision)}. Nothing changed.`,
    );
  if (!mayDecide(approval, press.user.id))
    return refused(
      'E_APPROVAL_NOT_ALLOWED',
      `You are not among the Slack approvers of this request (${approval.step} in ${approval.playbook}). Nothing changed.`,
    );
  // The run goes on inside this request only until Slack must be answered: a wait ending later, or
  // anything still going at the deadline, hands it back stored (a side effect in flight gets a short
  // grace, then is re-checked on resume, never repeated); scheduleWake has it go on elsewhere.
  const answerWithin = ctx.options.answerWithinMs ?? DEFAULT_ANSWER_WITHIN_MS;
  const suspendBefore = Math.min(ctx.host.suspendBefore ?? Infinity, now + answerWithin);
  const deadline = new AbortController();
  const timer = ctx.clock.setTimeout(() => deadline.abort(), answerWithin);
  const suspend = ctx.host.suspend ? AbortSignal.any([ctx.host.suspend, deadline.signal]) : deadline.signal;
  try {
    const decided = await decideApproval(
      press.approvalId,
      { decision: press.decision, by: press.user.id, via: 'slack', at: now },
      {
        ...ctx.host,
        store: ctx.store,
        suspendBefore,
        suspend,
        suspendGraceMs: Math.min(ctx.host.suspendGraceMs ?? GRACE_MS, GRACE_MS),
      },
    );
    if (decided.status === 'refused') return refused(decided.code, capitalized(decided.message));
    const error = await ctx.wake(decided.result);
    if (error !== undefined)
      ctx.logger.error(
        `after the decision on ${press.approvalId}: ${error instanceof Error ? error.message : 'scheduling failed'}`,
      );
    const verb = press.decision === 'approved' ? ':white_check_mark: Approved' : ':no_entry: Denied';
    const state =
      decided.result.outcome === 'suspended' ? 'the run goes on' : `the run ended ${decided.result.outcome}`;
    return { text: `${verb} by <@${press.user.id}>: ${state}.`, final: true };
  } catch (error) {
    if (isFirstlineError(error) && error.code === 'E_RUN_BUSY')
      return refused(
        error.code,
        'This run is busy right now (the decision may be being recorded): try again.',
      );
    if (isFirstlineError(error) && error.code === 'E_RUN_NOT_FOUND')
      return refused(error.code, 'This approval is not known here (or no longer pending).');
    throw error;
  } finally {
    ctx.clock.clearTimeout(timer);
  }
}

/** Slack users may decide when the request names them, or names no approvers at all. */
function mayDecide(approval: ApprovalState, user: string): boolean {
  if (!approval.approvers) return true;
  return approval.approvers.slack?.includes(user) ?? false;
}

function who(decision: NonNullable<ApprovalState['decision']>): string {
  return decision.via === 'slack' ? `<@${decision.by}>` : `${decision.by} (${decision.via})`;
}

/** Posts to the interaction's response_url; best effort, at most 1 s: Slack's 3 s cover the whole answer. */
async function respond(url: string, message: object, ctx: SlackRouteContext): Promise<void> {
  const fetch = ctx.options.fetch ?? globalThis.fetch;
  try {
    const reply = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(1_000),
    });
    if (!reply.ok) ctx.logger.warn(`Slack response_url answered ${reply.status}`);
  } catch (error) {
    ctx.logger.warn(`Slack response_url could not be reached: ${(error as Error).message}`);
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

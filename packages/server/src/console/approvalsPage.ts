import type { ApprovalState, RunRecord } from '@firstline/core';
import { esc, isoOf, page } from './consolePage.js';
import type { PageContext } from './consolePage.js';

/** True when the user may decide this approval: it names no console approvers, or names them. */
export function mayDecide(approval: ApprovalState, user: string): boolean {
  const allowed = approval.approvers?.console;
  return allowed === undefined || allowed.includes(user);
}

/**
 * `/approvals`: every run waiting for a person, with its question and, for those the user may decide,
 * Approve / Deny buttons and a reason. A user not among an approval's console approvers sees it, and
 * who may decide it, without the buttons.
 */
export function approvalsPage(ctx: PageContext, waiting: readonly RunRecord[], notice?: string): string {
  const items = waiting.flatMap((record) => {
    const approval = record.approval;
    if (!approval) return [];
    const run = `${ctx.base}/runs/${encodeURIComponent(record.runId)}`;
    const who = approval.approvers?.console;
    const form = mayDecide(approval, ctx.user ?? '')
      ? `<form method="post" action="${esc(ctx.base)}/approvals">
<input type="hidden" name="csrf" value="${esc(ctx.csrf ?? '')}">
<input type="hidden" name="approval" value="${esc(approval.id)}">
<label>Reason<br><textarea name="reason" rows="2" cols="60" maxlength="2000"></textarea></label><br>
<button type="submit" name="decision" value="approved">Approve</button>
<button type="submit" name="decision" value="denied">Deny</button></form>`
      : `<p class="dim">Only ${who!.map((w) => `<b>${esc(w)}</b>`).join(', ')} may decide this one.</p>`;
    return [
      `<section class="approval" data-approval="${esc(approval.id)}"><h2><a href="${esc(run)}">${esc(approval.playbook)}</a> — step <code>${esc(approval.step)}</code></h2>
<p class="message">${esc(approval.message)}</p>
<p class="dim">Asked <time>${esc(isoOf(approval.requestedAt))}</time>; expires <time>${esc(isoOf(approval.expiresAt))}</time>${who ? `; approvers: ${who.map(esc).join(', ')}` : ''}. Run <code>${esc(record.runId)}</code>.</p>
${form}</section>`,
    ];
  });
  const body = items.length === 0 ? '<p class="dim">Nothing is waiting for approval.</p>' : items.join('\n');
  const banner = notice ? `<p class="notice">${esc(notice)}</p>` : '';
  return page(ctx, 'Approvals', `<h1>Approvals</h1>${banner}${body}`);
}

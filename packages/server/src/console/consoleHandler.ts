import type { IncomingMessage } from 'node:http';
import { isRunId } from '@firstline/core';
import type { ActionLookup, ApprovalDecision, CompiledPlaybook, RunRecord, RunStore } from '@firstline/core';
import { HttpError } from '../http/httpError.js';
import { createConsoleAuth } from './consoleAuth.js';
import type { ConsoleAuthOptions, ConsoleSession } from './consoleAuth.js';
import type { HtmlReply, Reply } from '../http/reply.js';
import { esc, messagePage, newNonce, page, redirect, securityHeaders } from './consolePage.js';
import type { PageContext } from './consolePage.js';
import { approvalsPage, mayDecide } from './approvalsPage.js';
import { listRunsOf } from './listRunsOf.js';
import { readForm } from './readForm.js';
import { runPage } from './runPage.js';
import { runsPage, runsQuery } from './runsPage.js';

/** The operator console's settings: who may sign in, and where it is mounted. */
export interface ConsoleOptions extends ConsoleAuthOptions {
  /** Its path under the server's basePath (default `/console`); `GET /` redirects there. */
  path?: string;
}

/** What the console reads and does through the server: the store, the playbooks, and the run service. */
export interface ConsoleDeps {
  store: RunStore;
  playbooks: ReadonlyMap<string, CompiledPlaybook>;
  actions: ActionLookup;
  now: () => number;
  /** The console's full URL path, without a trailing slash. */
  base: string;
  maxBodyBytes: number;
  /** Records a decision and resumes the run in the server's queue; throws HttpError when it cannot. */
  decide(record: RunRecord, approvalId: string, decision: ApprovalDecision): Promise<void>;
}

/** A console request's answer: a page, or JSON (the live page's `state`). */
export type ConsoleReply = HtmlReply | Reply;

const MAX_REASON = 2_000;

/**
 * The console's request handler, given the path under the console (`/`, `/runs/x`, `/approvals`):
 * every page but the login form needs a signed-in user, every POST the session's form token.
 */
export function createConsoleHandler(options: ConsoleOptions, deps: ConsoleDeps) {
  const auth = createConsoleAuth(options, deps.now);
  const { base } = deps;
  const names = [...new Set([...deps.playbooks.values()].map((p) => p.name))].sort();

  const loginPage = (req: IncomingMessage, ctx: PageContext, error?: string, status = 200): HtmlReply => {
    if (!auth.tokenLogin)
      return messagePage(
        ctx,
        401,
        'Not signed in',
        'This console signs people in through its proxy, which sent no user.',
      );
    const { token, cookie } = auth.loginToken(req);
    const content = `<h1>Sign in</h1>${error ? `<p class="error">${esc(error)}</p>` : ''}
<form method="post" action="${esc(base)}/login"><input type="hidden" name="csrf" value="${esc(token)}">
<label>Token<br><input type="password" name="token" autocomplete="current-password" required size="40"></label>
<button type="submit">Sign in</button></form>`;
    return {
      status,
      html: page(ctx, 'Sign in', content),
      ...(cookie && { headers: { 'Set-Cookie': cookie } }),
    };
  };

  const login = async (req: IncomingMessage, ctx: PageContext): Promise<HtmlReply> => {
    const form = await readForm(req, deps.maxBodyBytes);
    if (!auth.tokenLogin) return messagePage(ctx, 404, 'No token login', 'This console has no token users.');
    if (!auth.checkLoginToken(req, form.get('csrf') ?? undefined))
      return loginPage(req, ctx, 'The form expired or came from elsewhere; sign in again.', 403);
    const user = auth.userOfToken(form.get('token') ?? '');
    if (!user) return loginPage(req, ctx, 'That token is not valid.', 401);
    return redirect(`${base}/`, { 'Set-Cookie': auth.sessionCookie(auth.newSession(user)) });
  };

  const decide = async (
    req: IncomingMessage,
    session: ConsoleSession,
    ctx: PageContext,
  ): Promise<HtmlReply> => {
    const form = await readForm(req, deps.maxBodyBytes);
    if (!auth.checkFormToken(session, form.get('csrf') ?? undefined)) return csrfRefused(ctx);
    const id = form.get('approval') ?? '';
    const choice = form.get('decision');
    const reason = (form.get('reason') ?? '').trim();
    if (choice !== 'approved' && choice !== 'denied')
      return messagePage(ctx, 400, 'Not decided', 'Choose Approve or Deny.', `${base}/approvals`);
    if (reason.length > MAX_REASON)
      return messagePage(
        ctx,
        400,
        'Not decided',
        `The reason is longer than ${MAX_REASON} characters.`,
        `${base}/approvals`,
      );
    const runId = id.split('/')[0] ?? '';
    const record = isRunId(runId) ? await deps.store.load(runId) : undefined;
    const approval = record?.approval;
    if (!record || approval?.id !== id)
      return messagePage(ctx, 404, 'No such approval', `No approval ${id} is waiting.`, `${base}/approvals`);
    if (approval.decision || record.status !== 'running')
      return messagePage(
        ctx,
        409,
        'Already decided',
        approval.decision
          ? `${approval.decision.by} already ${approval.decision.decision} it; nothing was changed.`
          : 'The run has ended; nothing was changed.',
        `${base}/runs/${encodeURIComponent(runId)}`,
      );
    if (!mayDecide(approval, session.user))
      return messagePage(
        ctx,
        403,
        'Not an approver',
        `${session.user} is not among this approval's console approvers (${(approval.approvers?.console ?? []).join(', ')}); nothing was changed.`,
        `${base}/approvals`,
      );
    if (deps.now() >= approval.expiresAt)
      return messagePage(
        ctx,
        409,
        'Expired',
        'This approval has expired; nothing was changed.',
        `${base}/approvals`,
      );
    await deps.decide(record, id, {
      decision: choice,
      by: session.user,
      via: 'console',
      ...(reason !== '' && { reason }),
      at: deps.now(),
    });
    return redirect(`${base}/runs/${encodeURIComponent(runId)}`);
  };

  const pages = async (
    req: IncomingMessage,
    url: URL,
    path: string,
    session: ConsoleSession,
    ctx: PageContext,
  ): Promise<ConsoleReply | undefined> => {
    const run = /^\/runs\/([^/]+)(\/state)?$/.exec(path);
    if (req.method === 'GET' && path === '/') {
      const query = runsQuery(url, names);
      const result = await listRunsOf(deps.store, query);
      return { status: 200, html: runsPage(ctx, query, result, names, deps.now()) };
    }
    if (req.method === 'GET' && run) {
      const runId = decodeURIComponent(run[1]!);
      const record = isRunId(runId) ? await deps.store.load(runId) : undefined;
      if (run[2]) {
        if (!record) throw new HttpError(404, 'E_NOT_FOUND', `no run ${runId}`);
        const state = { status: record.status, updatedAt: record.updatedAt, outcome: record.outcome };
        return { status: 200, body: state };
      }
      if (!record) return messagePage(ctx, 404, 'No such run', `No run ${runId} is stored here.`, `${base}/`);
      const compiled = [...deps.playbooks.values()].find((p) => p.name === record.playbook.name);
      return { status: 200, html: runPage(ctx, record, compiled, deps.actions) };
    }
    if (req.method === 'GET' && path === '/approvals') {
      const listed = await listRunsOf(deps.store, { awaiting: 'approval', limit: 200 });
      const records = await Promise.all(listed.runs.map((r) => deps.store.load(r.runId)));
      const waiting = records.filter(
        (r): r is RunRecord => r?.approval !== undefined && !r.approval.decision,
      );
      return { status: 200, html: approvalsPage(ctx, waiting) };
    }
    if (req.method === 'POST' && path === '/approvals') return decide(req, session, ctx);
    if (req.method === 'POST' && path === '/logout') {
      const form = await readForm(req, deps.maxBodyBytes);
      if (!auth.checkFormToken(session, form.get('csrf') ?? undefined)) return csrfRefused(ctx);
      return redirect(`${base}/login`, { 'Set-Cookie': auth.clearSessionCookie() });
    }
    return undefined;
  };

  /** Answers one console request; `path` is under the console, `/` at its root. */
  const answer = async (
    req: IncomingMessage,
    url: URL,
    path: string,
    ctx: PageContext,
  ): Promise<ConsoleReply> => {
    if (path === '/login') {
      if (req.method === 'GET') return loginPage(req, ctx);
      if (req.method === 'POST') return login(req, ctx);
    }
    const who = auth.identify(req);
    if (!who) {
      if (req.method === 'GET' && !path.endsWith('/state'))
        return auth.tokenLogin ? redirect(`${base}/login`) : loginPage(req, ctx);
      return messagePage(ctx, 403, 'Not signed in', 'Sign in first; nothing was changed.', `${base}/login`);
    }
    ctx.user = who.session.user;
    ctx.csrf = auth.formToken(who.session);
    const reply =
      (await pages(req, url, path, who.session, ctx)) ??
      messagePage(ctx, 404, 'Not found', `Nothing at ${url.pathname}.`, `${base}/`);
    if (!who.fresh) return reply;
    // A user the proxy signed in gets a session too: form tokens are tied to it.
    return { ...reply, headers: { ...reply.headers, 'Set-Cookie': auth.sessionCookie(who.session) } };
  };

  /** Answers one console request; `path` is under the console, `/` at its root. */
  return async (req: IncomingMessage, url: URL, path: string): Promise<ConsoleReply> => {
    // One nonce per response: the page's one inline style and script carry it, the policy names it.
    const ctx: PageContext = { base, nonce: newNonce() };
    const reply = await answer(req, url, path, ctx).catch((error: unknown) => {
      // A refused request reads as a page here, not as the API's JSON.
      if (!(error instanceof HttpError)) throw error;
      return {
        ...messagePage(ctx, error.status, 'Refused', error.message, `${base}/`),
        headers: error.headers,
      };
    });
    return { ...reply, headers: { ...securityHeaders(ctx.nonce), ...reply.headers } };
  };
}

function csrfRefused(ctx: PageContext): HtmlReply {
  return messagePage(
    ctx,
    403,
    'Form refused',
    'This form had no valid form token (it expired, or another site sent it); nothing was changed. Reload the page and try again.',
  );
}

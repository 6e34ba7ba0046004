import { randomBytes } from 'node:crypto';
import type { HtmlReply } from '../http/reply.js';

/** What every console page is rendered with: where the console is mounted, who is signed in, the form token. */
export interface PageContext {
  /** The console's URL path, without a trailing slash (`/console`, `/firstline/console`). */
  base: string;
  /** Random per response: the only inline script and style the page's policy allows. */
  nonce: string;
  user?: string;
  /** The session's form token, for POST forms. */
  csrf?: string;
}

/** Escapes text for HTML content and attribute values: everything from a record is escaped. */
export function esc(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A fresh nonce for one page. */
export const newNonce = (): string => randomBytes(16).toString('base64');

/**
 * The headers every console page is sent with: a policy allowing only the page's own nonce'd style
 * and script, no framing, no referrer (run ids and filters stay on this server), never cached.
 */
export function securityHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Security-Policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222}
header{background:#1f2933;color:#fff;padding:.6em 2em;display:flex;gap:1.5em;align-items:center}
header a{color:#fff;text-decoration:none}header form{margin-left:auto}header .user{opacity:.8}
main{margin:1.5em 2em;max-width:80em}table{border-collapse:collapse}
td,th{padding:3px 10px;text-align:left;vertical-align:top;border-bottom:1px solid #eee}
code,pre,time{font-family:ui-monospace,monospace}pre{background:#f6f6f6;padding:.5em;overflow:auto}
.good{color:#17702b}.bad{color:#b3261e}.warn{color:#8a5a00}.dim{color:#777}
.error{background:#fdecea;border:1px solid #b3261e;padding:.5em 1em}
.notice{background:#e8f0fe;border:1px solid #1a56db;padding:.5em 1em}
form.filters{display:flex;gap:1em;align-items:end;margin-bottom:1em}
.path li{color:#777}.path li.taken>b{color:#1a56db}.path .edge{font-size:90%;margin-left:.6em}
.path .edge.taken{color:#1a56db;font-weight:600}
.approval{border:1px solid #ddd;padding:.5em 1em;margin:1em 0}
section.step{border-left:3px solid #ddd;padding-left:1em;margin:1em 0}dt{font-weight:600}`;

/** A whole console page: header with navigation and sign-out, then the content (already escaped). */
export function page(ctx: PageContext, title: string, content: string, extra = ''): string {
  const nav = ctx.user
    ? `<a href="${esc(ctx.base)}/">Runs</a><a href="${esc(ctx.base)}/approvals">Approvals</a>
<form method="post" action="${esc(ctx.base)}/logout"><span class="user">${esc(ctx.user)}</span>
<input type="hidden" name="csrf" value="${esc(ctx.csrf ?? '')}"> <button type="submit">Sign out</button></form>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer"><title>${esc(title)} — Firstline</title>
<style nonce="${esc(ctx.nonce)}">${STYLE}${extra}</style></head>
<body><header><b>Firstline</b>${nav}</header>
<main>
${content}
</main></body></html>
`;
}

/** A page that only says something (an error, a refusal), with a way back. */
export function messagePage(
  ctx: PageContext,
  status: number,
  title: string,
  message: string,
  back?: string,
): HtmlReply {
  const link = back ? `<p><a href="${esc(back)}">Back</a></p>` : '';
  return {
    status,
    html: page(ctx, title, `<h1>${esc(title)}</h1><p class="error">${esc(message)}</p>${link}`),
  };
}

/** A 303 to another console page (after a POST: reloading the result never posts again). */
export function redirect(location: string, headers: Record<string, string | string[]> = {}): HtmlReply {
  return { status: 303, html: '', headers: { Location: location, ...headers } };
}

/** A duration in ms for people: `850 ms`, `42 s`, `3 min 5 s`, `2 h 4 min`. */
export function shortDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
}

/** A clock time as ISO 8601 (UTC), for `<time>`. */
export const isoOf = (ms: number): string => new Date(ms).toISOString();

/** The outcome or status word coloured: green for a good ending, red for one a person must look at. */
export function toneOf(word: string): string {
  const cls =
    word === 'recovered' || word === 'healthy' || word === 'approved'
      ? 'good'
      : ['unrecovered', 'inconclusive', 'failed', 'timed_out', 'cancelled', 'denied', 'expired'].includes(
            word,
          )
        ? 'bad'
        : word === 'running' || word === 'skipped' || word === 'approval'
          ? 'warn'
          : '';
  return cls ? `<span class="${cls}">${esc(word)}</span>` : esc(word);
}

import type { ServerResponse } from 'node:http';

/** What an endpoint answers: a status, a JSON body and extra headers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string | string[]>;
}

/** A page the console answers with: HTML instead of JSON (empty for a redirect). */
export interface HtmlReply {
  status: number;
  html: string;
  headers?: Record<string, string | string[]>;
}

/** Writes a reply as JSON, or a console page as HTML (never cached: run states change). */
export function sendReply(res: ServerResponse, reply: Reply | HtmlReply, requestId: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const html = 'html' in reply;
  const text = html ? reply.html : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    ...reply.headers,
  });
  res.end(text);
}

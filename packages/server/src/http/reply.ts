import type { ServerResponse } from 'node:http';

/** What an endpoint answers: a status, a JSON body and extra headers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Writes a reply as JSON (never cached: run states change). */
export function sendReply(res: ServerResponse, reply: Reply, requestId: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    ...reply.headers,
  });
  res.end(text);
}

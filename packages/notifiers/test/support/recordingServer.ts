import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a mock API received, as the tests assert on it. */
export interface ReceivedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The raw body. */
  text: string;
  /** The body decoded: JSON, or form fields (with JSON-looking values parsed), or undefined. */
  body: Record<string, unknown> | undefined;
}

/** What a route handler answers. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON, a string as text/plain. */
  body?: unknown;
}

/** A fault injected ahead of the real behaviour: the next matching requests get it instead. */
export interface Fault extends Reply {
  /** Which requests it applies to (a substring of `METHOD /path`). */
  match: string;
}

/** A loopback HTTP server that records every request and answers through `route`, faults first. */
export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: ReceivedRequest[];
  /** Queues faults: each answers one matching request, in order. */
  fail(...faults: Fault[]): void;
  /** Forgets requests and pending faults (state is the mock's own to reset). */
  clear(): void;
  /** Calls `listener` after each request is answered (a log of the traffic, for people watching). */
  onRequest(listener: (request: ReceivedRequest, reply: Reply) => void): void;
  close(): Promise<void>;
}

/** Starts a server on `listenPort` (default one the OS picks); `route` returns the real API's answer. */
export async function startRecordingServer(
  route: (request: ReceivedRequest, origin: string) => Reply,
  listenPort = 0,
): Promise<RecordingServer> {
  const requests: ReceivedRequest[] = [];
  let faults: Fault[] = [];
  const listeners: Array<(request: ReceivedRequest, reply: Reply) => void> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://mock');
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        text,
        body: decode(text, req.headers['content-type']),
      };
      requests.push(request);
      const key = `${request.method} ${request.path}`;
      const faultAt = faults.findIndex((fault) => key.includes(fault.match));
      let reply: Reply;
      if (faultAt >= 0) {
        reply = faults[faultAt]!;
        faults = faults.filter((_, i) => i !== faultAt);
      } else {
        reply = route(request, `http://${req.headers.host ?? 'mock'}`);
      }
      send(res, reply);
      for (const listener of listeners) listener(request, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fail: (...more) => void faults.push(...more),
    clear: () => {
      requests.length = 0;
      faults = [];
    },
    onRequest: (listener) => void listeners.push(listener),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const isText = typeof reply.body === 'string';
  const payload =
    reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    ...reply.headers,
  });
  res.end(payload);
}

function decode(text: string, contentType: string | undefined): Record<string, unknown> | undefined {
  if (text === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      // WebClient sends arrays and objects (blocks) as JSON strings inside the form.
      fields[key] = /^[[{]/.test(value) ? (JSON.parse(value) as unknown) : value;
    }
    return fields;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

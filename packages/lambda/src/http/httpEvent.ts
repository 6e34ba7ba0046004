// HTTP requests as Lambda receives them: a function URL or an API Gateway HTTP API (payload 2.0),
// or an API Gateway REST API (payload 1.0), read into one shape; answers in the shape both take.

type Json = Record<string, unknown>;

/** An HTTP request, whichever way it reached the function. */
export interface HttpRequest {
  /** Upper case: `POST`. */
  method: string;
  /** The path without the query: `/slack/interactions`. */
  path: string;
  /** Header names in lower case; a repeated header's values joined by `,`. */
  headers: Record<string, string>;
  /** The body as received (base64 decoded): signatures are computed over these bytes. */
  body: string;
  /** The body's size in bytes. */
  bodyBytes: number;
}

/** The answer a function URL or API Gateway turns into an HTTP response. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** A function URL / API Gateway HTTP API event (payload format 2.0), the fields the handler reads. */
export interface HttpApiEvent {
  version: '2.0';
  rawPath: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string; path?: string } };
}

/** True for an HTTP request event: payload 2.0 (function URL, HTTP API) or 1.0 (REST API). */
export function isHttpEvent(event: unknown): boolean {
  const data = asObject(event);
  if (!data) return false;
  const context = asObject(data.requestContext);
  if (data.version === '2.0' && typeof data.rawPath === 'string')
    return typeof asObject(context?.http)?.method === 'string';
  return typeof data.httpMethod === 'string' && typeof data.path === 'string' && context !== undefined;
}

/** Reads an event {@link isHttpEvent} accepted. */
export function readHttpRequest(event: unknown): HttpRequest {
  const data = asObject(event)!;
  const v2 = data.version === '2.0';
  const method = v2 ? String(asObject(asObject(data.requestContext)?.http)?.method) : String(data.httpMethod);
  const path = String(v2 ? data.rawPath : data.path);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(asObject(data.headers) ?? {}))
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  const raw = typeof data.body === 'string' ? data.body : '';
  const bytes = data.isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  return {
    method: method.toUpperCase(),
    path,
    headers,
    body: bytes.toString('utf8'),
    bodyBytes: bytes.length,
  };
}

/** A JSON answer. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** A JSON error answer: `{ code, message }`, the code stable. */
export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return jsonResponse(statusCode, { code, message }, headers);
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

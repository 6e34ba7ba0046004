import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { round } from '../shared/time.js';

/** One HTTP request, as {@link sendRequest} makes it. */
export interface RequestSpec {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Skip TLS verification. */
  insecure?: boolean;
  /** PEM CA bundle trusted instead of the system CAs. */
  ca?: string;
  signal: AbortSignal;
  /** Bytes of body kept; the rest is drained and dropped. */
  maxBody: number;
}

/** Where the time of one request went, each phase's own duration in ms (absent when it did not happen). */
export interface RequestTimings {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  firstByteMs?: number;
}

/** What came back from {@link sendRequest}. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  bodyBytes: number;
  timings: RequestTimings;
  totalMs: number;
}

/**
 * Sends one request on a fresh connection (no keep-alive pool: a probe measures DNS, connect and TLS
 * every time) and reads the response, keeping at most `maxBody` bytes of it.
 */
export function sendRequest(spec: RequestSpec): Promise<RawResponse> {
  const secure = spec.url.protocol === 'https:';
  const start = performance.now();
  const at = () => performance.now();
  let lookedUp: number | undefined;
  let connected: number | undefined;
  let secured: number | undefined;
  return new Promise<RawResponse>((resolve, reject) => {
    const options: https.RequestOptions = {
      method: spec.method,
      headers: spec.headers,
      agent: false,
      signal: spec.signal,
      ...(secure && { rejectUnauthorized: !spec.insecure, ...(spec.ca !== undefined && { ca: spec.ca }) }),
    };
    const req = (secure ? https : http).request(spec.url, options, (res) => {
      const firstByte = at();
      const chunks: Buffer[] = [];
      let kept = 0;
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (kept < spec.maxBody) {
          const part = chunk.subarray(0, spec.maxBody - kept);
          chunks.push(part);
          kept += part.length;
        }
      });
      res.on('error', reject);
      res.on('aborted', () => {
        const error = new Error('connection closed before the response was complete');
        reject(Object.assign(error, { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
      });
      res.on('end', () => {
        if (!res.complete) return;
        const ready = secured ?? connected;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          bodyBytes: total,
          totalMs: round(at() - start),
          timings: {
            ...(lookedUp !== undefined && { dnsMs: round(lookedUp - start) }),
            ...(connected !== undefined && { connectMs: round(connected - (lookedUp ?? start)) }),
            ...(secured !== undefined && connected !== undefined && { tlsMs: round(secured - connected) }),
            ...(ready !== undefined && { firstByteMs: round(firstByte - ready) }),
          },
        });
      });
    });
    req.on('socket', (socket: Socket) => {
      socket.once('lookup', () => (lookedUp = at()));
      socket.once('connect', () => (connected = at()));
      socket.once('secureConnect', () => (secured = at()));
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}

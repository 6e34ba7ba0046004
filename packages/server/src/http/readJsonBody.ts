import type { IncomingMessage } from 'node:http';
import { checkDataShape, isFirstlineError } from '@firstline/core';
import { describeJsonError } from './describeJsonError.js';
import { HttpError } from './httpError.js';

/**
 * Reads a request body of at most `maxBytes` and parses it as JSON. Too big → 413, before reading it
 * when Content-Length says so; not JSON → 400 saying where it breaks; nested deeper than 64, too
 * wide, or holding a `__proto__`/`constructor`/`prototype` key → 400 E_DATA_LIMIT / E_UNSAFE_KEY
 * (core's DATA_LIMITS), so no such value reaches a run or the store. Whatever the content type: SNS
 * posts JSON as text/plain.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') {
    discard(req);
    throw new HttpError(415, 'E_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${encoding} is not supported`);
  }
  const text = await readText(req, maxBytes);
  if (text.trim() === '') throw new HttpError(400, 'E_BAD_REQUEST', 'body is empty; expected a JSON object');
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'E_BAD_REQUEST', `body is not JSON: ${describeJsonError(text)}`);
  }
  try {
    checkDataShape(body, undefined, 'body');
  } catch (error) {
    if (isFirstlineError(error) && (error.code === 'E_DATA_LIMIT' || error.code === 'E_UNSAFE_KEY'))
      throw new HttpError(400, error.code, error.message);
    throw error;
  }
  return body;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'E_PAYLOAD_TOO_LARGE', `body is larger than the limit of ${maxBytes} bytes`);
}

// Reads the rest of a refused body without keeping it: a client still sending when the answer comes
// would see a reset instead of the 413. The answer carries Connection: close, which ends it.
function discard(req: IncomingMessage): void {
  req.removeAllListeners('data');
  req.resume();
}

/** Reads a whole body as UTF-8 text, refusing (413) more than `maxBytes` without keeping it. */
export function readText(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(req);
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        discard(req);
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

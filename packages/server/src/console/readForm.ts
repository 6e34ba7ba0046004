import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http/httpError.js';
import { readText } from '../http/readJsonBody.js';

/** Reads an `application/x-www-form-urlencoded` body (what the console's forms post), at most `maxBytes`. */
export async function readForm(req: IncomingMessage, maxBytes: number): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    throw new HttpError(
      415,
      'E_UNSUPPORTED_MEDIA_TYPE',
      'a console form is sent as application/x-www-form-urlencoded',
    );
  }
  return new URLSearchParams(await readText(req, maxBytes));
}

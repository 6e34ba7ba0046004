import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './httpError.js';

/** Who may call the bearer-authenticated endpoints: a token list, or `false` for "anyone" (explicitly). */
export type AuthOption = { tokens: string[] } | false;

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Makes the check for `Authorization: Bearer <token>`. Tokens are compared as SHA-256 digests with
 * timingSafeEqual against every configured token (no early exit), so neither a token's content nor
 * its length leaks through response times. Without an `auth` option every call is refused (403):
 * an endpoint that can reboot machines is never open by accident; `auth: false` opens it on purpose.
 */
export function createBearerCheck(auth: AuthOption | undefined): (req: IncomingMessage) => void {
  if (auth === false) return () => undefined;
  if (auth === undefined)
    return () => {
      throw new HttpError(
        403,
        'E_FORBIDDEN',
        'this endpoint needs authentication and the server has none configured: set auth: { tokens: [...] } (or auth: false to open it)',
      );
    };
  const tokens = auth.tokens.filter((token) => token.length > 0).map(digest);
  if (tokens.length === 0) throw new TypeError('auth.tokens must hold at least one non-empty token');
  return (req) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const challenge = { 'WWW-Authenticate': 'Bearer realm="firstline"' };
    if (!match?.[1])
      throw new HttpError(
        401,
        'E_UNAUTHORIZED',
        'missing bearer token (Authorization: Bearer <token>)',
        {},
        challenge,
      );
    const given = digest(match[1]);
    let ok = false;
    for (const token of tokens) ok = timingSafeEqual(given, token) || ok;
    if (!ok) throw new HttpError(401, 'E_UNAUTHORIZED', 'the bearer token is not valid', {}, challenge);
  };
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { FirstlineError } from '@firstline/core';

/** A person who may sign in to the console with a token. */
export interface ConsoleUser {
  /** The name decisions are recorded under (`by`), and what `approvers.console` lists. */
  name: string;
  /** What they type on the login page. Compared as a digest, never shown, never logged. */
  token: string;
}

/** How the console knows who is asking: token login, a trusted proxy's header, or both. */
export interface ConsoleAuthOptions {
  /** Token login: each token signs in as its user; a session cookie carries the sign-in. */
  users?: ConsoleUser[];
  /**
   * Trust this request header (e.g. `x-forwarded-user`) as the user's name. Only behind a proxy that
   * authenticates every request and strips the header from clients: anyone who can reach the server
   * without the proxy can send it and be whoever they name.
   */
  proxyHeader?: string;
  /** Signs session cookies and form tokens (at least 32 characters); default: random per start, so a restart signs everyone out. */
  sessionSecret?: string;
  /** How long a sign-in lasts, in ms (default 8 hours). */
  sessionTtlMs?: number;
  /** Mark cookies `Secure` (default true): set false only for plain http on loopback. */
  secureCookies?: boolean;
}

/** A signed-in user and the session the console's form tokens are tied to. */
export interface ConsoleSession {
  user: string;
  /** Random per sign-in: form tokens are derived from it. */
  sid: string;
  expiresAt: number;
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'firstline_session';
/** The cookie a login form's token is tied to, before anyone has signed in. */
export const LOGIN_COOKIE = 'firstline_login';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * The console's sign-in machinery: token check, signed session cookies, and per-session form tokens
 * (CSRF synchronizer tokens derived from the session, so nothing needs storing server-side).
 */
export function createConsoleAuth(options: ConsoleAuthOptions, now: () => number) {
  const users = (options.users ?? []).map((user) => {
    if (user.token.length === 0 || user.name.trim() === '')
      throw new FirstlineError('E_CONFIG_INVALID', 'console.users: every user needs a name and a token');
    return { name: user.name, token: digest(user.token) };
  });
  const header = options.proxyHeader?.toLowerCase();
  if (users.length === 0 && !header)
    throw new FirstlineError(
      'E_CONFIG_INVALID',
      'console: nobody can sign in; set console.users (token login) or console.proxyHeader (a trusted proxy)',
    );
  if (options.sessionSecret !== undefined && options.sessionSecret.length < 32)
    throw new FirstlineError('E_CONFIG_INVALID', 'console.sessionSecret must be at least 32 characters');
  const secret = options.sessionSecret ?? randomBytes(32).toString('hex');
  const ttl = options.sessionTtlMs ?? 8 * 3_600_000;
  const sign = (purpose: string, text: string) =>
    createHmac('sha256', secret).update(`${purpose}\n${text}`).digest('base64url');
  const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));
  const secure = options.secureCookies ?? true;
  const cookie = (name: string, value: string, maxAgeSeconds: number) =>
    `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;

  const readSession = (req: IncomingMessage): ConsoleSession | undefined => {
    const raw = cookies(req)[SESSION_COOKIE];
    const [payload, mac] = raw?.split('.') ?? [];
    if (!payload || !mac || !same(mac, sign('session', payload))) return undefined;
    try {
      const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ConsoleSession;
      return typeof session.user === 'string' && session.expiresAt > now() ? session : undefined;
    } catch {
      return undefined;
    }
  };

  const newSession = (user: string): ConsoleSession => ({
    user,
    sid: randomBytes(16).toString('base64url'),
    expiresAt: now() + ttl,
  });

  return {
    /** True when the login form is offered (token users are configured). */
    tokenLogin: users.length > 0,

    /** The user a token signs in as; every configured token is compared, with no early exit. */
    userOfToken(token: string): string | undefined {
      const given = digest(token);
      let found: string | undefined;
      for (const user of users) if (timingSafeEqual(given, user.token)) found ??= user.name;
      return found;
    },

    /**
     * Who is asking: the proxy's header when configured (a session cookie for another user is
     * ignored), else a valid session cookie. `fresh` is set when a session must be (re)issued.
     */
    identify(req: IncomingMessage): { session: ConsoleSession; fresh: boolean } | undefined {
      const session = readSession(req);
      if (header) {
        const value = req.headers[header];
        const name = Array.isArray(value) ? value[0] : value;
        if (name && name.trim() !== '') {
          if (session?.user === name) return { session, fresh: false };
          return { session: newSession(name.trim()), fresh: true };
        }
        if (users.length === 0) return undefined;
      }
      return session ? { session, fresh: false } : undefined;
    },

    /** A new session for a user who just signed in. */
    newSession,

    /** The Set-Cookie value carrying a session (signed: a client cannot forge or alter it). */
    sessionCookie(session: ConsoleSession): string {
      const payload = b64(JSON.stringify(session));
      const seconds = Math.max(1, Math.floor((session.expiresAt - now()) / 1000));
      return cookie(SESSION_COOKIE, `${payload}.${sign('session', payload)}`, seconds);
    },

    /** The Set-Cookie value that signs out. */
    clearSessionCookie: () => cookie(SESSION_COOKIE, '', 0),

    /** The form token of a session: what every POST form carries in `csrf`. */
    formToken: (session: ConsoleSession) => sign('form', session.sid),

    /** True when a posted form token belongs to the session. */
    checkFormToken: (session: ConsoleSession, token: string | undefined) =>
      token !== undefined && same(token, sign('form', session.sid)),

    /** A login form's token and its cookie: the form is only accepted with the cookie it was served with. */
    loginToken(req: IncomingMessage): { token: string; cookie?: string } {
      let nonce = cookies(req)[LOGIN_COOKIE];
      let set: string | undefined;
      if (!nonce || !/^[\w-]{16,64}$/.test(nonce)) {
        nonce = randomBytes(16).toString('base64url');
        set = cookie(LOGIN_COOKIE, nonce, 3600);
      }
      return { token: sign('login', nonce), ...(set && { cookie: set }) };
    },

    /** True when a posted login form's token matches its login cookie. */
    checkLoginToken(req: IncomingMessage, token: string | undefined): boolean {
      const nonce = cookies(req)[LOGIN_COOKIE];
      return nonce !== undefined && token !== undefined && same(token, sign('login', nonce));
    },
  };
}

/** The console's authentication, as {@link createConsoleAuth} makes it. */
export type ConsoleAuth = ReturnType<typeof createConsoleAuth>;

/** A request's cookies by name (the first of a repeated name). */
export function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    if (name && !Object.hasOwn(out, name)) out[name] = part.slice(at + 1).trim();
  }
  return out;
}

import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryStore, isFirstlineError } from '@firstline/core';
import type { RunStore } from '@firstline/core';
import { serve } from '@firstline/server';
import type { FirstlineServer, ServeOptions } from '@firstline/server';
import { AUTH, post, recordingLogger, startTarget, testActions, TOKEN, webRestart } from '../support.js';
import {
  cookieOf,
  echoAction,
  echoPlaybook,
  fetchPage,
  fieldOf,
  MARKUP,
  postForm,
  signIn,
} from './consoleSupport.js';

const ALICE = 'console-token-alice-not-a-secret';
const BOB = 'console-token-bob-not-a-secret';

const servers: FirstlineServer[] = [];
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(overrides: Partial<ServeOptions> = {}) {
  const target = await startTarget();
  closers.push(target.close);
  const actions = testActions();
  const server = await serve({
    playbooks: { 'web-restart': webRestart, echo: echoPlaybook },
    actions: [...actions.actions, echoAction],
    auth: { tokens: [TOKEN] },
    logger: recordingLogger(),
    console: {
      users: [
        { name: 'alice', token: ALICE },
        { name: 'bob', token: BOB },
      ],
      secureCookies: false,
    },
    ...overrides,
  });
  servers.push(server);
  const base = `${server.url}/console`;
  /** Runs the playbook to its end through POST /runs?wait=true: a real run, really stored. */
  const run = async (playbook: string, input: Record<string, unknown>, runId?: string) => {
    const res = await post(
      `${server.url}/runs?wait=true`,
      { playbook, input, ...(runId && { runId }) },
      AUTH,
    );
    expect(res.status).toBe(200);
    return res.body;
  };
  return { server, base, target, run, web: { url: target.url, instance: 'web-1' } };
}

describe('the console is off unless configured', () => {
  test('without console options, /console is not there', async () => {
    const { server } = await start({ console: undefined });
    expect((await fetchPage(`${server.url}/console/`)).status).toBe(404);
    expect((await fetchPage(`${server.url}/`)).status).toBe(404);
  });

  test('a console nobody can sign in to is refused at start with E_CONFIG_INVALID', async () => {
    const error = await start({ console: {} }).catch((e: unknown) => e);
    expect(isFirstlineError(error) && error.code).toBe('E_CONFIG_INVALID');
    expect((error as Error).message).toMatch(/console\.users .* console\.proxyHeader/);
    const short = await start({
      console: { users: [{ name: 'a', token: 'x' }], sessionSecret: 'short' },
    }).catch((e: unknown) => e);
    expect(isFirstlineError(short) && short.code).toBe('E_CONFIG_INVALID');
  });
});

describe('signing in', () => {
  test('every page needs a sign-in: / and the console redirect to the login form', async () => {
    const { server, base } = await start();
    const root = await fetchPage(`${server.url}/`);
    expect(root.status).toBe(303);
    expect(root.headers.get('location')).toBe('/console/');
    for (const path of ['/', '/approvals', '/runs/some-run']) {
      const page = await fetchPage(`${base}${path}`);
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/console/login');
    }
    expect((await fetchPage(`${base}/runs/some-run/state`)).status).toBe(403);
  });

  test('a valid token signs in with an HttpOnly, SameSite=Strict session cookie; the token is never echoed', async () => {
    const { base } = await start();
    const form = await fetchPage(`${base}/login`);
    expect(form.status).toBe(200);
    const login = cookieOf(form.headers);
    const res = await postForm(`${base}/login`, { csrf: fieldOf(form.text, 'csrf'), token: ALICE }, login);
    expect(res.status).toBe(303);
    const set = res.headers.getSetCookie().join('\n');
    expect(set).toMatch(/firstline_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    expect(set).not.toContain(ALICE);
    const list = await fetchPage(`${base}/`, cookieOf(res.headers));
    expect(list.status).toBe(200);
    expect(list.text).toContain('alice');
    expect(list.text).not.toContain(ALICE);
  });

  test('a wrong token is refused (401) and not echoed; a login form without its token is refused (403)', async () => {
    const { base } = await start();
    const form = await fetchPage(`${base}/login`);
    const login = cookieOf(form.headers);
    const wrong = await postForm(
      `${base}/login`,
      { csrf: fieldOf(form.text, 'csrf'), token: 'guessed-token' },
      login,
    );
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('not valid');
    expect(wrong.text).not.toContain('guessed-token');
    expect(wrong.headers.getSetCookie().join()).not.toContain('firstline_session');
    const forged = await postForm(`${base}/login`, { token: ALICE }, login);
    expect(forged.status).toBe(403);
    const otherCookie = await postForm(`${base}/login`, { csrf: fieldOf(form.text, 'csrf'), token: ALICE });
    expect(otherCookie.status).toBe(403);
  });

  test('a forged or altered session cookie is not a session', async () => {
    const { base } = await start();
    const cookie = await signIn(base, ALICE);
    const [name, value] = cookie.split('=') as [string, string];
    const [payload, mac] = value.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const altered = Buffer.from(JSON.stringify({ ...claims, user: 'mallory' })).toString('base64url');
    expect((await fetchPage(`${base}/`, `${name}=${altered}.${mac}`)).status).toBe(303);
    expect((await fetchPage(`${base}/`, `${name}=${payload}.${mac.slice(1)}x`)).status).toBe(303);
    expect((await fetchPage(`${base}/`, cookie)).status).toBe(200);
  });

  test('signing out needs the form token (403 without it) and clears the cookie', async () => {
    const { base } = await start();
    const cookie = await signIn(base, ALICE);
    expect((await postForm(`${base}/logout`, {}, cookie)).status).toBe(403);
    const page = await fetchPage(`${base}/`, cookie);
    const out = await postForm(`${base}/logout`, { csrf: fieldOf(page.text, 'csrf') }, cookie);
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().join()).toMatch(/firstline_session=; .*Max-Age=0/);
  });

  test('pages carry a nonce CSP without unsafe-inline, no framing, no referrer', async () => {
    const { base } = await start();
    const cookie = await signIn(base, ALICE);
    const page = await fetchPage(`${base}/`, cookie);
    const csp = page.headers.get('content-security-policy')!;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.text).toContain(`<style nonce="${nonce}">`);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const again = await fetchPage(`${base}/`, cookie);
    expect(again.headers.get('content-security-policy')).not.toContain(nonce);
  });
});

describe('a trusted proxy header', () => {
  test('when configured, the header names the user (and a session is issued for form tokens)', async () => {
    const { base } = await start({ console: { proxyHeader: 'X-Forwarded-User', secureCookies: false } });
    const page = await fetchPage(`${base}/`, undefined, { 'X-Forwarded-User': 'carol' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('carol');
    expect(page.headers.getSetCookie().join()).toContain('firstline_session=');
    const none = await fetchPage(`${base}/`);
    expect(none.status).toBe(401);
  });

  test('when not configured, the header is ignored', async () => {
    const { base } = await start();
    const page = await fetchPage(`${base}/`, undefined, { 'X-Forwarded-User': 'alice' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/console/login');
  });
});

describe('pages', () => {
  test('markup from a run (input, trigger, step output) is escaped on the list and the run page', async () => {
    const { base, run } = await start();
    await run('echo', { note: MARKUP }, 'markup-run');
    const cookie = await signIn(base, ALICE);
    const list = await fetchPage(`${base}/`, cookie);
    expect(list.text).toContain('markup-run');
    const page = await fetchPage(`${base}/runs/markup-run`, cookie);
    expect(page.status).toBe(200);
    // Shown (as text: core's report escapes with numeric entities), never as markup.
    expect(page.text).toMatch(/(&lt;|&#60;)script(&gt;|&#62;)alert/);
    for (const text of [page.text, list.text]) expect(text).not.toMatch(/<script>alert/);
  });

  test('a run page shows the path taken through the graph, what changed, and the timeline', async () => {
    const { base, run, web, target } = await start();
    target.status.code = 500;
    await run('web-restart', web, 'fixed-run');
    const cookie = await signIn(base, ALICE);
    const page = await fetchPage(`${base}/runs/fixed-run`, cookie);
    expect(page.text).toContain('outcome <span class="good">recovered</span>');
    expect(page.text).toMatch(/<li class="taken" data-node="probe">/);
    expect(page.text).toMatch(/<li class="taken" data-node="restart">/);
    expect(page.text).toMatch(/<li class="taken" data-node="outcome:recovered">/);
    expect(page.text).toMatch(/<li class="" data-node="outcome:healthy">/);
    expect(page.text).toContain('<pre class="mermaid">stateDiagram-v2');
    expect(page.text).toMatch(/class [\w,]*restart[\w,]* taken/);
    expect(page.text).toContain('<h2>What changed</h2>');
    expect(page.text).toContain('<h2>Timeline</h2>');
    // A finished run's page does not poll.
    expect(page.text).not.toContain('<script');
    const state = await fetchPage(`${base}/runs/fixed-run/state`, cookie);
    expect(JSON.parse(state.text)).toMatchObject({ status: 'done', outcome: 'recovered' });
    expect((await fetchPage(`${base}/runs/no-such-run`, cookie)).status).toBe(404);
  });

  test('the list filters by status and playbook, and refuses filters it does not know (400)', async () => {
    const { base, run, web } = await start();
    await run('web-restart', web, 'web-a');
    await run('echo', { note: 'hi' }, 'echo-a');
    const cookie = await signIn(base, ALICE);
    const ids = (text: string) => [...text.matchAll(/data-run="([^"]+)"/g)].map((m) => m[1]);
    expect(ids((await fetchPage(`${base}/`, cookie)).text).sort()).toEqual(['echo-a', 'web-a']);
    expect(ids((await fetchPage(`${base}/?playbook=echo`, cookie)).text)).toEqual(['echo-a']);
    expect(ids((await fetchPage(`${base}/?status=done&playbook=web-restart`, cookie)).text)).toEqual([
      'web-a',
    ]);
    expect(ids((await fetchPage(`${base}/?status=running`, cookie)).text)).toEqual([]);
    expect(ids((await fetchPage(`${base}/?awaiting=approval`, cookie)).text)).toEqual([]);
    const bad = await fetchPage(`${base}/?status=exploded`, cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('status must be running or done');
    expect((await fetchPage(`${base}/?playbook=nope`, cookie)).status).toBe(400);
  });

  test('the list pages with a next link that carries the cursor and the filters', async () => {
    const { base, run } = await start();
    for (const n of [1, 2, 3, 4, 5]) await run('echo', { note: `n${n}` }, `page-${n}`);
    const cookie = await signIn(base, ALICE);
    const seen: string[] = [];
    let url: string | undefined = `${base}/?playbook=echo&limit=2`;
    for (let pages = 0; url !== undefined; pages++) {
      expect(pages).toBeLessThan(3);
      const page = await fetchPage(url, cookie);
      expect(page.status).toBe(200);
      seen.push(...[...page.text.matchAll(/data-run="([^"]+)"/g)].map((m) => m[1]!));
      const next = /<a rel="next" href="([^"]+)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
      if (next) expect(next).toContain('playbook=echo');
      url = next ? new URL(next, base).href : undefined;
    }
    expect(seen.sort()).toEqual(['page-1', 'page-2', 'page-3', 'page-4', 'page-5']);
    expect((await fetchPage(`${base}/?cursor=not-a-cursor`, cookie)).status).toBe(400);
  });

  test('a store without listRuns cannot back the lists (501, said plainly); run pages still work', async () => {
    // A store written before listRuns existed: the memory store, with it taken away.
    const store: RunStore = createMemoryStore();
    delete store.listRuns;
    const { base, run } = await start({ store });
    await run('echo', { note: 'hi' }, 'unlisted');
    const cookie = await signIn(base, ALICE);
    const list = await fetchPage(`${base}/`, cookie);
    expect(list.status).toBe(501);
    expect(list.text).toContain('cannot list runs (it has no listRuns)');
    expect((await fetchPage(`${base}/approvals`, cookie)).status).toBe(501);
    expect((await fetchPage(`${base}/runs/unlisted`, cookie)).status).toBe(200);
  });

  test('an approval decision without the form token is refused (403) and changes nothing', async () => {
    const { base } = await start();
    const cookie = await signIn(base, ALICE);
    const res = await postForm(`${base}/approvals`, { approval: 'x/y/1', decision: 'approved' }, cookie);
    expect(res.status).toBe(403);
    expect(res.text).toContain('nothing was changed');
    const anonymous = await postForm(`${base}/approvals`, { approval: 'x/y/1', decision: 'approved' });
    expect(anonymous.status).toBe(403);
  });
});

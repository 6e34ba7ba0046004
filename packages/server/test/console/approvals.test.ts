import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryStore, systemClock } from '@firstline/core';
import type { Clock } from '@firstline/core';
import { serve } from '@firstline/server';
import type { FirstlineServer, ServeOptions } from '@firstline/server';
import { AUTH, post, recordingLogger, testActions, TOKEN } from '../support.js';
import { fetchPage, fieldOf, firstLine, postForm, signIn, startService } from './consoleSupport.js';

const ALICE = 'console-token-alice-not-a-secret';
const BOB = 'console-token-bob-not-a-secret';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A server whose store holds one run of the approve playbook, stopped waiting for alice's approval. */
async function startWaiting(overrides: Partial<ServeOptions> = {}) {
  const actions = testActions();
  const service = await startService(actions.restarts);
  closers.push(service.close);
  const store = createMemoryStore();
  const server: FirstlineServer = await serve({
    playbooks: { 'web-approve': firstLine('web-approve', true) },
    actions: actions.actions,
    store,
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
  closers.unshift(() => server.close({ graceMs: 0 }));
  const started = await post(
    `${server.url}/runs?wait=true`,
    {
      playbook: 'web-approve',
      runId: 'waiting',
      input: { url: `${service.url}/flaky/web-9`, instance: 'web-9' },
    },
    AUTH,
  );
  // The API's run status shows the pending approval too.
  expect(started.body).toMatchObject({ status: 'running', approval: { step: 'approve-restart' } });
  const approval = (await store.load('waiting'))!.approval!;
  expect(approval).toMatchObject({ step: 'approve-restart', approvers: { console: ['alice'] } });
  expect(approval.decision).toBeUndefined();
  return { server, base: `${server.url}/console`, store, actions, approval };
}

/** Waits (on the server's own answer, no sleeping) until the run has ended. */
async function ended(server: FirstlineServer, runId: string) {
  const res = await fetch(`${server.url}/runs/${runId}?wait=true`, { headers: AUTH });
  return (await res.json()) as { status: string; outcome?: string };
}

describe('approvals in the console', () => {
  test('the pending approval is listed, and the list filter finds its run', async () => {
    const { base } = await startWaiting();
    const cookie = await signIn(base, ALICE);
    const page = await fetchPage(`${base}/approvals`, cookie);
    expect(page.text).toContain('Restart web-9? Its health check fails.');
    expect(page.text).toContain('button type="submit" name="decision" value="approved"');
    // The waiting run's page follows it: one script, allowed by the page's own nonce, asking `state`.
    const run = await fetchPage(`${base}/runs/waiting`, cookie);
    const nonce = /script-src 'nonce-([^']+)'/.exec(run.headers.get('content-security-policy') ?? '')?.[1];
    expect(run.text).toContain(`<script nonce="${nonce}">`);
    expect(run.text).toContain('/console/runs/waiting/state');
    const state = await fetchPage(`${base}/runs/waiting/state`, cookie);
    expect(JSON.parse(state.text)).toMatchObject({ status: 'running' });
    const list = await fetchPage(`${base}/?awaiting=approval`, cookie);
    expect([...list.text.matchAll(/data-run="([^"]+)"/g)].map((m) => m[1])).toEqual(['waiting']);
    expect(list.text).toContain('awaiting approval');
  });

  test('a user not among the console approvers sees it without buttons, and a posted decision is 403', async () => {
    const { base, store, approval } = await startWaiting();
    const cookie = await signIn(base, BOB);
    const page = await fetchPage(`${base}/approvals`, cookie);
    expect(page.text).toContain('Restart web-9?');
    expect(page.text).not.toContain('value="approved"');
    expect(page.text).toContain('Only <b>alice</b> may decide this one.');
    const csrf = fieldOf(page.text, 'csrf');
    const res = await postForm(
      `${base}/approvals`,
      { csrf, approval: approval.id, decision: 'approved' },
      cookie,
    );
    expect(res.status).toBe(403);
    expect(res.text).toContain('bob is not among this approval');
    expect((await store.load('waiting'))!.approval!.decision).toBeUndefined();
  });

  test('an approver approves with a reason: the run resumes here, recovers, and records who decided', async () => {
    const { server, base, store, approval, actions } = await startWaiting();
    const cookie = await signIn(base, ALICE);
    const csrf = fieldOf((await fetchPage(`${base}/approvals`, cookie)).text, 'csrf');
    const res = await postForm(
      `${base}/approvals`,
      { csrf, approval: approval.id, decision: 'approved', reason: 'dashboards agree' },
      cookie,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/runs/waiting');
    expect(await ended(server, 'waiting')).toMatchObject({ status: 'done', outcome: 'recovered' });
    expect(actions.restarts).toEqual(['web-9']);
    expect((await store.load('waiting'))!.approval!.decision).toMatchObject({
      decision: 'approved',
      by: 'alice',
      via: 'console',
      reason: 'dashboards agree',
    });
    const page = await fetchPage(`${base}/runs/waiting`, cookie);
    expect(page.text).toMatch(/approved<\/span> by <b>alice<\/b> \(console\).*dashboards agree/);
    const again = await postForm(
      `${base}/approvals`,
      { csrf, approval: approval.id, decision: 'denied' },
      cookie,
    );
    expect(again.status).toBe(409);
    expect(again.text).toContain('alice already approved it; nothing was changed');
  });

  test('a denial ends the run without the restart', async () => {
    const { server, base, approval, actions } = await startWaiting();
    const cookie = await signIn(base, ALICE);
    const csrf = fieldOf((await fetchPage(`${base}/approvals`, cookie)).text, 'csrf');
    const res = await postForm(
      `${base}/approvals`,
      { csrf, approval: approval.id, decision: 'denied' },
      cookie,
    );
    expect(res.status).toBe(303);
    expect((await ended(server, 'waiting')).outcome).toBe('unrecovered');
    expect(actions.restarts).toEqual([]);
  });

  test('a decision needs the form token of the same session (403 otherwise) and a valid choice (400)', async () => {
    const { base, store, approval } = await startWaiting();
    const alice = await signIn(base, ALICE);
    const bobCsrf = fieldOf((await fetchPage(`${base}/approvals`, await signIn(base, BOB))).text, 'csrf');
    const stolen = await postForm(
      `${base}/approvals`,
      { csrf: bobCsrf, approval: approval.id, decision: 'approved' },
      alice,
    );
    expect(stolen.status).toBe(403);
    const csrf = fieldOf((await fetchPage(`${base}/approvals`, alice)).text, 'csrf');
    const odd = await postForm(
      `${base}/approvals`,
      { csrf, approval: approval.id, decision: 'maybe' },
      alice,
    );
    expect(odd.status).toBe(400);
    const unknown = await postForm(
      `${base}/approvals`,
      { csrf, approval: 'waiting/nope/1', decision: 'approved' },
      alice,
    );
    expect(unknown.status).toBe(404);
    expect((await store.load('waiting'))!.approval!.decision).toBeUndefined();
  });

  test('a decision after the approval expired is refused (409) and changes nothing', async () => {
    // The server's clock is the system's plus a jump the test makes; nothing sweeps (resumeEvery: 0),
    // so only the console sees the time pass.
    let jump = 0;
    const clock: Clock = { ...systemClock, now: () => systemClock.now() + jump };
    const { base, store, approval } = await startWaiting({ clock, resumeEvery: 0 });
    const cookie = await signIn(base, ALICE);
    const csrf = fieldOf((await fetchPage(`${base}/approvals`, cookie)).text, 'csrf');
    jump = approval.expiresAt - systemClock.now() + 1;
    const late = await postForm(
      `${base}/approvals`,
      { csrf, approval: approval.id, decision: 'approved' },
      cookie,
    );
    expect(late.status).toBe(409);
    expect(late.text).toContain('This approval has expired; nothing was changed.');
    expect((await store.load('waiting'))!.approval!.decision).toBeUndefined();
  });
});

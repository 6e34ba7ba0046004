// Issue 15 item 2 at the door: input patterns are checked on every POST /runs, so a ReDoS-prone value
// against `^(a+)+$` must be refused at once, not hold the event loop (and /healthz) for minutes.
import { afterEach, expect, test } from 'vitest';
import { serve } from '@firstline/server';
import type { FirstlineServer } from '@firstline/server';
import { AUTH, get, post, recordingLogger, TOKEN, testActions } from './support.js';

const servers: FirstlineServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
});

const named = {
  firstline: 1,
  name: 'named',
  inputs: { name: { type: 'string', pattern: '^(a+)+$' } },
  steps: [
    { id: 'restart', action: 'test.restart', with: { instance: '{{ inputs.name }}' } },
    { id: 'done', end: 'recovered' },
  ],
};

test('a ReDoS-prone input for a pattern-checked input is refused promptly, and the server stays responsive', async () => {
  const actions = testActions();
  const server = await serve({
    playbooks: { named },
    actions: actions.actions,
    auth: { tokens: [TOKEN] },
    logger: recordingLogger(),
  });
  servers.push(server);
  const start = performance.now();
  const evil = `${'a'.repeat(25)}!`;
  const [refused, health] = await Promise.all([
    post(`${server.url}/runs`, { playbook: 'named', input: { name: evil } }, AUTH),
    get(`${server.url}/healthz`),
  ]);
  expect(performance.now() - start).toBeLessThan(2000);
  expect(refused.status).toBe(400);
  expect((refused.body.error as { code: string }).code).toBe('E_INPUT_INVALID');
  expect(health.status).toBe(200);
  expect(actions.restarts).toEqual([]);
  const ok = await post(`${server.url}/runs?wait=true`, { playbook: 'named', input: { name: 'aaa' } }, AUTH);
  expect(ok.body).toMatchObject({ status: 'done', outcome: 'recovered' });
});

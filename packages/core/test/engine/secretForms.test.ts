import { describe, expect, it } from 'vitest';
import { ActionError, createMemoryStore, REDACTED } from '@firstline/core';
import type { Logger, TraceEvent } from '@firstline/core';
import { findLeaks } from './leakScan.js';
import { createFakeAction, eventsOf, runVirtual } from './support.js';

// Issue 15, item 3: a secret must not survive in another form either: transformed by a template,
// echoed by an action in another encoding or case, or cut by a truncation before it was redacted.

const TOKEN = 'fl-SeCrEt-9f2Kq7Zx';
const env = { FAKE_TOKEN: TOKEN };

const playbook = {
  firstline: 1,
  name: 'secret-forms',
  secrets: { tok: { env: 'FAKE_TOKEN' } },
  steps: [
    {
      id: 'derived',
      action: 'test.echo',
      with: {
        basic: '{{ $base64encode("svc:" & secrets.tok) }}',
        bearer: 'Basic {{ $base64encode("Bearer " & secrets.tok) }}',
        upper: '{{ $uppercase(secrets.tok) }}',
        url: '?t={{ $encodeUrlComponent(secrets.tok) }}',
        json: '{{ $string({"t": secrets.tok}) }}',
        part: '{{ $substring(secrets.tok, 0, 8) }}',
        scope: '{{ $string($$) }}',
        plain: 'no secret here',
      },
    },
    { id: 'cut', action: 'test.cut', with: {} },
  ],
};

/** An echo that also logs the secret as hex, base64 and JSON; a probe that quotes it cut at 160 characters. */
function actions() {
  const echo = createFakeAction('test.echo', 'remediation', (input, ctx) => {
    const tok = ctx.secrets.tok!;
    ctx.logger.info(`hex ${Buffer.from(tok).toString('hex').toUpperCase()}`, {
      b64: Buffer.from(`user:${tok}`).toString('base64url'),
      escaped: JSON.stringify(JSON.stringify({ tok })),
    });
    return Promise.resolve({ echoed: input, lower: tok.toLowerCase() });
  });
  const cut = createFakeAction('test.cut', 'probe', (_input, ctx) => {
    const quoted = `${'x'.repeat(140)} Bearer ${ctx.secrets.tok!}`;
    return Promise.reject(
      new ActionError('test.cut', `body "${quoted.slice(0, 160)}…"`, { retryable: false }),
    );
  });
  return { echo, cut };
}

describe('secret redaction of derived forms in a live run', () => {
  it('no channel holds the secret in any case, encoding or cut', async () => {
    const { echo, cut } = actions();
    const store = createMemoryStore();
    const events: TraceEvent[] = [];
    const lines: unknown[] = [];
    const line = (message: string, fields?: Record<string, unknown>) => void lines.push({ message, fields });
    const logger: Logger = { debug: line, info: line, warn: line, error: line };
    const { result } = await runVirtual(playbook, {
      actions: [echo.action, cut.action],
      env,
      store,
      logger,
      onEvent: (e) => events.push(e),
    });

    // The actions got the real values, and the scanner finds them there.
    expect(echo.count).toBe(1);
    expect(cut.count).toBe(1);
    expect(findLeaks(JSON.stringify(echo.inputs), TOKEN).length).toBeGreaterThan(3);

    const stored = await store.load(result.runId);
    expect(stored?.journal.length).toBeGreaterThan(0);
    for (const [channel, data] of Object.entries({ result, events, lines, stored }))
      expect(findLeaks(JSON.stringify(data), TOKEN), channel).toEqual([]);

    // A value rendered from a secret is a secret: attempt.start keeps none of it, whatever the transform.
    const start = eventsOf(result.trace, 'attempt.start').find((e) => e.step === 'derived');
    expect(start?.input).toEqual({
      basic: REDACTED,
      bearer: REDACTED,
      upper: REDACTED,
      url: REDACTED,
      json: REDACTED,
      part: REDACTED,
      scope: REDACTED,
      plain: 'no secret here',
    });
    expect(result.steps.cut?.error).toContain(`Bearer ${REDACTED}…`);
  });
});

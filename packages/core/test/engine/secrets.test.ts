import { describe, expect, it } from 'vitest';
import { ActionError, createMemoryStore, isFirstlineError, REDACTED } from '@firstline/core';
import type { Logger, TraceEvent } from '@firstline/core';
import { createFakeAction, eventsOf, runVirtual } from './support.js';

// A secret's value reaches the actions that need it and nothing else: not the trace, the streamed
// events, the logs, the outputs, the step errors, nor the stored record and its journal.

const TOKEN = 'fake-token/123+abc';
const ENCODED = [TOKEN, Buffer.from(TOKEN).toString('base64').replace(/=+$/, ''), encodeURIComponent(TOKEN)];
const env = { FAKE_TOKEN: TOKEN };

const playbook = {
  firstline: 1,
  name: 'secrets',
  secrets: { token: { env: 'FAKE_TOKEN' } },
  checks: [{ id: 'health', action: 'test.api.probe', with: { auth: 'Bearer {{ secrets.token }}' } }],
  remediate: [
    {
      id: 'restart',
      action: 'test.api.restart',
      with: { token: '{{ secrets.token }}' },
      retry: { attempts: 2, delay: '1s', on: ['error'] },
    },
  ],
  recheck: { after: '1m' },
  notify: {
    recovered: [{ id: 'tell', action: 'test.api.notify', with: { text: 'fixed with {{ secrets.token }}' } }],
  },
};

/** Fakes that misuse the secret every way they can: echo it, log it, throw it, key an output with it. */
function leakyActions() {
  const probe = createFakeAction('test.api.probe', 'probe', (input, _ctx, index) =>
    index === 0
      ? Promise.reject(
          // The target's answer (a verdict): the check fails, so the run remediates.
          new ActionError('test.api.probe', `503 for ${(input as { auth: string }).auth}`, undefined, {
            verdict: true,
          }),
        )
      : Promise.resolve({ seen: input }),
  );
  const restart = createFakeAction('test.api.restart', 'remediation', (input, ctx, index) => {
    const token = (input as { token: string }).token;
    ctx.logger.info(`restarting with ${token}`, { token, encoded: Buffer.from(token).toString('base64') });
    ctx.logger.warn(`url https://example.invalid/?t=${encodeURIComponent(token)}`);
    if (index === 0) return Promise.reject(new Error(`refused token ${token}\nsecond line ${token}`));
    return Promise.resolve({ echoed: token, nested: [{ deep: `x${token}y` }], [token]: 'as a key' });
  });
  const notify = createFakeAction('test.api.notify', 'notify', (input) => Promise.resolve({ sent: input }));
  return { probe, restart, notify };
}

const leaks = (text: string) => ENCODED.filter((form) => text.includes(form));

describe('secret redaction in a live run', () => {
  it('actions get the value; the result, events, logs, store record and journal never hold it', async () => {
    const { probe, restart, notify } = leakyActions();
    const store = createMemoryStore();
    const events: TraceEvent[] = [];
    const lines: unknown[] = [];
    const record =
      (level: string) =>
      (message: string, fields?: Record<string, unknown>): void =>
        void lines.push({ level, message, fields });
    const logger: Logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };

    const { result } = await runVirtual(playbook, {
      actions: [probe.action, restart.action, notify.action],
      env,
      store,
      logger,
      onEvent: (e) => events.push(e),
    });

    // The run took the path that exercises every leak.
    expect(result.outcome).toBe('recovered');
    expect(restart.count).toBe(2);
    expect(probe.count).toBe(2);
    // The actions did receive the real value.
    expect(probe.inputs[0]).toEqual({ auth: `Bearer ${TOKEN}` });
    expect(restart.inputs[0]).toEqual({ token: TOKEN });
    expect(restart.contexts[0]!.secrets).toEqual({ token: TOKEN });
    expect(notify.inputs[0]).toEqual({ text: `fixed with ${TOKEN}` });

    // Nothing that leaves the run holds it, in any common encoding (the grep itself does find it).
    expect(leaks(JSON.stringify(restart.inputs))).toEqual([TOKEN]);
    expect(leaks(JSON.stringify(result))).toEqual([]);
    expect(leaks(JSON.stringify(result.trace))).toEqual([]);
    expect(leaks(JSON.stringify(result.output))).toEqual([]);
    expect(leaks(JSON.stringify(result.steps))).toEqual([]);
    expect(leaks(JSON.stringify(events))).toEqual([]);
    expect(leaks(JSON.stringify(lines))).toEqual([]);
    const stored = await store.load(result.runId);
    expect(stored?.journal.length).toBeGreaterThan(0);
    expect(leaks(JSON.stringify(stored))).toEqual([]);

    // ... and where it was, the redaction marker stands in.
    expect(events).toHaveLength(result.trace.length);
    expect(result.steps.restart?.output).toEqual({
      echoed: REDACTED,
      nested: [{ deep: `x${REDACTED}y` }],
      [REDACTED]: 'as a key',
    });
    expect(result.steps.health?.output).toEqual({ seen: { auth: `Bearer ${REDACTED}` } });
    const failedAttempt = eventsOf(result.trace, 'attempt.end').find((e) => e.step === 'restart');
    expect(failedAttempt?.error).toBe(`refused token ${REDACTED} second line ${REDACTED}`);
    expect(eventsOf(result.trace, 'attempt.start').find((e) => e.step === 'restart')?.input).toEqual({
      token: REDACTED,
    });
    expect(lines).toContainEqual({
      level: 'info',
      message: `restarting with ${REDACTED}`,
      fields: { step: 'restart', token: REDACTED, encoded: REDACTED },
    });
    const firstProbe = stored?.trace.find((e) => e.type === 'step.end' && e.step === 'health');
    expect(firstProbe).toMatchObject({
      outcome: 'fail',
      error: `test.api.probe: 503 for Bearer ${REDACTED}`,
    });
  });

  it('an expression error quoting the value is redacted too', async () => {
    const probe = createFakeAction('test.api.probe', 'probe');
    const { result } = await runVirtual(
      {
        firstline: 1,
        name: 'secret-expr',
        secrets: { token: { env: 'FAKE_TOKEN' } },
        steps: [{ id: 'bad', action: 'test.api.probe', with: { x: "{{ $error('no ' & secrets.token) }}" } }],
      },
      { actions: [probe.action], env },
    );
    expect(probe.count).toBe(0);
    expect(result.steps.bad?.outcome).toBe('error');
    expect(result.steps.bad?.error).toContain(`no ${REDACTED}`);
    expect(leaks(JSON.stringify(result))).toEqual([]);
  });

  it('a missing environment variable fails with E_SECRET_UNRESOLVED before any action runs', async () => {
    const { probe, restart, notify } = leakyActions();
    const store = createMemoryStore();
    const events: TraceEvent[] = [];
    const error: unknown = await runVirtual(playbook, {
      actions: [probe.action, restart.action, notify.action],
      env: { OTHER: 'fake-other-value' },
      store,
      onEvent: (e) => events.push(e),
    }).catch((e: unknown) => e);
    expect(isFirstlineError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('E_SECRET_UNRESOLVED');
    expect((error as Error).message).toContain('FAKE_TOKEN');
    expect(probe.count + restart.count + notify.count).toBe(0);
    expect(events).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  it('an empty environment variable counts as missing', async () => {
    const { probe, restart, notify } = leakyActions();
    const error: unknown = await runVirtual(playbook, {
      actions: [probe.action, restart.action, notify.action],
      env: { FAKE_TOKEN: '' },
    }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('E_SECRET_UNRESOLVED');
    expect(probe.count).toBe(0);
  });
});

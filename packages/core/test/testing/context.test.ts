import { describe, expect, it } from 'vitest';
import { systemClock } from '@firstline/core';
import type { Logger } from '@firstline/core';
import { createTestContext, isVirtualClock } from '@firstline/core/testing';

describe('createTestContext', () => {
  it('gives what the engine gives an attempt: ids, a virtual clock, frozen secrets, a live signal', () => {
    const ctx = createTestContext({
      runId: 'run-7',
      stepId: 'reboot',
      secrets: { token: 'fake-slack-token-1' },
    });
    expect(ctx).toMatchObject({
      runId: 'run-7',
      stepId: 'reboot',
      attempt: 1,
      idempotencyKey: 'run-7:reboot:1',
    });
    expect(isVirtualClock(ctx.clock)).toBe(true);
    expect(ctx.clock.now()).toBe(Date.UTC(2026, 0, 1));
    expect(ctx.signal.aborted).toBe(false);
    expect(Object.isFrozen(ctx.secrets)).toBe(true);
    expect(ctx.secrets.token).toBe('fake-slack-token-1');
    expect('resend' in ctx).toBe(false);
    expect(createTestContext({ resend: true }).resend).toBe(true);
    expect(isVirtualClock(createTestContext({ clock: systemClock }).clock)).toBe(false);
  });

  it('records log lines with secret values redacted, in every form the engine redacts', () => {
    const secret = 'hunter2-password';
    const ctx = createTestContext({ secrets: { password: secret } });
    ctx.logger.info(`logging in with ${secret}`, {
      auth: Buffer.from(secret).toString('base64').replace(/=+$/, ''),
      n: 1,
    });
    ctx.logger.warn(`retrying ${encodeURIComponent(`${secret}/x`)}`);
    ctx.logger.debug('plain');
    ctx.logger.error('boom');
    expect(ctx.logs).toEqual([
      { level: 'info', message: 'logging in with [redacted]', fields: { auth: '[redacted]', n: 1 } },
      { level: 'warn', message: 'retrying [redacted]%2Fx' },
      { level: 'debug', message: 'plain' },
      { level: 'error', message: 'boom' },
    ]);
    expect(ctx.messages('warn')).toEqual(['retrying [redacted]%2Fx']);
    expect(ctx.redact(`token=${secret.toUpperCase()}`)).toBe('token=[redacted]');
    expect(ctx.redactor.error(new Error(`bad ${secret}`))).toBe('bad [redacted]');
    expect(JSON.stringify(ctx.logs)).not.toContain(secret);
  });

  it('passes the redacted lines on to a logger of yours', () => {
    const seen: string[] = [];
    const log = (message: string) => void seen.push(message);
    const logger: Logger = { debug: log, info: log, warn: log, error: log };
    const ctx = createTestContext({ secrets: { key: 'sk-abcdef' }, logger });
    ctx.logger.info('key sk-abcdef');
    expect(seen).toEqual(['key [redacted]']);
  });

  it('refuses a secret too short to redact, as the engine does when it resolves secrets', () => {
    let error: unknown;
    try {
      createTestContext({ secrets: { pin: '1234' } });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: 'E_SECRET_TOO_SHORT' });
    expect((error as Error).message).toContain('secrets.pin');
    expect((error as Error).message).not.toContain('1234');
  });

  it('aborts its signal on abort(), or when an outer signal aborts, with the reason', () => {
    const ctx = createTestContext();
    const reason = new Error('step timed out');
    ctx.abort(reason);
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe(reason);

    const outer = new AbortController();
    const following = createTestContext({ signal: outer.signal });
    expect(following.signal.aborted).toBe(false);
    outer.abort('cancelled');
    expect(following.signal.reason).toBe('cancelled');
    const already = createTestContext({ signal: AbortSignal.abort('gone') });
    expect(already.signal.reason).toBe('gone');
  });
});

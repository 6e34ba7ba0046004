import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, expectScenario, runAction } from '@firstline/core/testing';
import { waitForHealthy } from './waitForHealthy.js';

// A real local server: answers 503 to the first `failures` requests of each test, then 200.
let failures = 0;
const server = http.createServer((req, res) => res.writeHead(failures-- > 0 ? 503 : 200).end());
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('demo.waitForHealthy', () => {
  it('waits between looks on the virtual clock: 20 seconds pass in no time', async () => {
    failures = 2;
    const { output, logs, elapsedMs } = await runAction(waitForHealthy, { url, every: 10_000 });
    expect(output).toEqual({ status: 200, tries: 3 });
    expect(elapsedMs).toBe(20_000);
    expect(logs.map((line) => line.message)).toEqual([
      `${url} answered 503`,
      `${url} answered 503`,
      `${url} answered 200`,
    ]);
  });

  it('fails with a verdict when the URL keeps failing', async () => {
    failures = 5;
    await expect(runAction(waitForHealthy, { url, tries: 2 })).rejects.toMatchObject({
      code: 'E_ACTION_FAILED',
      verdict: true,
      retry: { kind: '5xx' },
    });
  });

  it('is refused input the engine would refuse', async () => {
    await expect(runAction(waitForHealthy, { url: 'ftp://example.com' })).rejects.toMatchObject({
      code: 'E_ACTION_INPUT',
      message: 'input does not match demo.waitForHealthy: /url must match pattern "^https?://"',
    });
  });

  it('times out as its step would, and stops waiting', async () => {
    failures = 5;
    await expect(runAction(waitForHealthy, { url, tries: 5 }, { timeout: '25s' })).rejects.toThrow(
      'demo.waitForHealthy: no answer within 25s',
    );
  });

  it('never logs a secret: the token is redacted in every line', async () => {
    failures = 0;
    const token = 'tok-9f2Kq7Zx';
    const ctx = createTestContext({ secrets: { healthToken: token } });
    await runAction(waitForHealthy, { url, token }, { context: ctx });
    expect(ctx.logs[0]?.fields).toEqual({ attempt: 1, headers: { authorization: 'Bearer [redacted]' } });
    expect(JSON.stringify(ctx.logs)).not.toContain(token);
  });

  it('stops when cancelled', async () => {
    failures = 5;
    const ctx = createTestContext();
    ctx.clock.setTimeout(() => ctx.abort(new Error('cancelled')), 5_000);
    await expect(runAction(waitForHealthy, { url }, { context: ctx })).rejects.toThrow('cancelled');
  });
});

describe('a playbook using it', () => {
  const playbook = {
    firstline: 1,
    name: 'web-health',
    checks: [
      { id: 'health', action: 'demo.waitForHealthy', with: { url: 'https://app.example.com/health' } },
    ],
    remediate: [{ id: 'restart', action: 'web.restart' }],
    recheck: { after: '2m' },
    notify: { unrecovered: [{ action: 'pager.alert' }] },
  };

  it('restarts once and recovers when the check fails, then passes', async () => {
    await expectScenario(playbook, {
      outcomes: { health: ['fail', 'pass'] },
      standIns: { 'web.restart': 'remediation', 'pager.alert': 'notify' },
      expect: {
        outcome: 'recovered',
        actions: ['demo.waitForHealthy', 'web.restart', 'demo.waitForHealthy'],
        path: ['health:fail', 'restart:pass', 'recheck', 'health:pass'],
      },
    });
  });

  it('pages when the restart does not help', async () => {
    await expectScenario(playbook, {
      outcomes: { health: 'fail' },
      expect: { outcome: 'unrecovered', calls: { 'web.restart': 1, 'pager.alert': 1 } },
    });
  });
});

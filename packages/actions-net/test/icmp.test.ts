import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ActionError } from '@firstline/core';
import { createIcmpPing, pingArgs } from '@firstline/actions-net';
import { runLive, liveContext } from './support.js';

// Whether this machine lets us ping at all (CAP_NET_RAW, setcap ping or ping_group_range).
const probe = spawnSync('ping', ['-n', '-c', '1', '-W', '1', '127.0.0.1'], { encoding: 'utf8' });
const canPing = probe.status === 0;
if (!canPing)
  console.warn(
    `\n*** icmp.ping live tests SKIPPED: ping 127.0.0.1 is not possible here (${(probe.stderr || probe.error?.message || '').trim()}) ***\n`,
  );

const ping = createIcmpPing();

describe('icmp.ping arguments', () => {
  it('passes count, interval, per-reply wait and a deadline, numeric output, no shell', () => {
    expect(pingArgs({ host: '10.0.0.1', count: 5, interval: '200ms', timeout: '1s', family: 4 })).toEqual([
      '-n',
      '-4',
      '-c',
      '5',
      '-i',
      '0.2',
      '-W',
      '1',
      '-w',
      '2',
      '10.0.0.1',
    ]);
    expect(pingArgs({ host: 'db-1' })).toEqual(['-n', '-c', '3', '-i', '1', '-W', '2', '-w', '5', 'db-1']);
  });
});

describe('icmp.ping with a missing binary', () => {
  it('says ping is missing and how to fix it, not retryable', async () => {
    const error = await createIcmpPing({ pingPath: '/nonexistent/ping' })
      .run({ host: '127.0.0.1' }, liveContext())
      .then(
        () => expect.fail('expected a failure'),
        (e: unknown) => e as ActionError,
      );
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toContain('ping binary not found at "/nonexistent/ping" (ENOENT)');
    expect(error.retry.retryable).toBe(false);
  });
});

describe.skipIf(!canPing)('icmp.ping against 127.0.0.1 (real ping)', () => {
  it('reports sent/received, loss and min/avg/max/p90 from each reply', async () => {
    const output = await ping.run(
      { host: '127.0.0.1', count: 3, interval: '200ms', timeout: '1s' },
      liveContext(),
    );
    expect(output).toMatchObject({
      host: '127.0.0.1',
      address: '127.0.0.1',
      sent: 3,
      received: 3,
      lossPercent: 0,
    });
    expect(output.rttsMs).toHaveLength(3);
    expect(output.minMs).toBeLessThanOrEqual(output.avgMs!);
    expect(output.p90Ms).toBeLessThanOrEqual(output.maxMs!);
    expect(output.latencyMs).toBe(output.avgMs);
  });

  it('reports an unknown host clearly', async () => {
    const error = await ping.run({ host: 'no-such-host.invalid', count: 1 }, liveContext()).then(
      () => expect.fail('expected a failure'),
      (e: unknown) => e as ActionError,
    );
    expect(error.message).toMatch(
      /ping no-such-host\.invalid: (unknown host \(ENOTFOUND\)|temporary name resolution failure)/,
    );
  });

  it('runs through the engine with expect over its output', async () => {
    const result = await runLive(
      {
        firstline: 1,
        name: 'ping',
        steps: [
          {
            id: 'lo',
            action: 'icmp.ping',
            with: { host: '127.0.0.1', count: 2, interval: '200ms', maxLoss: 0 },
            expect: 'output.lossPercent = 0 and output.p90Ms < 50',
          },
        ],
      },
      [ping],
    );
    expect(result.steps.lo?.outcome).toBe('pass');
  });
});

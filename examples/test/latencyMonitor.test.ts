import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createVirtualClock } from '@firstline/core';
import { startLatencyMonitor } from '../src/latencyMonitor.js';

// Seed 4 end to end on loopback: a real HTTP server and TCP port, the system resolver for `localhost`,
// ping 127.0.0.1 (a failure counter where ICMP is not permitted), ticks driven by a virtual clock.

let web: Server;
beforeAll(async () => {
  web = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => web.close(resolve));
});

describe('the latency monitor example (seed 4)', () => {
  test('exports SLO-bucketed histograms and health counters for every target on /metrics', async () => {
    const { port } = web.address() as AddressInfo;
    const clock = createVirtualClock();
    const { monitor, server } = await startLatencyMonitor(
      {
        url: `http://127.0.0.1:${port}/health`,
        tcp: { host: '127.0.0.1', port },
        dns: { name: 'localhost' },
        ping: '127.0.0.1',
      },
      { port: 0, clock },
    );
    try {
      clock.advance(0); // the first round is due at start
      await monitor.idle();
      clock.advance(15_000); // and the next one 15 s later, on the virtual clock
      await monitor.idle();
      const text = await (await fetch(server.url)).text();
      // Two rounds of the HTTP and TCP checks, each bucketed around its own SLO (300 ms, 50 ms).
      expect(text).toMatch(/^http_response_time_seconds_count\{target="app"\} 2$/m);
      expect(text).toMatch(/^http_response_time_seconds_bucket\{le="0\.3",target="app"\} \d+$/m);
      expect(text).toMatch(/^tcp_connect_time_seconds_count\{target="db"\} 2$/m);
      expect(text).toMatch(/^tcp_connect_time_seconds_bucket\{le="0\.05",target="db"\} \d+$/m);
      expect(text).toMatch(/^http_health_check_total\{target="app",status="success"\} 2$/m);
      expect(text).toMatch(/^dns_health_check_total\{target="resolver",status="success"\} 2$/m);
      // ICMP may be refused in a container; either way the attempt is counted.
      expect(text).toMatch(/^ping_health_check_total\{target="gateway",status="(success|failure)"\} 2$/m);
    } finally {
      monitor.stop();
      await server.close();
    }
  });
});

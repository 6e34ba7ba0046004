import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { firstline, requireBuiltBin } from './subprocess.js';

// The built bin as a real process: it serves /metrics until a signal, then stops cleanly (exit 0,
// no stack, port closed). The first probe round is due at start, so nothing waits on an interval.

let dir: string;
let web: Server;
let config: string;

beforeAll(async () => {
  requireBuiltBin();
  dir = await mkdtemp(join(tmpdir(), 'firstline-monitor-bin-'));
  web = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const { port } = web.address() as AddressInfo;
  config = join(dir, 'latency.yaml');
  await writeFile(
    config,
    `port: 0\ntargets:\n  - { kind: http, name: app, input: { url: "http://127.0.0.1:${port}/health" }, slo: 300ms }\n`,
  );
});
afterAll(async () => {
  await new Promise((resolve) => web.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('firstline monitor, the built bin', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    it(`serves SLO-bucketed histograms and stops cleanly on ${signal}: exit 0, port closed`, async () => {
      let url: string | undefined;
      let served: (url: string) => void;
      const serving = new Promise<string>((resolve) => (served = resolve));
      let child: ChildProcess | undefined;
      const exit = firstline(['monitor', config], {}, (text, spawned) => {
        child = spawned;
        const found = /^serving (http:\/\/\S+\/metrics) {2}watching http app \(slo 300ms, every 15s\)/m.exec(
          text,
        );
        if (found && url === undefined) served((url = found[1]!));
      });
      const metrics = await serving;
      await vi.waitFor(
        async () => {
          const text = await (await fetch(metrics)).text();
          expect(text).toMatch(/^http_response_time_seconds_count\{target="app"\} 1$/m);
          expect(text).toMatch(/^http_response_time_seconds_bucket\{le="0\.3",target="app"\} \d+$/m);
        },
        { timeout: 10_000, interval: 50 },
      );
      child!.kill(signal);
      const ended = await exit;
      expect(ended).toMatchObject({ code: 0, signal: null });
      expect(ended.stderr).toContain('monitor stopped');
      expect(ended.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
      await expect(fetch(metrics)).rejects.toThrow();
    });
});

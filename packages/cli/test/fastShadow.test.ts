import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapturingIo } from '../src/io.js';
import { installedActions } from '../src/installedActions.js';
import { runCli } from '../src/runCli.js';
import { FIXTURES } from './support.js';

// `firstline run --shadow --fast`: the 10-minute wait passes on a virtual clock while the HTTP checks
// are real requests to a local server; a slow answer is waited for, a hung one times out in real time.

let server: Server;
let base: string;
let store: string;
const served: string[] = [];
const hung = new Set<() => void>();

beforeAll(async () => {
  store = await mkdtemp(join(tmpdir(), 'firstline-fast-'));
  server = createServer((req, res) => {
    served.push(req.url ?? '');
    // A slow answer (250 ms): the clock must not jump to the step's timeout while it is in flight.
    if (req.url === '/slow') {
      const timer = setTimeout(() => res.end('ok'), 250);
      hung.add(() => clearTimeout(timer));
    } else if (req.url === '/hang') hung.add(() => res.destroy());
    else res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const stop of hung) stop();
  await new Promise((resolve) => server.close(resolve));
  await rm(store, { recursive: true, force: true });
});

async function fastShadow(path: string, extra: string[] = []) {
  served.length = 0;
  const io = createCapturingIo({ cwd: FIXTURES, env: {} });
  const { actions } = await installedActions({});
  const argv = ['run', 'fast/fast-shadow.yaml', '-i', `url=${base}${path}`, '--store', store, ...extra];
  const started = Date.now();
  const code = await runCli(argv, { io, actions });
  return { code, stdout: io.stdout(), stderr: io.stderr(), realMs: Date.now() - started };
}

describe('firstline run --shadow --fast', () => {
  it('a 10-minute wait passes at once, both checks really ran (one slow), the run recovers', async () => {
    const { code, stdout, stderr, realMs } = await fastShadow('/slow', ['--shadow', '--fast']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(served).toEqual(['/slow', '/slow']);
    expect(stdout).toContain('fast: waits pass at once on a virtual clock');
    expect(stdout).toMatch(/outcome {2}recovered in 10m/);
    expect(realMs).toBeLessThan(60_000);
  });

  it('a probe that hangs still times out after its real timeout', async () => {
    const { code, stdout } = await fastShadow('/hang', ['--shadow', '--fast']);
    expect(code).toBe(1);
    expect(served).toEqual(['/hang']);
    expect(stdout).toMatch(/outcome {2}unrecovered in [0-9.]+s/);
  });

  it('--fast without --shadow is a usage error (exit 2): a live run waits for real', async () => {
    const { code, stderr } = await fastShadow('/slow', ['--fast']);
    expect(code).toBe(2);
    expect(stderr).toContain('--fast needs --shadow');
    expect(served).toEqual([]);
  });
});

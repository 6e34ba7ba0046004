import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createFastClock } from '@firstline/core';
import { createCapturingIo, runCli } from '@firstline/cli';
import { startLookalikes } from '../standins/lookalikes.js';
import { recordedEc2Calls, seed } from '../standins/seed.js';

// docs/guides/local-standins.md end to end: moto_server, the seed, the look-alikes, and
// `firstline run examples/playbooks/ec2-first-line.yaml` pointed at them by environment variables
// only. In-process on a fast clock, so the playbook's 2-minute recheck passes at once; every call is real.

const PLAYBOOK = fileURLToPath(new URL('../playbooks/ec2-first-line.yaml', import.meta.url));
const hasMoto = spawnSync('moto_server', ['--help']).status === 0;
if (!hasMoto) {
  if (process.env.CI === 'true') throw new Error('moto_server is not on PATH (required under CI=true)');
  console.warn('\n*** examples: moto_server is not on PATH; the local stand-ins guide test is SKIPPED ***\n');
}

let dir: string;
let moto: ChildProcess | undefined;
let endpoint: string;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  if (!hasMoto) return;
  // moto's request recorder writes into its working directory: a scratch one.
  dir = await mkdtemp(join(tmpdir(), 'firstline-standins-'));
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { cwd: dir, stdio: 'ignore' });
  await vi.waitFor(
    async () => {
      expect((await fetch(`${endpoint}/moto-api/`)).ok).toBe(true);
    },
    { timeout: 30_000, interval: 100 },
  );
}, 40_000);
afterAll(async () => {
  if (moto && moto.exitCode === null) {
    moto.kill('SIGTERM');
    await new Promise((resolve) => moto!.once('exit', resolve));
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The guide's step 4: seed moto, then `firstline run` ec2-first-line with the look-alikes' variables. */
async function runGuide(lookalikes: Awaited<ReturnType<typeof startLookalikes>>) {
  const { instanceId, healthCheckId } = await seed(endpoint);
  expect(instanceId).toMatch(/^i-[0-9a-f]+$/);
  // The AWS SDK reads its endpoint and credentials from the process environment.
  vi.stubEnv('AWS_ENDPOINT_URL', endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  const io = createCapturingIo({
    cwd: dir,
    env: { ...process.env, AWS_REGION: 'us-east-1', ...lookalikes.env },
  });
  const argv = ['run', PLAYBOOK, '-i', `instanceId=${instanceId}`, '-i', `url=${lookalikes.appUrl}`];
  const code = await runCli([...argv, '-i', `healthCheckId=${healthCheckId}`], {
    io,
    host: { clock: createFastClock() },
  });
  return { code, instanceId, stdout: io.stdout(), output: io.stdout() + io.stderr() };
}

describe.skipIf(!hasMoto)('the local stand-ins guide', () => {
  test('seed, look-alikes, run: the reboot reaches moto and the recovery reaches the Slack look-alike', async () => {
    const log: string[] = [];
    const lookalikes = await startLookalikes({ log: (line) => log.push(line) });
    try {
      const { code, instanceId, stdout, output } = await runGuide(lookalikes);
      expect(code, output).toBe(0);
      expect(stdout).toMatch(/^outcome {2}recovered/m);
      expect(await recordedEc2Calls(endpoint)).toContain(`RebootInstances ${instanceId}`);
      expect(lookalikes.slack.messages).toMatchObject([
        { channel: 'C0OPS0001', text: `ec2-first-line: ${instanceId} recovered after reboot` },
      ]);
      expect(log).toEqual([
        'app       GET /health 503',
        'app       GET /health 200',
        `slack     C0OPS0001  ec2-first-line: ${instanceId} recovered after reboot`,
      ]);
    } finally {
      vi.unstubAllEnvs();
      await lookalikes.close();
    }
  }, 60_000);

  test('the unrecovered variation (--app-fails 5): the alert reaches the OpsGenie look-alike, exit 1', async () => {
    const log: string[] = [];
    const lookalikes = await startLookalikes({ appFails: 5, log: (line) => log.push(line) });
    try {
      const { code, instanceId, stdout, output } = await runGuide(lookalikes);
      expect(code, output).toBe(1);
      expect(stdout).toMatch(/^outcome {2}unrecovered/m);
      expect(lookalikes.opsgenie.alerts).toMatchObject([
        { alias: instanceId, message: `${instanceId} still unhealthy after reboot` },
      ]);
      expect(log).toContain(
        `opsgenie  POST /v2/alerts 202  ${instanceId}  ${instanceId} still unhealthy after reboot`,
      );
      expect(lookalikes.slack.messages).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
      await lookalikes.close();
    }
  }, 60_000);
});

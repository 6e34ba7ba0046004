// Starts the real servers the integration tests need, on loopback ports the OS picks: OpenSSH's
// sshd with a throwaway host key and an authorized test key, and a Prometheus server over a TSDB
// backfilled (promtool) with known series. Missing binaries skip those suites loudly, except
// under CI=true, where they are failures.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import type { PrometheusFixture, SshFixture } from './support.js';

const run = promisify(execFile);
const SSHD = process.env.FIRSTLINE_SSHD ?? '/usr/sbin/sshd';
const PROMETHEUS = process.env.FIRSTLINE_PROMETHEUS ?? 'prometheus';
const PROMTOOL = process.env.FIRSTLINE_PROMTOOL ?? 'promtool';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'firstline-net-'));
  const children: ChildProcess[] = [];
  const ssh = await startSshd(dir, children).catch((error: unknown) => unavailable('sshd', error));
  const prometheus = await startPrometheus(dir, children).catch((error: unknown) =>
    unavailable('prometheus', error),
  );
  project.provide('ssh', ssh);
  project.provide('prometheus', prometheus);
  return async () => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : Promise.resolve())),
    );
    await rm(dir, { recursive: true, force: true });
  };
}

function unavailable(what: string, error: unknown): { skip: string } {
  const reason = `${what} unavailable: ${error instanceof Error ? error.message : String(error)}`;
  if (process.env.CI === 'true') throw new Error(`${reason} (required under CI=true)`);
  console.warn(`\n*** @firstline/actions-net: ${reason}; its integration tests are SKIPPED ***\n`);
  return { skip: reason };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function keygen(
  path: string,
  type: 'ed25519' | 'rsa',
): Promise<{ publicLine: string; fingerprint: string }> {
  await run('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '2048'] : []),
    '-N',
    '',
    '-C',
    'firstline-test',
    '-f',
    path,
  ]);
  const publicLine = (await readFile(`${path}.pub`, 'utf8')).trim();
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`]);
  return { publicLine, fingerprint: stdout.split(' ')[1]! };
}

/** Rejects when the child exits or cannot start, with the end of what it printed: a server that died. */
function exited(child: ChildProcess, what: string): Promise<never> {
  let output = '';
  const onData = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000));
  child.stderr?.on('data', onData);
  child.stdout?.on('data', onData);
  return new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${output.slice(-500)}`)));
    child.once('error', reject);
  });
}

async function startSshd(root: string, children: ChildProcess[]): Promise<SshFixture> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} not found (apt-get install openssh-server)`);
  const dir = join(root, 'ssh');
  await mkdir(dir);
  // sshd refuses to start without its privilege-separation directory.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const ed25519 = await keygen(join(dir, 'host_ed25519'), 'ed25519');
  const rsa = await keygen(join(dir, 'host_rsa'), 'rsa');
  const other = await keygen(join(dir, 'other_host'), 'ed25519');
  const client = await keygen(join(dir, 'client'), 'ed25519');
  await writeFile(join(dir, 'authorized_keys'), `${client.publicLine}\n`, { mode: 0o600 });
  const user = userInfo().username;
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    await writeFile(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_ed25519')}`,
        `HostKey ${join(dir, 'host_rsa')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'UsePAM no',
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin prohibit-password',
        `AllowUsers ${user}`,
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      // Ready when the port answers with its SSH banner.
      await Promise.race([waitForPort(port), exited(child, 'sshd')]);
      children.push(child);
      return {
        port,
        user,
        dir,
        privateKey: await readFile(join(dir, 'client'), 'utf8'),
        hostKeyLine: ed25519.publicLine,
        rsaHostKeyLine: rsa.publicLine,
        hostFingerprint: ed25519.fingerprint,
        otherFingerprint: other.fingerprint,
        otherHostKeyLine: other.publicLine,
      };
    } catch (error) {
      child.kill('SIGTERM');
      if (tries >= 2) throw error;
    }
  }
}

async function waitForPort(port: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('data', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing answered on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The series backfilled into Prometheus: per `kind`, the value at sample i (15 s apart). */
const SERIES: Record<string, (i: number) => number> = {
  web: (i) => 50 + (i % 3), // swings by 2
  db: (i) => 100 + (i % 4) * 10, // swings by 30: the outlier
  cache: () => 70, // flat
};

async function startPrometheus(root: string, children: ChildProcess[]): Promise<PrometheusFixture> {
  const dir = join(root, 'prometheus');
  await mkdir(dir);
  const now = Math.floor(Date.now() / 1000);
  const lines = ['# HELP node_load_test A test gauge.', '# TYPE node_load_test gauge'];
  // From 10 minutes before the setup to an hour after it. Tests with a fixed clock query the window
  // ending at `nowMs`; the CLI's end-to-end run queries the 5 minutes before the real time, and when the
  // series ended at the setup's instant, a run more than 5 minutes later (a loaded machine) found none.
  for (let i = 0; i <= 40 + 240; i++) {
    const t = now - 600 + i * 15;
    for (const [kind, value] of Object.entries(SERIES))
      lines.push(`node_load_test{instance="${kind}:9100",kind="${kind}"} ${value(i)} ${t}`);
  }
  lines.push('# EOF', '');
  await writeFile(join(dir, 'data.om'), lines.join('\n'));
  await run(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'data.om'), join(dir, 'tsdb')]);
  await writeFile(join(dir, 'prometheus.yml'), 'global: { scrape_interval: 1m }\nscrape_configs: []\n');
  const port = await freePort();
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitForReady(`${url}/-/ready`), exited(child, 'prometheus')]);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  children.push(child);
  return { url, nowMs: now * 1000 };
}

async function waitForReady(url: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready in ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

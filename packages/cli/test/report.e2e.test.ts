import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { launchInstance } from '../../actions-aws/test/moto/launch.js';
import type { LaunchedInstance } from '../../actions-aws/test/moto/launch.js';
import type { PrometheusFixture, SshFixture } from '../../actions-net/test/support.js';
import { firstline, requireBuiltBin } from './subprocess.js';

// Seed scenario 3 live, end to end with the built bin: a backfilled Prometheus picks the outlier
// series (kind=db), moto finds the one running instance tagged kind=db, then a real sshd lists the
// core file, removes it and confirms it gone. The report of the stored run, in Markdown and in HTML,
// must show that evidence and list only the `rm` as a change.
//
// The example playbook is used as it is, but for where its hosts are: the instance's private address
// (10.x in moto) is not reachable here, so the TCP and SSH steps point at the local sshd instead, and the
// key comes from the environment rather than SSM.

const EXAMPLE = fileURLToPath(
  new URL('../../../examples/playbooks/prometheus-core-dump.yaml', import.meta.url),
);
const endpoint = inject('motoEndpoint');
const sshProvided = inject('ssh');
const promProvided = inject('prometheus');
const skip = !endpoint
  ? 'moto_server unavailable'
  : 'skip' in sshProvided
    ? sshProvided.skip
    : 'skip' in promProvided
      ? promProvided.skip
      : undefined;
if (skip) console.warn(`\n*** the seed-3 report end-to-end test is SKIPPED: ${skip} ***\n`);

type Step = { id: string; action?: string; with?: Record<string, unknown> };

(skip ? describe.skip : describe)('report of a live seed-3 run (Prometheus → moto EC2 → sshd)', () => {
  const sshd = sshProvided as SshFixture;
  const prom = promProvided as PrometheusFixture;
  let dir: string;
  let instance: LaunchedInstance;
  let markdown: string;
  let html: string;
  const core = () => join(dir, 'core');

  beforeAll(async () => {
    requireBuiltBin();
    dir = await mkdtemp(join(tmpdir(), 'firstline-report-'));
    instance = await launchInstance(endpoint, { kind: 'db' });
    const knownHosts = join(dir, 'known_hosts');
    const key = sshd.hostKeyLine.split(' ').slice(0, 2).join(' ');
    await writeFile(knownHosts, `[127.0.0.1]:${sshd.port} ${key}\n`);
    const playbook = parse(await readFile(EXAMPLE, 'utf8')) as { secrets: unknown; steps: Step[] };
    playbook.secrets = { sshKey: { env: 'FIRSTLINE_E2E_SSH_KEY' } };
    for (const step of playbook.steps) {
      if (step.action === 'tcp.check') Object.assign(step.with!, { host: '127.0.0.1', port: sshd.port });
      if (step.action === 'ssh.exec')
        Object.assign(step.with!, { host: '127.0.0.1', port: sshd.port, knownHosts });
    }
    const file = join(dir, 'seed-3.yaml');
    await writeFile(file, JSON.stringify(playbook, null, 2));
    await writeFile(core(), 'core dump\n');
    const store = join(dir, 'runs');
    const run = await firstline(
      [
        'run',
        file,
        ...['-i', `prometheusUrl=${prom.url}`],
        ...['-i', 'query=node_load_test'],
        ...['-i', `coreFile=${core()}`],
        ...['-i', `sshUser=${sshd.user}`],
        ...['--store', store],
      ],
      {
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: 'fake-access-key',
        AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
        FIRSTLINE_E2E_SSH_KEY: sshd.privateKey,
      },
    );
    expect(run.stdout + run.stderr).toMatch(/recovered/);
    expect(run.code).toBe(0);
    const [record] = await readdir(store);
    const md = await firstline(['report', join(store, record!)]);
    expect(md.code).toBe(0);
    markdown = md.stdout;
    const page = await firstline(['report', join(store, record!), '--format', 'html']);
    expect(page.code).toBe(0);
    html = page.stdout;
  }, 60_000);

  afterAll(async () => {
    instance?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the run really removed the core file', () => {
    expect(existsSync(core())).toBe(false);
  });

  it.each([
    ['Markdown', () => markdown],
    ['HTML', () => html],
  ])('%s: shows the picked series, the instance found and the ls -l line', (_format, text) => {
    // The picked series' labels (HTML escapes the quotes of the JSON).
    expect(text()).toMatch(/(&#34;|")instance(&#34;|"): (&#34;|")db:9100(&#34;|")/);
    expect(text()).toContain(instance.instanceId);
    // `ls -l` of the 10-byte core file, as the SSH step's output holds it.
    expect(text()).toMatch(new RegExp(`-rw[-rwx]{7}\\S* +1 +${sshd.user} +\\S+ +10 [^\\n]*${core()}`));
    // Inputs in full: the core file's path is never cut short.
    expect(text()).toContain(core());
    expect(text()).not.toContain(sshd.privateKey.split('\n')[1]!);
  });

  it('lists only the rm as a change, in Markdown and in HTML', () => {
    const mdChanged = markdown.split('### What changed')[1]!.split('\n### ')[0]!.trim().split('\n');
    expect(mdChanged).toHaveLength(1);
    expect(mdChanged[0]).toMatch(/ remove-core: ssh\.exec|remove-core: .*rm -f --/);
    expect(mdChanged[0]).toContain(`rm -f -- ${core()}`);
    const htmlChanged = html.split('<h2>What changed</h2>')[1]!.split('<h2>')[0]!;
    expect(htmlChanged.match(/<li>/g)).toHaveLength(1);
    expect(htmlChanged).toContain('remove-core');
    expect(htmlChanged).toContain(`rm -f -- ${core()}`);
    for (const looked of ['core-present', 'core-gone', 'reachable', 'find', 'outlier']) {
      expect(mdChanged.join('\n')).not.toContain(looked);
      expect(htmlChanged).not.toContain(looked);
    }
  });
});

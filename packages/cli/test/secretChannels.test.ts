import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '@firstline/core';
import { createCapturingIo, runCli } from '@firstline/cli';
import { findLeaks } from '../../core/test/engine/leakScan.js';
import { SLACK_TOKEN, startMockSlack } from '../../notifiers/test/support/mockSlack.js';
import type { MockSlack } from '../../notifiers/test/support/mockSlack.js';
import { GITHUB_TOKEN, startMockGithub } from '../../notifiers/test/support/mockGithub.js';
import type { MockGithub } from '../../notifiers/test/support/mockGithub.js';
import { OPSGENIE_KEY, startMockOpsgenie } from '../../notifiers/test/support/mockOpsgenie.js';
import type { MockOpsgenie } from '../../notifiers/test/support/mockOpsgenie.js';

// Issue 15, item 3, end to end: a playbook whose target echoes the secret back, cut where the project
// cuts text, and whose templates transform it every way JSONata can. No channel a person or another
// system sees may hold it in any form: the CLI's output, the stored record, the report, Slack's requests.

const TOKEN = 'fl-SeCrEt-9f2Kq7Zx';
const RECHECK_MS = 60_000;

/**
 * Real time, except that the recheck's 1-minute wait passes at once. A virtual clock is no use here:
 * it jumps to the next timer whenever the loop is idle, and real HTTP leaves it idle mid-request.
 * The wait's deadline is absolute, so the timer it arms is a minute less the milliseconds already
 * gone (59,999 on a busy machine): match a window, not exactly 60,000, or the test waits a real minute.
 */
function recheckSkippingClock(): Clock {
  let skipped = 0;
  return {
    now: () => Date.now() + skipped,
    setTimeout: (fn, ms) => {
      if (ms <= RECHECK_MS - 5_000 || ms > RECHECK_MS) return setTimeout(fn, ms);
      skipped += ms;
      return setTimeout(fn, 0);
    },
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

/** A target echoing the Authorization header: 503 (quoted to 160 characters), then 200 (excerpt 1,024), in turn. */
function startEchoTarget(): Promise<{ server: Server; url: string }> {
  let calls = 0;
  const server = createServer((req, res) => {
    const auth = String(req.headers.authorization ?? '');
    const derived = `${Buffer.from(auth).toString('base64')} ${Buffer.from(auth).toString('hex')} ${auth.toUpperCase()}`;
    calls += 1;
    if (calls % 2 === 1) {
      // 141 + 7 ("Bearer ") puts the secret across the 160th character of the error's quote.
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end(`${'e'.repeat(140)} ${auth} ${derived}`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${'o'.repeat(1010)} ${auth} ${derived} ${JSON.stringify({ auth })}`);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}/health` });
    }),
  );
}

function playbookYaml(target: string, slackApi: string, genieApi: string, githubApi: string): string {
  const forms =
    '{{ $base64encode("Bearer " & secrets.tok) }} {{ $lowercase(secrets.tok) }} {{ $encodeUrlComponent(secrets.tok) }}';
  const post = (when: string) => `
    - id: tell-${when}
      action: slack.post
      with:
        channel: '#ops'
        baseUrl: ${slackApi}
        text: '${when}: ${forms}'`;
  return `firstline: 1
name: secret-channels
timeout: 10m
defaults: { timeout: 20s }
secrets:
  tok: { env: API_TOKEN }
checks:
  - id: health
    action: http.check
    with:
      url: ${target}
      headers:
        authorization: 'Bearer {{ secrets.tok }}'
        x-basic: 'Basic {{ $base64encode("svc:" & secrets.tok) }}'
remediate:
  - id: say
    action: core.log
    with: { message: '{{ $uppercase(secrets.tok) }} {{ $string({"t": secrets.tok}) }} {{ $substring(secrets.tok, 0, 9) }}' }
recheck: { rounds: 1, after: 1m }
notify:
  recovered:${post('recovered')}
    - id: page
      action: opsgenie.createAlert
      with:
        baseUrl: ${genieApi}
        message: 'recovered: ${forms}'
        description: '{{ $string(steps.health.output) }}'
    - id: issue
      action: github.createIssue
      with:
        baseUrl: ${githubApi}
        repo: acme/ops
        title: 'recovered: {{ $uppercase(secrets.tok) }}'
        body: '${forms} {{ $string({"t": secrets.tok}) }}'
  unrecovered:${post('unrecovered')}
`;
}

describe('a secret echoed through every channel, in every form', () => {
  let dir: string;
  let target: { server: Server; url: string };
  let slack: MockSlack;
  let genie: MockOpsgenie;
  let github: MockGithub;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firstline-secret-channels-'));
    target = await startEchoTarget();
    slack = await startMockSlack();
    genie = await startMockOpsgenie();
    github = await startMockGithub();
  });
  afterAll(async () => {
    await new Promise((resolve) => target.server.close(resolve));
    await slack.close();
    await genie.close();
    await github.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("leaves no trace of it in the CLI output, the record, the report or the notifiers' requests", async () => {
    await writeFile(
      join(dir, 'playbook.yaml'),
      playbookYaml(target.url, slack.apiUrl, genie.url, github.url),
    );
    const store = join(dir, 'runs');
    const env = { API_TOKEN: TOKEN, SLACK_TOKEN, OPSGENIE_API_KEY: OPSGENIE_KEY, GITHUB_TOKEN };
    const cli = async (argv: string[]) => {
      const io = createCapturingIo({ cwd: dir, env });
      const code = await runCli(argv, { io, host: { clock: recheckSkippingClock() } });
      return { code, out: io.stdout() + io.stderr() };
    };

    const human = await cli(['run', 'playbook.yaml', '--store', store]);
    const json = await cli(['run', 'playbook.yaml', '--store', store, '--json']);
    const records = await readdir(store);
    const files = await Promise.all(records.map((name) => readFile(join(store, name), 'utf8')));
    const md = await cli([
      'report',
      join(
        store,
        records.find((n) => n.endsWith('.json'))!,
      ),
    ]);
    const html = await cli([
      'report',
      join(
        store,
        records.find((n) => n.endsWith('.json'))!,
      ),
      '--format',
      'html',
    ]);

    // The run took the path that echoes: a failed check quoting the secret, a remediation, a passing
    // recheck with the body excerpt, a Slack post.
    const result = JSON.parse(json.out.slice(json.out.indexOf('{'))) as { outcome: string };
    expect([human.code, json.code, md.code, html.code]).toEqual([0, 0, 0, 0]);
    expect(result.outcome).toBe('recovered');
    expect(slack.messages.length, json.out).toBe(2);
    expect(genie.alerts.length, json.out).toBeGreaterThan(0);
    expect(github.issues.length, json.out).toBeGreaterThan(0);
    expect(json.out).toContain('[redacted]');

    const channels: Record<string, string> = {
      'run output': human.out,
      'run --json': json.out,
      'stored records': files.join('\n'),
      'report md': md.out,
      'report html': html.out,
      ...Object.fromEntries(
        Object.entries({ slack, genie, github }).map(([name, mock]) => [
          `${name} requests`,
          JSON.stringify(mock.requests.map((r) => ({ path: r.path, text: r.text, query: String(r.query) }))),
        ]),
      ),
    };
    for (const [channel, text] of Object.entries(channels))
      expect(findLeaks(text, TOKEN), channel).toEqual([]);
  });
});

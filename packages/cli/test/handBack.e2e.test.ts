import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { RunRecord, TraceEvent } from '@firstline/core';
import { launchInstance } from '../../actions-aws/test/moto/launch.js';
import type { LaunchedInstance } from '../../actions-aws/test/moto/launch.js';
import { SLACK_TOKEN, startMockSlack } from '../../notifiers/test/support/mockSlack.js';
import type { MockSlack } from '../../notifiers/test/support/mockSlack.js';
import { firstline, requireBuiltBin } from './subprocess.js';

// End to end, the built bin as a subprocess: a health check failing (a loopback server answering 503),
// a real aws.ec2.reboot of a moto instance (AWS_ENDPOINT_URL), a recheck wait, Slack posts to the
// notifiers' Slack look-alike. SIGTERM in the wait hands the run back; `resume --due`, called the way
// cron would, finishes it once due, or `cancel` ends it. No reboot and no post is ever made twice.

const endpoint = inject('motoEndpoint');
const PLAYBOOK = 'durable/reboot-first-line.yaml';
const TEST_MS = 60_000;

(endpoint ? describe : describe.skip)('a run handed back on SIGTERM (bin, moto, Slack look-alike)', () => {
  let slack: MockSlack;
  let instance: LaunchedInstance;
  let store: string;
  // The service the check probes: 503 until the test says the reboot fixed it.
  let healthy = false;
  let probes = 0;
  const target = createServer((_req, res) => {
    probes++;
    res.writeHead(healthy ? 200 : 503).end();
  });
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'fake-access-key',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    SLACK_TOKEN,
  };

  beforeAll(async () => {
    requireBuiltBin();
    slack = await startMockSlack();
    instance = await launchInstance(endpoint);
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  });
  beforeEach(async () => {
    store = await mkdtemp(join(tmpdir(), 'firstline-e2e-'));
    slack.reset();
    healthy = false;
    probes = 0;
  });
  afterEach(async () => {
    await rm(store, { recursive: true, force: true });
  });
  afterAll(async () => {
    instance?.close();
    await slack?.close();
    target.closeAllConnections();
    await new Promise((resolve) => target.close(resolve));
  });

  const inputs = () => [
    ...['-i', `instanceId=${instance.instanceId}`],
    ...['-i', `url=http://127.0.0.1:${(target.address() as AddressInfo).port}/health`],
    ...['-i', `slackUrl=${slack.apiUrl}`],
  ];
  const recordOf = async (runId: string) =>
    JSON.parse(await readFile(join(store, `${runId}.json`), 'utf8')) as RunRecord;
  const reboots = (trace: TraceEvent[]) =>
    trace.filter((e) => e.type === 'attempt.start' && e.step === 'reboot');
  const posts = () => slack.requests.filter((r) => r.path === '/api/chat.postMessage');

  /** Runs the playbook and sends SIGTERM once it is in its recheck wait: exit 3, the run stored. */
  async function handBackInWait(): Promise<{ runId: string; record: RunRecord }> {
    let sent = false;
    const run = await firstline(['run', PLAYBOOK, ...inputs(), '--store', store], env, (out, child) => {
      if (!sent && out.includes('wait      recheck until')) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    expect(sent).toBe(true);
    expect(run.stderr).toContain(
      'SIGTERM: handing the run back: it will be stored and can be finished with `firstline resume --due`',
    );
    expect(run.code).toBe(3);
    const [file] = (await readdir(store)).filter((name) => name.endsWith('.json'));
    const runId = file!.replace(/\.json$/, '');
    expect(run.stdout).toContain(`handed back  run ${runId} is stored in ${store}, not over`);
    const record = await recordOf(runId);
    expect(record.status).toBe('running');
    expect(record.trace.at(-1)).toMatchObject({ type: 'run.suspend', reason: 'signal' });
    const wait = record.trace.find((e) => e.type === 'wait.start');
    expect(wait).toMatchObject({ step: 'recheck' });
    expect(record.deadlines.wake).toBe((wait as { until: number }).until);
    expect(reboots(record.trace)).toHaveLength(1);
    expect(probes).toBe(1);
    expect(slack.messages).toEqual([]);
    return { runId, record };
  }

  it(
    'resume --due (as cron calls it) leaves it until its wake time, then finishes it: one reboot, one Slack post',
    async () => {
      const { runId, record } = await handBackInWait();
      const wake = record.deadlines.wake!;
      healthy = true; // the reboot worked
      let finished: Awaited<ReturnType<typeof firstline>> | undefined;
      // cron's loop, each call a fresh process, until 30 s past the wake time: a run that never comes due
      // fails the test. (Bounded by a count of calls, a fast machine made them all before the wake time.)
      while (!finished && Date.now() < wake + 30_000) {
        const calledAt = Date.now();
        const due = await firstline(['resume', '--due', '--store', store], env);
        if (due.stdout.includes('0 resumed')) {
          expect(calledAt).toBeLessThan(wake);
          expect(await recordOf(runId)).toEqual(record); // not due: not touched
        } else finished = due;
      }
      expect(finished?.stdout).toContain(`resumed  ${runId}  recovered`);
      expect(finished?.code).toBe(0);

      const done = await recordOf(runId);
      expect(done).toMatchObject({ status: 'done', outcome: 'recovered' });
      expect(reboots(done.trace)).toHaveLength(1);
      expect(done.journal.filter((e) => e.step === 'reboot').map((e) => e.status)).toEqual([
        'started',
        'done',
      ]);
      expect(probes).toBe(2); // the first check and the recheck, nothing repeated
      expect(posts()).toHaveLength(1);
      expect(slack.messages).toMatchObject([{ text: `${instance.instanceId} recovered after a reboot` }]);
      expect(await instance.state()).toBe('running');
    },
    TEST_MS,
  );

  it(
    'firstline cancel ends it instead: cancelled, and as it had rebooted, the unrecovered post goes out once',
    async () => {
      const { runId } = await handBackInWait();
      const cancelled = await firstline(['cancel', runId, '--store', store], env);
      expect(cancelled.stderr).toBe('');
      expect(cancelled.code).toBe(0);
      expect(cancelled.stdout).toMatch(/outcome {2}cancelled in /);
      const done = await recordOf(runId);
      expect(done).toMatchObject({ status: 'done', outcome: 'cancelled' });
      expect(reboots(done.trace)).toHaveLength(1);
      expect(probes).toBe(1);
      expect(posts()).toHaveLength(1);
      expect(slack.messages).toMatchObject([{ text: `${instance.instanceId} is cancelled after a reboot` }]);

      const again = await firstline(['resume', runId, '--store', store], env);
      expect(again.code).toBe(1);
      expect(again.stdout).toMatch(
        new RegExp(
          `^run ${runId} had already ended: outcome cancelled at .* UTC \\(.*\\); nothing was run\\n$`,
        ),
      );
      expect(posts()).toHaveLength(1);
    },
    TEST_MS,
  );
});

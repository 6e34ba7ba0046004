import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVirtualClock, VIRTUAL_CLOCK_START } from '@firstline/core';
import type { RunRecord } from '@firstline/core';
import { cli } from './support.js';
import type { FakeWorld } from './support.js';

// Handing a run back (the io's `suspend`: what the bin aborts on SIGTERM or a first Ctrl-C), then
// finishing it with `resume`, or ending it with `cancel`; in-process, fake actions, virtual time.
// The bin's signal handling itself is tested as a subprocess in bin.test.ts and handBack.e2e.test.ts.

const MIN = 60_000;
let store: string;
beforeEach(async () => {
  store = await mkdtemp(join(tmpdir(), 'firstline-handback-'));
});
afterEach(async () => {
  await rm(store, { recursive: true, force: true });
});

const readRecord = async (runId: string) =>
  JSON.parse(await readFile(join(store, `${runId}.json`), 'utf8')) as RunRecord;

/** Runs web-first-line (check fails, restart, 1-minute recheck) and hands it back 30 s into the wait. */
async function handedBack(world: FakeWorld = { statuses: [500, 200], calls: [] }) {
  const clock = createVirtualClock();
  const suspend = new AbortController();
  clock.setTimeout(() => suspend.abort(), 30_000);
  const run = await cli(['run', 'web-first-line.yaml', '-i', 'host=web-1', '--store', store], {
    world,
    clock,
    io: { suspend: suspend.signal },
  });
  // The store holds claims/ and locks/ beside the records: the run is the one .json file.
  const [file] = (await readdir(store)).filter((name) => name.endsWith('.json'));
  const runId = file!.replace(/\.json$/, '');
  return { run, runId, world };
}

describe('a run handed back', () => {
  it('is stored running with its wake time, says how to finish it, and exits 3', async () => {
    const { run, runId, world } = await handedBack();
    expect(run.code).toBe(3);
    expect(world.calls.map((c) => c.action)).toEqual(['test.web.check', 'test.host.restart']);
    const record = await readRecord(runId);
    expect(record.status).toBe('running');
    expect(record.trace.at(-1)).toMatchObject({ type: 'run.suspend', reason: 'signal' });
    const wake = record.deadlines.wake!;
    expect(wake).toBe(VIRTUAL_CLOCK_START + MIN);
    expect(run.stdout).toContain(`handed back  run ${runId} is stored in ${store}, not over`);
    expect(run.stdout).toContain(
      `its wait ends at ${new Date(wake).toISOString().slice(0, 19).replace('T', ' ')} UTC`,
    );
    expect(run.stdout).toContain(`finish it with: firstline resume --due --store ${store}`);
  });

  it('resume --due leaves it until its wake time, then finishes it without restarting again', async () => {
    const { runId } = await handedBack();
    const early = createVirtualClock({ startAt: VIRTUAL_CLOCK_START + 45_000 });
    const notYet = await cli(['resume', '--due', '--store', store], { clock: early });
    expect(notYet.stdout).toContain('0 resumed');
    const after: FakeWorld = { statuses: [200], calls: [] };
    const late = createVirtualClock({ startAt: VIRTUAL_CLOCK_START + MIN + 1 });
    const due = await cli(['resume', '--due', '--store', store], { world: after, clock: late });
    expect(due.code).toBe(0);
    expect(due.stdout).toContain(`resumed  ${runId}  recovered`);
    expect(after.calls.map((c) => c.action)).toEqual(['test.web.check', 'test.chat.post']);
    expect(await readRecord(runId)).toMatchObject({ status: 'done', outcome: 'recovered' });
  });

  it('firstline cancel ends it: the unrecovered notification goes out (a restart happened), exit 0', async () => {
    const { runId } = await handedBack();
    const after: FakeWorld = { statuses: [200], calls: [] };
    const cancelled = await cli(['cancel', runId, '--store', store], { world: after });
    expect(cancelled.stderr).toBe('');
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(/outcome {2}cancelled in /);
    expect(after.calls).toEqual([
      { action: 'test.chat.post', input: { token: 'fake-chat-token-123', text: 'web-1 is still down' } },
    ]);
    expect(await readRecord(runId)).toMatchObject({ status: 'done', outcome: 'cancelled' });

    const again = await cli(['cancel', runId, '--store', store, '--json'], { world: after });
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ alreadyEnded: { outcome: 'cancelled' } });
    const plain = await cli(['cancel', runId, '--store', store], { world: after });
    expect(plain.stdout).toMatch(
      new RegExp(
        `^run ${runId} had already ended: outcome cancelled at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(.*\\); nothing was cancelled\\n$`,
      ),
    );
    expect(after.calls).toHaveLength(1);
  });

  it('firstline cancel refuses a run a live process holds, naming it (exit 1), and an unknown id (exit 2)', async () => {
    const { runId } = await handedBack();
    // A live process on this host holds the run's lease: this test's own process stands in for it.
    const owner = `${hostname()}:${process.pid}:feedbeef`;
    await writeFile(
      join(store, `${runId}.lock`),
      JSON.stringify({ owner, pid: process.pid, host: hostname() }),
    );
    const world: FakeWorld = { statuses: [200], calls: [] };
    const busy = await cli(['cancel', runId, '--store', store], { world });
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`E_RUN_BUSY  run ${runId} is being run or resumed elsewhere right now`);
    expect(busy.stderr).toContain(`its lease is held by ${owner}`);
    expect(busy.stderr).toContain('cancel it where it runs');
    expect(world.calls).toEqual([]);
    expect((await readRecord(runId)).status).toBe('running');

    const missing = await cli(['cancel', 'no-such-run', '--store', store]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`E_RUN_NOT_FOUND  no run no-such-run in ${store}`);
  });
});

describe('the help of run and resume', () => {
  it('says what SIGTERM and Ctrl-C do, the exit code, and links the durability page, which is in this repository', async () => {
    const repo = fileURLToPath(new URL('../../../', import.meta.url));
    for (const command of ['run', 'resume']) {
      const { stdout } = await cli([command, '--help']);
      expect(stdout, command).toMatch(/SIGTERM .*Ctrl-C hands the run back/);
      expect(stdout, command).toContain('See docs/concepts/durability.md');
      expect(existsSync(join(repo, 'docs/concepts/durability.md'))).toBe(true);
    }
    expect((await cli(['--help'])).stdout).toContain('3 the run was handed back');
  });
});

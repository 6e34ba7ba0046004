import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVirtualClock, VIRTUAL_CLOCK_START } from '@firstline/core';
import type { RunRecord } from '@firstline/core';
import { cli } from './support.js';
import type { FakeWorld } from './support.js';

// `firstline approve` / `firstline deny`: a run stored waiting for approval is decided from the CLI,
// once; in-process, fake actions, virtual time, a file store.

const MIN = 60_000;
let store: string;
beforeEach(async () => {
  store = await mkdtemp(join(tmpdir(), 'firstline-approve-'));
});
afterEach(async () => {
  await rm(store, { recursive: true, force: true });
});

const readRecord = async (runId: string) =>
  JSON.parse(await readFile(join(store, `${runId}.json`), 'utf8')) as RunRecord;

/** Runs web-approve: the check fails, the restart waits for approval; the run is stored. */
async function waiting() {
  const world: FakeWorld = { statuses: [500, 200], calls: [] };
  const run = await cli(['run', 'web-approve.yaml', '-i', 'host=web-1', '--store', store], { world });
  const [file] = (await readdir(store)).filter((name) => name.endsWith('.json'));
  const runId = file!.replace(/\.json$/, '');
  return { run, runId, world, approval: `${runId}/restart.approval/1` };
}

const at = (ms: number) => createVirtualClock({ startAt: VIRTUAL_CLOCK_START + ms });

describe('a run waiting for approval, decided from the CLI', () => {
  it('is stored, asks once, and says how to decide (exit 3)', async () => {
    const { run, runId, world, approval } = await waiting();
    expect(run.code).toBe(3);
    expect(world.calls.map((c) => c.action)).toEqual(['test.web.check', 'test.chat.post']);
    expect(world.calls[1]!.input).toMatchObject({ text: `Restart web on web-1? (${approval})` });
    expect(run.stdout).toContain(`waiting for approval  run ${runId} is stored in ${store}`);
    expect(run.stdout).toContain(`decide with: firstline approve ${approval} --store ${store}`);
    expect((await readRecord(runId)).approval).toMatchObject({
      id: approval,
      approvers: { console: ['alice'] },
    });
  });

  it('approve goes on: one restart, recovered, the approver in the record; a second approve changes nothing', async () => {
    const { runId, approval } = await waiting();
    const after: FakeWorld = { statuses: [200], calls: [] };
    const ok = await cli(
      ['approve', approval, '--store', store, '--as', 'alice', '--reason', 'site is down'],
      {
        world: after,
        clock: at(2 * MIN),
      },
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`approved  ${approval}  by alice`);
    expect(after.calls.map((c) => c.action)).toEqual([
      'test.host.restart',
      'test.web.check',
      'test.chat.post',
    ]);
    const record = await readRecord(runId);
    expect(record).toMatchObject({ status: 'done', outcome: 'recovered' });
    expect(record.approval?.decision).toMatchObject({
      decision: 'approved',
      by: 'alice',
      via: 'cli',
      reason: 'site is down',
    });

    const again: FakeWorld = { statuses: [200], calls: [] };
    const twice = await cli(['approve', approval, '--store', store, '--as', 'alice'], {
      world: again,
      clock: at(3 * MIN),
    });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('E_APPROVAL_DECIDED');
    expect(again.calls).toEqual([]);
    expect(await readRecord(runId)).toEqual(record);
  });

  it('deny: nothing is restarted, the run ends skipped and escalates (exit 0: what was asked for)', async () => {
    const { runId, approval } = await waiting();
    const after: FakeWorld = { statuses: [200], calls: [] };
    const denied = await cli(['deny', approval, '--store', store, '--as', 'alice'], {
      world: after,
      clock: at(MIN),
    });
    expect(denied.code).toBe(0);
    expect(after.calls.map((c) => c.action)).toEqual(['test.chat.post']);
    expect(after.calls[0]!.input).toMatchObject({ text: 'web-1: not restarted' });
    expect(await readRecord(runId)).toMatchObject({
      outcome: 'skipped',
      skipped: { reason: 'approval', outcome: 'denied' },
    });
  });

  it('refuses someone who is not an approver (exit 1, nothing changes), and an unknown run (exit 2)', async () => {
    const { runId, approval } = await waiting();
    const before = await readRecord(runId);
    const mallory = await cli(['approve', approval, '--store', store, '--as', 'mallory'], { clock: at(MIN) });
    expect(mallory.code).toBe(1);
    expect(mallory.stderr).toContain('E_APPROVAL_NOT_ALLOWED');
    expect(await readRecord(runId)).toEqual(before);
    const unknown = await cli([
      'approve',
      'no-such-run/restart.approval/1',
      '--store',
      store,
      '--as',
      'alice',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('E_RUN_NOT_FOUND');
    const malformed = await cli(['approve', 'not-an-id', '--store', store, '--as', 'alice']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('E_APPROVAL_ID');
  });

  it('unanswered, resume --due after the expiry ends it skipped without a restart', async () => {
    const { runId } = await waiting();
    const after: FakeWorld = { statuses: [200], calls: [] };
    const due = await cli(['resume', '--due', '--store', store], { world: after, clock: at(6 * MIN) });
    expect(after.calls.map((c) => c.action)).toEqual(['test.chat.post']);
    expect(due.stdout).toContain(`resumed  ${runId}  skipped`);
    expect((await readRecord(runId)).skipped).toMatchObject({ reason: 'approval', outcome: 'expired' });
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore, createVirtualClock, decodeRunCursor } from '@firstline/core';
import type { RunPage } from '@firstline/core';
import { makeRecord } from '@firstline/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseStore } from '../src/options/storeUrl.js';
import { cli } from './support.js';

// `firstline runs` in-process on a file store with the fake actions and a virtual clock: the table, the
// JSON, filters, pages, and every bad option refused with exit 2 and its code. The DynamoDB store is
// tested through the built bin on moto (test/runs.moto.test.ts and @firstline/lambda's live test).

let store: string;
beforeEach(async () => {
  store = await mkdtemp(join(tmpdir(), 'firstline-runs-'));
});
afterEach(async () => {
  await rm(store, { recursive: true, force: true });
});

const json = (stdout: string) => JSON.parse(stdout) as RunPage;

describe('firstline runs', () => {
  it('lists the runs the CLI made, newest first, as a table and as JSON', async () => {
    const clock = createVirtualClock();
    const healthy = await cli(['run', 'web-first-line.yaml', '-i', 'host=web-1', '--store', store], {
      clock,
    });
    expect(healthy.code).toBe(0);
    clock.advance(60_000);
    const world = { statuses: [500, 200], calls: [] };
    const restarted = await cli(['run', 'web-first-line.yaml', '-i', 'host=web-2', '--store', store], {
      clock,
      world,
    });
    expect(restarted.code).toBe(0);

    const listed = await cli(['runs', '--store', store, '--json'], { clock });
    expect(listed.code).toBe(0);
    const page = json(listed.stdout);
    expect(page.cursor).toBeUndefined();
    expect(page.runs).toHaveLength(2);
    expect(page.runs[0]).toMatchObject({
      playbook: 'web-first-line',
      status: 'done',
      outcome: 'recovered',
      trigger: 'cli',
      changed: [{ step: 'restart', action: 'test.host.restart', outcome: 'pass' }],
    });
    expect(page.runs[1]).toMatchObject({ outcome: 'healthy', changed: [] });

    const table = await cli(['runs', '--store', store], { clock });
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^RUN +PLAYBOOK +TRIGGER +STARTED +DURATION +STATUS +WAITING FOR +CHANGED$/);
    expect(lines[1]).toContain(page.runs[0]!.runId);
    expect(lines[1]).toMatch(
      /web-first-line +cli +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +\S+ +recovered +restart test\.host\.restart$/,
    );
    expect(lines[2]).toMatch(/healthy$/);
    expect(table.stdout).toContain(`2 runs in ${store}, newest first`);
  });

  it('filters, pages with the printed command, and shows what a run waits for', async () => {
    const clock = createVirtualClock();
    const now = clock.now();
    const files = createFileStore(store);
    await files.save(
      makeRecord('run-done', {
        status: 'done',
        outcome: 'unrecovered',
        createdAt: now - 3 * 3_600_000,
        updatedAt: now - 3 * 3_600_000 + 90_000,
      }),
    );
    await files.save(
      makeRecord('run-asking', {
        createdAt: now - 60_000,
        updatedAt: now - 60_000,
        approval: {
          id: 'run-asking/approve-reboot/1',
          runId: 'run-asking',
          playbook: 'restart-web',
          step: 'approve-reboot',
          visit: 1,
          message: 'Reboot i-0fake0001?',
          requestedAt: now - 60_000,
          expiresAt: now + 14 * 60_000,
        },
        deadlines: { run: now + 3_600_000, wake: now + 14 * 60_000 },
      }),
    );
    await files.save(
      makeRecord('run-waiting', {
        createdAt: now - 120_000,
        deadlines: { run: now + 3_600_000, wake: now + 120_000 },
      }),
    );

    const asking = await cli(['runs', '--store', store, '--awaiting', 'approval'], { clock });
    expect(asking.stdout).toMatch(/run-asking .* running +approval \(14m left\)/);
    expect(asking.stdout).toContain('1 run (awaiting approval) in');
    expect(asking.stdout).not.toContain('run-waiting');
    const waiting = await cli(['runs', '--store', store, '--status', 'running', '--since', '1h'], { clock });
    expect(waiting.stdout).toMatch(/run-waiting .* running +wake in 2m/);
    expect(waiting.stdout).not.toContain('run-done');
    const done = await cli(['runs', '--store', store, '--status', 'done', '--json'], { clock });
    expect(json(done.stdout).runs.map((r) => r.runId)).toEqual(['run-done']);
    const since = new Date(now - 4 * 3_600_000).toISOString();
    const iso = await cli(
      ['runs', '--store', store, '--since', since, '--playbook', 'restart-web', '--json'],
      { clock },
    );
    expect(json(iso.stdout).runs).toHaveLength(3);
    const none = await cli(['runs', '--store', store, '--playbook', 'other'], { clock });
    expect(none).toMatchObject({ code: 0, stdout: `no runs (playbook other) in ${store}\n` });

    const first = await cli(['runs', '--store', store, '--limit', '2'], { clock });
    const more = /more: firstline runs --limit 2 --store (\S+) --cursor (\S+)\n/.exec(first.stdout);
    expect(more?.[1]).toBe(store);
    expect(decodeRunCursor(more![2])).toEqual({ createdAt: now - 120_000, runId: 'run-waiting' });
    const second = await cli(['runs', '--store', store, '--limit', '2', '--cursor', more![2]!, '--json'], {
      clock,
    });
    expect(json(second.stdout)).toEqual({ runs: [expect.objectContaining({ runId: 'run-done' })] });
  });

  it('lists a run the approve step stored as awaiting approval, and not once it is approved', async () => {
    const clock = createVirtualClock();
    const run = await cli(['run', 'web-approve.yaml', '-i', 'host=web-1', '--store', store], {
      clock,
      world: { statuses: [500, 200], calls: [] },
    });
    expect(run.code).toBe(3);
    const asking = json(
      (await cli(['runs', '--store', store, '--awaiting', 'approval', '--json'], { clock })).stdout,
    );
    expect(asking.runs).toHaveLength(1);
    const [listed] = asking.runs;
    const approval = `${listed!.runId}/restart.approval/1`;
    expect(listed).toMatchObject({
      status: 'running',
      waiting: { reason: 'approval', approval },
      changed: [],
    });
    const table = await cli(['runs', '--store', store], { clock });
    expect(table.stdout).toMatch(/running +approval \(\d+m( \d+s)? left\)\n/);

    const approved = await cli(['approve', approval, '--store', store, '--as', 'alice'], {
      clock,
      world: { statuses: [200], calls: [] },
    });
    expect(approved.code).toBe(0);
    expect(
      json((await cli(['runs', '--store', store, '--awaiting', 'approval', '--json'], { clock })).stdout),
    ).toEqual({
      runs: [],
    });
    const [done] = json((await cli(['runs', '--store', store, '--json'], { clock })).stdout).runs;
    expect(done).toMatchObject({
      status: 'done',
      outcome: 'recovered',
      changed: [{ step: 'restart', action: 'test.host.restart', outcome: 'pass' }],
    });
    expect(done).not.toHaveProperty('waiting');
  });

  it.each([
    [['--status', 'paused'], 'E_RUN_QUERY', '--status "paused": expected running or done'],
    [['--limit', '0'], 'E_RUN_QUERY', '--limit "0": expected a whole number from 1 to 1000'],
    [['--limit', '1001'], 'E_RUN_QUERY', '--limit "1001"'],
    [['--limit', 'ten'], 'E_RUN_QUERY', '--limit "ten"'],
    [['--since', 'yesterday'], 'E_RUN_QUERY', '--since "yesterday": expected a duration back from now'],
    [['--since', '2026-13-45'], 'E_RUN_QUERY', '--since "2026-13-45"'],
    [['--awaiting', 'coffee'], 'E_RUN_QUERY', '--awaiting "coffee": expected approval'],
    [['--playbook', ' '], 'E_RUN_QUERY', '--playbook " "'],
    [['--cursor', 'not-a-cursor'], 'E_RUN_CURSOR', 'the cursor is not one a page of runs gave'],
    [['--store', 'redis://cache:6379'], 'E_STORE_URL', 'redis:// is not a kind of store'],
    [['--store', 'dynamodb://x'], 'E_STORE_URL', '"x" is not a DynamoDB table name'],
    [['--store', 'dynamodb://runs?colour=red'], 'E_STORE_URL', 'unknown parameter "colour"'],
    [['--store', 'dynamodb://runs?region=moon'], 'E_STORE_URL', 'region "moon" is not an AWS region'],
    [
      ['--store', 'dynamodb://runs?endpoint=ftp://x'],
      'E_STORE_URL',
      'endpoint "ftp://x" is not an http(s) URL',
    ],
  ])('refuses %j with exit 2 and %s', async (args, code, message) => {
    const result = await cli(['runs', '--store', store, ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`firstline: ${code}  `);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['resume', 'run-1'],
    ['cancel', 'run-1'],
    ['report', 'run-1'],
    ['resume', '--due'],
    ['run', 'web-first-line.yaml', '-i', 'host=h'],
  ])('%s refuses a bad store URL the same way', async (...args) => {
    const result = await cli([...args, '--store', 'dynamodb://runs?region=moon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('firstline: E_STORE_URL  ');
  });
});

describe('store locations', () => {
  it.each([
    ['runs', { kind: 'dir', dir: '/work/runs' }],
    ['/var/lib/firstline', { kind: 'dir', dir: '/var/lib/firstline' }],
    ['file:///var/lib/firstline', { kind: 'dir', dir: '/var/lib/firstline' }],
    ['dynamodb://firstline-runs', { kind: 'dynamodb', table: 'firstline-runs' }],
    ['DynamoDB://Firstline_Runs.v2/', { kind: 'dynamodb', table: 'Firstline_Runs.v2' }],
    [
      'dynamodb://firstline-runs?region=eu-west-1&endpoint=http://127.0.0.1:5000',
      { kind: 'dynamodb', table: 'firstline-runs', region: 'eu-west-1', endpoint: 'http://127.0.0.1:5000' },
    ],
  ])('%s', (value, location) => {
    expect(parseStore(value, '/work')).toEqual(location);
  });
});

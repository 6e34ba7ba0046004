import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '@firstline/core';
import type { TraceEvent } from '@firstline/core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeRecord } from '@firstline/core/testing';
import { cli } from './support.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-report-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('reports a stored run not over with the changes still in its log, not only its <runId>.json', async () => {
  const store = createFileStore(dir);
  const start: TraceEvent = {
    type: 'run.start',
    runId: 'run-1',
    playbook: 'restart-web',
    hash: 'sha256-fake-hash',
    mode: 'live',
    inputs: {},
    deadline: 3_600_000,
    seq: 0,
    at: 1_000,
  };
  const record = makeRecord('run-1', { trace: [start] });
  await store.save(record);
  const late: TraceEvent = { type: 'decision', message: 'recheck-after-the-wait', seq: 1, at: 2_000 };
  record.trace.push(late);
  const base = { journal: 0, trace: 1 };
  await store.saveChanges!(record, { base, journal: [], trace: [late], set: {}, unset: [] });
  expect((await readdir(dir)).sort()).toEqual(['run-1.json', 'run-1.log']);
  const { code, stdout } = await cli(['report', join(dir, 'run-1.json')]);
  expect(code).toBe(0);
  expect(stdout).toContain('recheck-after-the-wait');
});

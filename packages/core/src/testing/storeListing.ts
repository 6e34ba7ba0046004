// The listRuns part of the RunStore contract (see storeContract.ts): pages newest first, filters,
// cursors, and what each listing shows, the same from every store.
import { expect, it } from 'vitest';
import type { RunRecord, RunStore, TraceEvent } from '../runtime/types.js';
import { makeRecord } from './storeContract.js';

/** The trace of a run that checked, rebooted and notified: one remediation among three steps. */
function rebootTrace(): TraceEvent[] {
  const steps: Array<[string, string, 'pass' | 'fail']> = [
    ['url', 'http.check', 'fail'],
    ['reboot', 'aws.ec2.reboot', 'pass'],
    ['notify.recovered[0]', 'slack.post', 'pass'],
  ];
  const events: Array<Omit<TraceEvent, 'seq'>> = steps.flatMap(([step, action, outcome], i) => [
    { type: 'step.start', step, action, visit: 1, at: 1_000 + i },
    { type: 'attempt.start', step, action, attempt: 1, input: {}, at: 1_000 + i },
    { type: 'attempt.end', step, action, attempt: 1, outcome, durationMs: 1, at: 1_000 + i },
    { type: 'step.end', step, outcome, attempts: 1, durationMs: 1, at: 1_000 + i },
  ]);
  return events.map((event, seq) => ({ ...event, seq }) as TraceEvent);
}

/** A record created at `createdAt` (so its place in the list is known). */
const at = (runId: string, createdAt: number, overrides: Partial<RunRecord> = {}) =>
  makeRecord(runId, { createdAt, updatedAt: createdAt, ...overrides });

/** Every run id of every page, following cursors from the first page. */
async function allPages(store: Required<RunStore>, limit: number) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRuns({ limit, ...(cursor !== undefined && { cursor }) });
    pages.push(page.runs.map((run) => run.runId));
    cursor = page.cursor;
  } while (cursor !== undefined && pages.length < 50);
  return pages;
}

/** The listRuns cases, registered inside describeRunStore's `describe` with its store getter. */
export function listingCases(current: () => Required<RunStore>): void {
  it('lists runs newest first, with what a list shows of each', async () => {
    const store = current();
    expect(await store.listRuns()).toEqual({ runs: [] });
    await store.save(at('run-old', 1_000));
    await store.save(
      at('run-done', 3_000, {
        status: 'done',
        outcome: 'recovered',
        updatedAt: 3_500,
        trigger: { kind: 'cloudwatch.alarm', source: 'eventbridge', alarmName: 'web-cpu-high' },
        playbook: {
          name: 'restart-web',
          // Its own hash: a listing reads a playbook's step places once per content hash.
          hash: 'sha256-fake-hash-of-restart-web-first-line',
          data: {
            firstline: 1,
            name: 'restart-web',
            checks: [{ id: 'url', action: 'http.check', with: { url: 'https://app.example.com/health' } }],
            remediate: [{ id: 'reboot', action: 'aws.ec2.reboot', with: { instanceIds: ['i-0fake0001'] } }],
            notify: { recovered: [{ action: 'slack.post', with: { channel: '#ops', text: 'recovered' } }] },
          },
        },
        journal: ['reboot', 'notify.recovered[0]'].map((step, i) => ({
          key: `run-done:${step}:1:1`,
          step,
          action: i === 0 ? 'aws.ec2.reboot' : 'slack.post',
          visit: 1,
          attempt: 1,
          status: 'done' as const,
          outcome: 'pass' as const,
          at: 1_001 + i,
        })),
        trace: rebootTrace(),
      }),
    );
    await store.save(at('run-waiting', 2_000, { deadlines: { run: 9_000, wake: 4_000 } }));
    const { runs, cursor } = await store.listRuns();
    expect(cursor).toBeUndefined();
    expect(runs.map((run) => run.runId)).toEqual(['run-done', 'run-waiting', 'run-old']);
    expect(runs[0]).toEqual({
      runId: 'run-done',
      playbook: 'restart-web',
      mode: 'live',
      status: 'done',
      outcome: 'recovered',
      createdAt: 3_000,
      updatedAt: 3_500,
      trigger: 'alarm web-cpu-high',
      // The check passed no verdict to change anything, the notification is not a remediation.
      changed: [{ step: 'reboot', action: 'aws.ec2.reboot', outcome: 'pass' }],
    });
    expect(runs[1]).toMatchObject({
      status: 'running',
      trigger: 'cli',
      waiting: { reason: 'wait', until: 4_000 },
    });
    expect(runs[2]).not.toHaveProperty('waiting');
  });

  it('filters by status, playbook, time and a pending approval', async () => {
    const store = current();
    const approval = {
      id: 'run-asking/approve-reboot/1',
      runId: 'run-asking',
      playbook: 'restart-web',
      step: 'approve-reboot',
      visit: 1,
      message: 'Reboot i-0fake0001?',
      requestedAt: 2_000,
      expiresAt: 2_000 + 900_000,
    };
    await store.save(
      at('run-asking', 2_000, { approval, deadlines: { run: 9e6, wake: approval.expiresAt } }),
    );
    await store.save(
      at('run-decided', 2_500, {
        approval: {
          ...approval,
          id: 'run-decided/approve-reboot/1',
          runId: 'run-decided',
          decision: { decision: 'approved', by: 'U0FAKE', via: 'slack', at: 2_600 },
        },
      }),
    );
    await store.save(
      at('run-other', 3_000, { playbook: { name: 'drain-node', hash: 'sha256-fake-drain-node', data: {} } }),
    );
    await store.save(at('run-done', 1_000, { status: 'done', outcome: 'healthy' }));
    const ids = async (query: Parameters<Required<RunStore>['listRuns']>[0]) =>
      (await store.listRuns(query)).runs.map((run) => run.runId);
    expect(await ids({ status: 'done' })).toEqual(['run-done']);
    expect(await ids({ status: 'running' })).toEqual(['run-other', 'run-decided', 'run-asking']);
    expect(await ids({ playbook: 'drain-node' })).toEqual(['run-other']);
    expect(await ids({ since: 2_500 })).toEqual(['run-other', 'run-decided']);
    expect(await ids({ awaiting: 'approval' })).toEqual(['run-asking']);
    expect(await ids({ awaiting: 'approval', playbook: 'drain-node' })).toEqual([]);
    const [asking] = (await store.listRuns({ awaiting: 'approval' })).runs;
    expect(asking?.waiting).toEqual({ reason: 'approval', until: approval.expiresAt, approval: approval.id });
  });

  it('pages with cursors: every run once, ties in time included, no cursor on the last page', async () => {
    const store = current();
    const times = [5_000, 4_000, 4_000, 4_000, 3_000, 2_000, 2_000, 1_000];
    await Promise.all(times.map((time, i) => store.save(at(`run-${i}`, time))));
    const pages = await allPages(store, 3);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 2]);
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(times.length);
    const created = seen.map((id) => times[Number(id.slice('run-'.length))]!);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(await allPages(store, 8)).toEqual([seen]);
    // A filtered page's cursor carries on the same filter.
    const first = await store.listRuns({ limit: 1, since: 4_000 });
    const rest = await store.listRuns({ since: 4_000, cursor: first.cursor! });
    expect([...first.runs, ...rest.runs].map((run) => run.runId).sort()).toEqual([
      'run-0',
      'run-1',
      'run-2',
      'run-3',
    ]);
  });

  it('shows a run as last saved, changes included', async () => {
    const store = current();
    const record = at('run-1', 1_000);
    await store.save(record);
    const changed = { ...record, updatedAt: 1_700 };
    // saveChanges is optional: a store without it gets the whole record, as the engine does.
    if (typeof (store as RunStore).saveChanges === 'function')
      await store.saveChanges(changed, {
        base: { journal: 0, trace: 0 },
        journal: [],
        trace: [],
        set: { updatedAt: 1_700 },
        unset: [],
      });
    else await store.save(changed);
    expect((await store.listRuns()).runs[0]).toMatchObject({ runId: 'run-1', updatedAt: 1_700 });
    await store.save({ ...record, status: 'done', outcome: 'recovered', updatedAt: 1_900 });
    expect((await store.listRuns()).runs).toMatchObject([{ status: 'done', outcome: 'recovered' }]);
    await store.delete('run-1');
    expect(await store.listRuns()).toEqual({ runs: [] });
  });

  it('gives 50 runs a page unless asked, and refuses a bad limit, filter or cursor with a code', async () => {
    const store = current();
    await Promise.all(Array.from({ length: 52 }, (_, i) => store.save(at(`run-${i}`, 1_000 + i))));
    const page = await store.listRuns();
    expect(page.runs).toHaveLength(50);
    expect(page.cursor).toEqual(expect.any(String));
    expect((await store.listRuns({ cursor: page.cursor! })).runs.map((run) => run.runId)).toEqual([
      'run-1',
      'run-0',
    ]);
    expect((await store.listRuns({ limit: 1000 })).runs).toHaveLength(52);
    for (const limit of [0, -1, 1.5, 1001, Number.NaN, '10' as unknown as number])
      await expect(store.listRuns({ limit })).rejects.toMatchObject({ code: 'E_RUN_QUERY' });
    for (const query of [
      { status: 'paused' as RunRecord['status'] },
      { awaiting: 'coffee' as 'approval' },
      { since: Number.POSITIVE_INFINITY },
      { playbook: '' },
    ])
      await expect(store.listRuns(query)).rejects.toMatchObject({ code: 'E_RUN_QUERY' });
    const forged = Buffer.from(JSON.stringify({ v: 2, c: 'x' })).toString('base64url');
    for (const cursor of ['not a cursor!', forged, 'eyJ2IjoxfQ', ''])
      await expect(store.listRuns({ cursor })).rejects.toMatchObject({ code: 'E_RUN_CURSOR' });
  });
}

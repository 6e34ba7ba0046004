import { describe, expect, it } from 'vitest';
import { makeRecord } from '../../testing/index.js';
import type { RunRecord, TraceEvent } from '../types.js';
import { runListing, triggerLine } from './runListing.js';
import { checkRunQuery, decodeRunCursor, encodeRunCursor, pageOfListings } from './runQuery.js';

type Bare<E> = E extends TraceEvent ? Omit<E, 'seq' | 'at'> : never;
const event = (seq: number, e: Bare<TraceEvent>) => ({ ...e, seq, at: 1_000 + seq });

describe('triggerLine: what started a run, in one line', () => {
  it.each([
    [undefined, 'cli'],
    [null, 'cli'],
    [{ kind: 'cloudwatch.alarm', source: 'eventbridge', alarmName: 'web-cpu-high' }, 'alarm web-cpu-high'],
    [
      {
        kind: 'cloudwatch.alarm',
        source: 'sns',
        alarmName: 'web-cpu-high',
        raw: { Records: [{ Sns: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:ops-alarms' } }] },
      },
      'alarm web-cpu-high (sns ops-alarms)',
    ],
    [{ kind: 'alertmanager.alert', labels: { alertname: 'NodeDown', instance: 'n1' } }, 'alert NodeDown'],
    [
      { kind: 'unknown', raw: { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:deploys', Message: '{}' } },
      'sns deploys',
    ],
    [{ kind: 'direct', playbook: 'restart-web', raw: {} }, 'direct'],
    [{ kind: 'unknown', raw: { detail: 1 } }, 'unknown'],
    [{ source: 'pagerduty' }, 'pagerduty'],
    [{}, 'unknown'],
  ])('%j → %s', (trigger, line) => {
    expect(triggerLine(trigger)).toBe(line);
  });
});

describe('runListing', () => {
  it('says a run handed back with no deadline of its own waits, and a resumed one does not', () => {
    const suspended = makeRecord('r', {
      trace: [event(0, { type: 'run.suspend', reason: 'signal' })],
    });
    expect(runListing(suspended).waiting).toEqual({ reason: 'wait' });
    suspended.trace.push(event(1, { type: 'run.resume', runId: 'r' }));
    expect(runListing(suspended)).not.toHaveProperty('waiting');
    expect(runListing({ ...suspended, status: 'done', deadlines: { run: 1, wake: 5 } })).not.toHaveProperty(
      'waiting',
    );
  });

  it('counts remediations by the actions given, else by the journal; shadow plans count', () => {
    const trace: TraceEvent[] = [
      event(0, { type: 'step.start', step: 'restart', action: 'svc.restart', visit: 1 }),
      event(1, { type: 'plan', step: 'restart', action: 'svc.restart', summary: 'would restart web' }),
      event(2, { type: 'step.end', step: 'restart', outcome: 'pass', attempts: 1, durationMs: 1 }),
      event(3, { type: 'step.start', step: 'page', action: 'pager.page', visit: 1 }),
      event(4, { type: 'step.end', step: 'page', outcome: 'fail', attempts: 1, durationMs: 1 }),
    ];
    const record: RunRecord = makeRecord('r', { mode: 'shadow', trace });
    expect(runListing(record).changed).toEqual([{ step: 'restart', action: 'svc.restart', outcome: 'pass' }]);
    const actions = [
      { id: 'svc.restart', kind: 'probe' as const },
      { id: 'pager.page', kind: 'remediation' as const },
    ];
    expect(runListing(record, { actions }).changed).toEqual([
      { step: 'page', action: 'pager.page', outcome: 'fail' },
    ]);
    expect(runListing(record, { maxChanged: 0 }).changed).toEqual([]);
  });

  it('leaves out notifications by the playbook, even when its stored data no longer builds', () => {
    const trace: TraceEvent[] = [
      event(0, { type: 'step.start', step: 'notify.recovered[0]', action: 'chat.post', visit: 1 }),
      event(1, {
        type: 'step.end',
        step: 'notify.recovered[0]',
        outcome: 'pass',
        attempts: 1,
        durationMs: 1,
      }),
    ];
    const journal = [
      {
        key: 'r:n:1:1',
        step: 'notify.recovered[0]',
        action: 'chat.post',
        visit: 1,
        attempt: 1,
        status: 'done' as const,
        at: 1,
      },
    ];
    const data = { name: 'old', steps: 'not a list', notify: { recovered: [{ action: 'chat.post' }] } };
    const record = makeRecord('r', {
      trace,
      journal,
      playbook: { name: 'old', hash: 'sha256-fake-old-format', data },
    });
    expect(runListing(record).changed).toEqual([]);
  });
});

describe('run queries and cursors', () => {
  it('round-trips a cursor and fills in the default limit', () => {
    const cursor = encodeRunCursor({ createdAt: 5, runId: 'run-é/1' });
    expect(cursor).toMatch(/^[\w-]+$/);
    expect(decodeRunCursor(cursor)).toEqual({ createdAt: 5, runId: 'run-é/1' });
    expect(checkRunQuery()).toEqual({ limit: 50 });
    expect(checkRunQuery({ cursor, limit: 2 })).toEqual({
      limit: 2,
      cursor: { createdAt: 5, runId: 'run-é/1' },
    });
  });

  it('refuses a query that is not an object', () => {
    expect(() => checkRunQuery('all' as never)).toThrow(expect.objectContaining({ code: 'E_RUN_QUERY' }));
  });

  it('pages listings given in any order', () => {
    const listings = [3, 1, 2].map((n) => runListing(makeRecord(`run-${n}`, { createdAt: n, updatedAt: n })));
    const first = pageOfListings(listings, checkRunQuery({ limit: 2 }));
    expect(first.runs.map((r) => r.runId)).toEqual(['run-3', 'run-2']);
    const next = pageOfListings(listings, checkRunQuery({ limit: 2, cursor: first.cursor! }));
    expect(next).toEqual({ runs: [expect.objectContaining({ runId: 'run-1' })] });
  });
});

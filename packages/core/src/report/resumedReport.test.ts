import { describe, expect, it } from 'vitest';
import { createRebootFixture, rebootPlaybookText } from '../../test/fixtures/reboot.js';
import { parsePlaybook } from '../load/loadPlaybook.js';
import { createVirtualClock } from '../runtime/clock.js';
import { resumeRun } from '../runtime/resumeRun.js';
import { runPlaybook } from '../runtime/runPlaybook.js';
import { createMemoryStore } from '../runtime/stores/memoryStore.js';
import type { RunRecord } from '../runtime/types.js';
import { buildRunReport } from './runReport.js';
import { reportMarkdown } from './reportMarkdown.js';
import { createRecordingStore } from '../../test/fixtures/recordingStore.js';

// A run that crashed in its recheck wait and was resumed 10 minutes later by another host: its report
// must keep one clock (the run's start), not restart the timeline at the resume.

const T0 = Date.UTC(2026, 2, 1, 8);
const RUN = 'run-resumed';

async function resumedRecord(): Promise<RunRecord> {
  const { store, writes } = createRecordingStore();
  const first = createRebootFixture();
  await runPlaybook(parsePlaybook(rebootPlaybookText('', 'resumed-report')), {
    actions: first.actions,
    store,
    runId: RUN,
    clock: createVirtualClock({ startAt: T0 }),
  });
  const waiting = writes.find((r) => r.deadlines.wake !== undefined);
  if (!waiting) throw new Error('the first run wrote no record in its wait');
  const again = createMemoryStore();
  await again.save(waiting);
  const second = createRebootFixture({ healthy: true });
  await resumeRun(RUN, {
    store: again,
    actions: second.actions,
    clock: createVirtualClock({ startAt: T0 + 10 * 60_000 }),
  });
  const done = await again.load(RUN);
  if (!done) throw new Error('the resumed run left no record');
  return done;
}

describe('the report of a resumed run', () => {
  it('keeps every time on the run’s one clock, from its start', async () => {
    const record = await resumedRecord();
    const report = buildRunReport(record, { actions: createRebootFixture().actions });
    expect(report.resumed).toBe(true);
    expect(report.changes.map((c) => [c.step, c.at.offset])).toEqual([['reboot', '+00:00.000']]);
    const resume = report.timeline.find((row) => row.event === 'resume');
    expect(resume?.at).toEqual({ offset: '+10:00.000', wall: '2026-03-01T08:10:00.000Z' });
    const last = report.timeline.at(-1)!;
    expect(last.event).toBe('end');
    expect(last.at.offset).toBe('+10:00.000');
    expect(report.duration).toBe('10m');
    expect(reportMarkdown(report)).toContain('Resumed from its record');
  });
});

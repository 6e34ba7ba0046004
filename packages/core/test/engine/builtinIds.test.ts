// Step ids that are Object.prototype names (`constructor`, `toString`…) are plain ids: visits count,
// maxVisits ends loops, and `steps.<id>` reads the step's own record, in simulate and live mode alike.
import { describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  createVirtualClock,
  resumeRun,
  simulatePlaybook,
  validatePlaybook,
} from '@firstline/core';
import type { RunRecord } from '@firstline/core';
import { createFakeAction, eventsOf, runVirtual, sequence, yamlPlaybook } from './support.js';
import { createRecordingStore } from '../fixtures/recordingStore.js';

const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'] as const;

/** A loop through `id` (maxVisits 2) closed by `back` (maxVisits 3), then a step reading `steps.<id>`. */
const loop = (id: string) => `steps:
  - id: ${id}
    action: test.step.probe
    expect: output.ok
    maxVisits: 2
    on: { fail: back }
  - id: back
    goto: ${id}
    maxVisits: 3
  - id: after
    action: test.step.after
    when: steps.${id}.outcome = 'skipped' and steps.${id}.visits = 2
    with:
      seen: '{{ steps.${id}.error }}'
      visits: '{{ steps.${id}.visits }}'
`;

describe('step ids named like Object.prototype members', () => {
  it.each(NAMES)('`%s` with maxVisits in a loop ends in live mode', { timeout: 5000 }, async (id) => {
    const probe = createFakeAction('test.step.probe', 'probe', sequence({ ok: false }));
    const after = createFakeAction('test.step.after', 'probe', sequence({}));
    const { result } = await runVirtual(yamlPlaybook(loop(id)), { actions: [probe.action, after.action] });
    expect(result.outcome).toBe('healthy');
    expect(probe.count).toBe(2);
    expect(after.count).toBe(1);
    expect(after.inputs[0]).toEqual({
      seen: 'maxVisits 2 reached: skipped, the run goes on with the next step',
      visits: 2,
    });
    expect(result.steps[id as string]).toMatchObject({ outcome: 'skipped', visits: 2 });
    expect(result.steps.back).toMatchObject({ outcome: 'skipped', visits: 3 });
    expect(Object.keys(result.steps).sort()).toEqual(['after', 'back', id].sort());
    const skipped = eventsOf(result.trace, 'decision').filter((e) => e.message.includes('maxVisits'));
    expect(skipped.map((e) => e.step)).toEqual([id, id, 'back']);
  });

  it.each(NAMES)('`%s` with maxVisits in a loop ends in simulate mode', async (id) => {
    const probe = createFakeAction('test.step.probe', 'probe');
    const after = createFakeAction('test.step.after', 'probe');
    const result = await simulatePlaybook(yamlPlaybook(loop(id)), {
      actions: [probe.action, after.action],
      outcomes: { [id]: 'fail' },
    });
    expect(result.outcome).toBe('healthy');
    expect(result.calls('test.step.probe')).toHaveLength(2);
    expect(result.calls('test.step.after')).toHaveLength(1);
    expect(result.steps[id as string]).toMatchObject({ outcome: 'skipped', visits: 2 });
  });

  it.each(NAMES)('`steps.%s` of a step that has not run is missing, not an inherited member', async (id) => {
    const body = `steps:
  - id: first
    action: test.step.after
    when: steps.${id}.outcome = 'pass'
  - id: ${id}
    action: test.step.probe
`;
    const probe = createFakeAction('test.step.probe', 'probe', sequence({}));
    const after = createFakeAction('test.step.after', 'probe', sequence({}));
    const { result } = await runVirtual(yamlPlaybook(body), { actions: [probe.action, after.action] });
    expect(result.outcome).toBe('healthy');
    expect(after.count).toBe(0);
    expect(result.steps.first).toMatchObject({ outcome: 'skipped' });
    expect(probe.count).toBe(1);
  });

  it('`__proto__` is not a step id: validation refuses it with a clear message', () => {
    const report = validatePlaybook(
      yamlPlaybook('steps:\n  - id: __proto__\n    action: test.step.probe\n'),
      { actions: [createFakeAction('test.step.probe', 'probe').action] },
    );
    expect(report.ok).toBe(false);
    expect(report.issues.map((i) => i.message).join('\n')).toMatch(/__proto__/);
  });
});

describe('step ids named like Object.prototype members, across a resume', () => {
  // A record read back from a store is plain JSON again: visits and steps must still be read as own.
  it.each(NAMES)('`%s` keeps counting its visits after the run is resumed mid-loop', async (id) => {
    const body = `steps:
  - id: ${id}
    action: test.step.probe
    expect: output.ok
    maxVisits: 3
    on: { fail: pause }
  - id: pause
    wait: 1m
  - id: back
    goto: ${id}
    maxVisits: 5
`;
    const { store, writes } = createRecordingStore();
    const probe = () => createFakeAction('test.step.probe', 'probe', sequence({ ok: false }));
    const first = probe();
    await runVirtual(yamlPlaybook(body), { actions: [first.action], store, runId: `resume-${id}` });
    // The host died during the second wait, the probe having run twice.
    const crashed = writes.find(
      (r) => r.deadlines.wake !== undefined && JSON.stringify(r.snapshot).includes('"visits":2'),
    );
    expect(crashed).toBeDefined();
    const fresh = createMemoryStore();
    await fresh.save(JSON.parse(JSON.stringify(crashed)) as RunRecord);
    const again = probe();
    const result = await resumeRun(`resume-${id}`, {
      store: fresh,
      actions: [again.action],
      clock: createVirtualClock({ startAt: crashed!.updatedAt }),
    });
    expect(result.outcome).toBe('healthy');
    // Once more after the resume, then used up: 3 runs in all.
    expect(again.count).toBe(1);
    expect(result.steps[id as string]).toMatchObject({ outcome: 'skipped', visits: 3 });
  });
});

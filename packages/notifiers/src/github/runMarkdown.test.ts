import { describe, expect, it } from 'vitest';
import { renderTrace } from '@firstline/core';
import type { RunResult, TraceEvent } from '@firstline/core';
import { sampleActions, sampleRun } from '../../test/support/sampleRun.js';
import { GITHUB_BODY_LIMIT, runMarkdown } from './runMarkdown.js';

describe('runMarkdown', () => {
  it("composes core's report with the trigger, the decisions and what changed above the timeline", async () => {
    const result = await sampleRun();
    const text = runMarkdown(result, {
      trigger: { detail: { alarmName: 'cpu-high' } },
      actions: sampleActions,
    });
    const core = renderTrace(result.trace, { format: 'markdown' });
    // Core's heading, summary and table, unchanged.
    expect(text.startsWith(core.slice(0, core.indexOf('| time |')).trimEnd())).toBe(true);
    expect(text.endsWith(core.slice(core.indexOf('| time |')))).toBe(true);
    expect(text).toContain('## Run sim-');
    expect(text).toContain('— recovered');
    expect(text).toContain(
      '### Trigger\n\n```json\n{\n  "detail": {\n    "alarmName": "cpu-high"\n  }\n}\n```',
    );
    expect(text).toContain(
      '### Decisions\n\n- a check failed: remediate (round 1 of 1)\n- every check passed after remediation: recovered',
    );
    expect(text).toContain('### What changed\n\n- reboot: aws.ec2.reboot instanceIds=["i-0abc1234"]');
    expect(text.indexOf('### What changed')).toBeLessThan(text.indexOf('### Timeline'));
  });

  it('leaves "What changed" out when it cannot know (no actions given), and fences a trigger holding backticks', async () => {
    const result = await sampleRun();
    const text = runMarkdown(result, { trigger: 'a ``` b' });
    expect(text).not.toContain('What changed');
    expect(text).toContain('````json\n"a ``` b"\n````');
  });

  it("fits GitHub's body limit by leaving out the middle of the timeline, saying how much", async () => {
    const base = await sampleRun();
    const start = base.trace[0]!;
    const logs: TraceEvent[] = Array.from({ length: 3000 }, (_, i) => ({
      type: 'log',
      seq: i + 1,
      at: start.at + i,
      level: 'info',
      step: 'url',
      message: `probe line ${i} ${'x'.repeat(40)}`,
    }));
    const result: RunResult = { ...base, trace: [start, ...logs, ...base.trace.slice(1)] };
    expect(renderTrace(result.trace, { format: 'markdown' }).length).toBeGreaterThan(GITHUB_BODY_LIMIT);

    const text = runMarkdown(result);
    expect(text.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(text.length).toBeGreaterThan(GITHUB_BODY_LIMIT - 500);
    expect(text).toMatch(/\| … \| \| \| \d+ of 3\d{3} timeline rows left out to fit 65536 characters \|/);
    // Both ends survive: how the run started and how it ended.
    expect(text).toContain('probe line 0 ');
    expect(text).toContain('| end | recovered in 2m |');

    const small = runMarkdown(result, { maxLength: 2_000 });
    expect(small.length).toBeLessThanOrEqual(2_000);
    expect(small).toContain('timeline rows left out');
  });

  it('caps a huge single line (an error message) instead of dropping the report', async () => {
    const base = await sampleRun();
    const start = base.trace[0]!;
    const huge: TraceEvent = {
      type: 'log',
      seq: 1,
      at: start.at,
      level: 'error',
      step: 'url',
      message: 'y'.repeat(100_000),
    };
    const text = runMarkdown({ ...base, trace: [start, huge, ...base.trace.slice(1)] });
    expect(text.length).toBeLessThan(10_000);
    expect(text).toContain(`${'y'.repeat(100)}`);
    expect(text).toContain('… |');
  });
});

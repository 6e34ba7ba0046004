import { describe, expect, it } from 'vitest';
import type { RunResult } from '@firstline/core';
import { sampleActions, sampleRun } from '../../test/support/sampleRun.js';
import { runSummaryBlocks, runSummaryMessage, runSummaryText } from './runSummaryBlocks.js';

describe('runSummaryBlocks', () => {
  it('renders the outcome, the steps in timeline order with durations, and what changed', async () => {
    const result = await sampleRun();
    const blocks = runSummaryBlocks(result, {
      actions: sampleActions,
      reportUrl: 'https://github.example/acme/ops/issues/1',
    });
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':white_check_mark: first-line: recovered', emoji: true },
    });
    expect(JSON.stringify(blocks[1])).toContain(`run ${result.runId} · simulate · 2m`);
    expect(blocks[2]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          '*Steps*',
          ':white_check_mark: `url` (http.check) — pass · 0ms · 2 visits',
          ':white_check_mark: `reboot` (aws.ec2.reboot) — pass · 0ms',
          ':white_check_mark: `recheck` — pass · 2m',
          ':white_check_mark: `tell` (slack.post) — pass · 0ms',
        ].join('\n'),
      },
    });
    expect(blocks[3]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*What changed*\n• reboot: aws.ec2.reboot instanceIds=["i-0abc1234"]' },
    });
    expect(blocks[4]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '<https://github.example/acme/ops/issues/1|Full report>' }],
    });
  });

  it('marks an inconclusive run (a check could not run, nothing changed) apart from a failure', async () => {
    const base = await sampleRun();
    const blocks = runSummaryBlocks({ ...base, outcome: 'inconclusive' });
    expect((blocks[0] as { text: { text: string } }).text.text).toBe(
      ':grey_question: first-line: inconclusive',
    );
  });

  it('escapes mrkdwn, lists errors, and keeps every section within 3,000 characters', async () => {
    const base = await sampleRun();
    const steps: RunResult['steps'] = { ...base.steps };
    for (let i = 0; i < 200; i++)
      steps[`s${i}<@U123>`] = {
        id: `s${i}<@U123>`,
        outcome: 'error',
        attempts: 1,
        visits: 1,
        startedAt: 0,
        endedAt: 5,
        error: `boom & <!channel> ${i}`,
      };
    const blocks = runSummaryBlocks({ ...base, outcome: 'failed', steps });
    expect((blocks[0] as { text: { text: string } }).text.text).toBe(':x: first-line: failed');
    const texts = blocks.slice(2).map((b) => (b as { text: { text: string } }).text.text);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(3_000);
    expect(texts[0]).toMatch(/…and \d+ more$/);
    expect(texts[1]).toContain('*Errors*\n• `s0&lt;@U123&gt;`: boom &amp; &lt;!channel&gt; 0');
    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
  });

  it('has a plain-text fallback, and both together for posting', async () => {
    const result = await sampleRun();
    expect(runSummaryText(result, { actions: sampleActions })).toBe(
      `first-line: recovered in 2m (run ${result.runId}, simulate). Steps: url pass, reboot pass, recheck pass, tell pass. Changed: reboot: aws.ec2.reboot instanceIds=["i-0abc1234"].`,
    );
    const message = runSummaryMessage(result);
    expect(message.text).toContain('first-line: recovered');
    expect(message.blocks.length).toBeGreaterThanOrEqual(3);
  });
});

import { describe, expect, it } from 'vitest';
import { coreLog } from '../actions/builtins.js';
import { defineAction } from '../actions/defineAction.js';
import { formatHumanDuration } from '../format/humanDuration.js';
import { createVirtualClock } from '../runtime/clock.js';
import { runPlaybook } from '../runtime/runPlaybook.js';
import { buildRunReport } from './runReport.js';
import { reportHtml } from './reportHtml.js';
import { reportMarkdown } from './reportMarkdown.js';

const T0 = Date.UTC(2026, 2, 1, 9, 30);

const look = defineAction<{ path: string }, { listing: string }>({
  id: 'test.disk.look',
  kind: 'probe',
  description: 'lists a file',
  input: { type: 'object', properties: { path: { type: 'string' } } },
  run: (input) => Promise.resolve({ listing: `-rw------- 1 root root 4096 ${input.path}` }),
});
const exec = defineAction<{ command: string; readOnly?: boolean }, { exitCode: number }>({
  id: 'test.host.exec',
  kind: 'remediation',
  description: 'runs a command',
  input: {
    type: 'object',
    properties: { command: { type: 'string' }, readOnly: { type: 'boolean' } },
  },
  changes: (input) => input.readOnly !== true,
  run: () => Promise.resolve({ exitCode: 0 }),
});

const playbook = {
  firstline: 1,
  name: 'report-unit',
  inputs: {
    coreFile: { type: 'string', default: '/tmp/a/very/long/path/to/the/core/file/that/must/not/be/cut' },
    token: { type: 'string', default: 'hunter2-secret' },
  },
  secrets: { apiKey: { env: 'REPORT_UNIT_KEY' } },
  steps: [
    { id: 'look', action: 'test.disk.look', with: { path: '{{ inputs.coreFile }}' } },
    { id: 'say', action: 'core.log', with: { message: 'found {{ steps.look.output.listing }}' } },
    {
      id: 'present',
      action: 'test.host.exec',
      with: { command: 'test -f {{ inputs.coreFile }} {{ secrets.apiKey }}', readOnly: true },
    },
    { id: 'remove', action: 'test.host.exec', with: { command: 'rm -f -- {{ inputs.coreFile }}' } },
  ],
};

async function run() {
  return runPlaybook(playbook, {
    actions: [look, exec],
    runId: 'run-r1',
    clock: createVirtualClock({ startAt: T0 }),
    env: { REPORT_UNIT_KEY: 'sekrit-value-123' },
  });
}

describe('buildRunReport', () => {
  it('holds inputs in full, each step’s input and output, and only real changes', async () => {
    const result = await run();
    const report = buildRunReport(result, { actions: [look, exec, coreLog] });
    expect(report.inputs.find((i) => i.name === 'coreFile')?.value.text).toBe(
      '/tmp/a/very/long/path/to/the/core/file/that/must/not/be/cut',
    );
    const look0 = report.steps.find((s) => s.id === 'look');
    expect(look0?.output?.text).toContain('-rw------- 1 root root 4096 /tmp/a/very/long');
    expect(look0?.input?.text).toContain('/tmp/a/very/long/path');
    expect(report.changes.map((c) => c.step)).toEqual(['remove']);
    expect(report.steps.filter((s) => s.changed).map((s) => s.id)).toEqual(['remove']);
    // Where each branch led, in words.
    expect(report.steps.map((s) => s.then)).toEqual(['say', 'present', 'remove', 'the run ended recovered']);
    expect(report.deadline).toBe('1h');
    expect(report.started.wall).toBe('2026-03-01T09:30:00.000Z');
    expect(JSON.stringify(report)).not.toContain('sekrit-value-123');
  });

  it('renders the same facts in Markdown and in self-contained HTML', async () => {
    const result = await run();
    const report = buildRunReport(result, { actions: [look, exec, coreLog] });
    const md = reportMarkdown(report);
    const html = reportHtml(report);
    for (const text of [md, html]) {
      expect(text).toContain('What changed');
      expect(text).toContain('rm -f -- /tmp/a/very/long/path/to/the/core/file/that/must/not/be/cut');
      expect(text).toContain('-rw------- 1 root root 4096');
      expect(text).toContain('2026-03-01T09:30:00.000Z');
      expect(text).not.toContain('sekrit-value-123');
      // Nothing from the run is cut short: the removal is listed with its whole command line.
      expect(text).toContain('command=rm -f -- /tmp/a/very/long/path/to/the/core/file/that/must/not/be/cut');
    }
    const changedMd = md.split('### What changed')[1]!.split('###')[0]!;
    expect(changedMd).toContain('remove');
    expect(changedMd).not.toMatch(/present|say/);
    const changedHtml = html.split('<h2>What changed</h2>')[1]!.split('<h2>')[0]!;
    expect(changedHtml).toContain('remove');
    expect(changedHtml).not.toMatch(/present|say/);
    expect(html).not.toMatch(/<script|<link|src=/);
  });

  it('escapes what comes from outside in HTML', () => {
    const html = reportHtml(
      buildRunReport({
        trace: [{ seq: 0, at: T0, type: 'decision', step: '<img onerror=x>', message: '<b>x</b>' }],
      }),
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>x</b>');
  });
});

describe('formatHumanDuration', () => {
  it.each([
    [0, '0ms'],
    [230, '230ms'],
    [2_500, '2.5s'],
    [42_300, '42s'],
    [125_300, '2m 5s'],
    [3_599_900, '1h'],
    [3_599_000, '1h'],
    [899_900, '15m'],
    [3_900_000, '1h 5m'],
    [2 * 86_400_000 + 3 * 3_600_000, '2d 3h'],
    [-1500, '-1.5s'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatHumanDuration(ms)).toBe(text);
  });
});

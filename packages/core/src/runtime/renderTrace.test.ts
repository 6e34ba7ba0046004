import { describe, expect, it } from 'vitest';
import { formatClockDuration, formatOffset, renderTrace } from './renderTrace.js';
import type { TraceEvent } from './types.js';

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);

/** A small simulated run: a failing check retried, a wait, a decision and a planned reboot. */
function sampleTrace(): TraceEvent[] {
  return [
    {
      seq: 0,
      at: T0,
      type: 'run.start',
      runId: 'sim-1a2b',
      playbook: 'ec2-first-line',
      hash: 'fake-hash',
      mode: 'simulate',
      inputs: { instanceId: 'i-0abc1234' },
      deadline: T0 + 3_600_000,
    },
    { seq: 1, at: T0, type: 'step.start', step: 'url', action: 'http.check', visit: 1 },
    { seq: 2, at: T0, type: 'attempt.start', step: 'url', action: 'http.check', attempt: 1, input: {} },
    {
      seq: 3,
      at: T0 + 5,
      type: 'attempt.end',
      step: 'url',
      action: 'http.check',
      attempt: 1,
      outcome: 'fail',
      durationMs: 5,
      error: 'expected output.value < 90',
      retryInMs: 2000,
    },
    {
      seq: 4,
      at: T0 + 2005,
      type: 'attempt.start',
      step: 'url',
      action: 'http.check',
      attempt: 2,
      input: {},
    },
    {
      seq: 5,
      at: T0 + 2017,
      type: 'attempt.end',
      step: 'url',
      action: 'http.check',
      attempt: 2,
      outcome: 'error',
      durationMs: 12,
      error: 'connect refused',
    },
    {
      seq: 6,
      at: T0 + 2017,
      type: 'step.end',
      step: 'url',
      outcome: 'error',
      attempts: 2,
      durationMs: 2017,
      error: 'connect refused',
    },
    { seq: 7, at: T0 + 2017, type: 'wait.start', step: 'recheck', until: T0 + 122_017, durationMs: 120_000 },
    { seq: 8, at: T0 + 122_017, type: 'wait.end', step: 'recheck' },
    {
      seq: 9,
      at: T0 + 122_017,
      type: 'decision',
      step: 'check',
      message: 'url failed → remediate (round 1 of 1)',
    },
    {
      seq: 10,
      at: T0 + 122_017,
      type: 'plan',
      step: 'reboot',
      action: 'aws.ec2.reboot',
      summary: 'would reboot i-0abc1234',
      changes: [{ resource: 'i-0abc1234', change: 'reboot' }],
    },
    { seq: 11, at: T0 + 122_300, type: 'run.end', outcome: 'recovered', durationMs: 122_300 },
  ];
}

describe('renderTrace: text', () => {
  it('prints one aligned line per meaningful event, attempt.start left out', () => {
    expect(renderTrace(sampleTrace())).toBe(
      [
        '+00:00.000  run       ec2-first-line (simulate) run sim-1a2b  inputs: instanceId=i-0abc1234  deadline 1h',
        '+00:00.000  step      url http.check',
        '+00:00.005    attempt url #1 fail 5ms  expected output.value < 90',
        '+00:00.005    retry   url in 2s',
        '+00:02.017    attempt url #2 error 12ms  connect refused',
        '+00:02.017  result    url error after 2 attempts in 2s  connect refused',
        '+00:02.017  wait      recheck until +02:02.017 (2m)',
        '+02:02.017  wake      recheck',
        '+02:02.017  decision  check  url failed → remediate (round 1 of 1)',
        '+02:02.017  would     reboot  would reboot i-0abc1234 (i-0abc1234: reboot)',
        '+02:02.300  end       recovered in 2m 2.3s',
        '',
      ].join('\n'),
    );
  });

  it('colours outcomes only when asked', () => {
    const plain = renderTrace(sampleTrace());
    expect(plain).not.toContain('\x1b[');
    const coloured = renderTrace(sampleTrace(), { color: true });
    expect(coloured).toContain('#1 \x1b[31mfail\x1b[0m 5ms');
    expect(coloured).toContain('#2 \x1b[31merror\x1b[0m 12ms');
    expect(coloured).toContain('end       \x1b[32mrecovered\x1b[0m in 2m 2.3s');
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
    expect(coloured.replace(ansi, '')).toBe(plain);
  });

  it('colours an inconclusive run as a warning: a person looks, nothing broke', () => {
    const trace = sampleTrace().map((e) => (e.type === 'run.end' ? { ...e, outcome: 'inconclusive' } : e));
    expect(renderTrace(trace, { color: true })).toContain('end       \x1b[33minconclusive\x1b[0m in 2m 2.3s');
  });

  it('dims skipped steps, shows revisits, uncertainty, logs and a resume', () => {
    const trace: TraceEvent[] = [
      { seq: 0, at: T0, type: 'run.resume', runId: 'run-9' },
      { seq: 1, at: T0, type: 'step.start', step: 'notify', visit: 2 },
      {
        seq: 2,
        at: T0 + 1,
        type: 'step.end',
        step: 'notify',
        outcome: 'skipped',
        attempts: 0,
        durationMs: 0,
      },
      {
        seq: 3,
        at: T0 + 2,
        type: 'step.end',
        step: 'reboot',
        outcome: 'pass',
        attempts: 1,
        durationMs: 1500,
        uncertain: true,
      },
      {
        seq: 4,
        at: T0 + 3,
        type: 'log',
        level: 'warn',
        step: 'reboot',
        message: 'slow\napi',
        fields: { ms: 900 },
      },
    ];
    expect(renderTrace(trace)).toBe(
      [
        '+00:00.000  resume    run run-9',
        '+00:00.000  step      notify (visit 2)',
        '+00:00.001  result    notify skipped in 0ms',
        '+00:00.002  result    reboot pass after 1 attempt in 1.5s (uncertain)',
        '+00:00.003  warn      reboot  slow api  ms=900',
        '',
      ].join('\n'),
    );
    const coloured = renderTrace(trace, { color: true });
    expect(coloured).toContain('notify \x1b[2mskipped\x1b[0m in 0ms');
    expect(coloured).toContain('\x1b[33mwarn\x1b[0m      reboot');
  });

  it('shows hours on every line once the trace passes an hour', () => {
    const trace: TraceEvent[] = [
      { seq: 0, at: T0, type: 'wait.start', step: 'soak', until: T0 + 3_723_004, durationMs: 3_723_004 },
      { seq: 1, at: T0 + 3_723_004, type: 'wait.end', step: 'soak' },
    ];
    expect(renderTrace(trace)).toBe(
      ['+0:00:00.000  wait      soak until +1:02:03.004 (1h 2m 3s)', '+1:02:03.004  wake      soak', ''].join(
        '\n',
      ),
    );
  });

  it('renders an empty trace without throwing', () => {
    expect(renderTrace([])).toBe('(empty trace)\n');
    expect(renderTrace([], { format: 'jsonl' })).toBe('');
    expect(renderTrace([], { format: 'markdown' })).toBe('## Run (no events)\n\nThe trace is empty.\n');
  });
});

describe('renderTrace: jsonl', () => {
  it('writes every event, attempt.start included, one JSON object per line', () => {
    const trace = sampleTrace();
    const out = renderTrace(trace, { format: 'jsonl' });
    expect(out.endsWith('}\n')).toBe(true);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(trace.length);
    expect(lines[1]).toBe(
      '{"seq":1,"at":1704164645000,"type":"step.start","step":"url","action":"http.check","visit":1}',
    );
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(trace);
  });
});

describe('renderTrace: markdown', () => {
  it('writes a heading, a summary and a table', () => {
    const out = renderTrace(sampleTrace(), { format: 'markdown' });
    const lines = out.split('\n');
    expect(lines.slice(0, 9)).toEqual([
      '## Run sim-1a2b — recovered',
      '',
      '- Playbook: ec2-first-line (simulate)',
      '- Started: 2024-01-02T03:04:05.000Z',
      '- Duration: 2m 2.3s',
      '',
      '| time | step | event | detail |',
      '| --- | --- | --- | --- |',
      '| +00:00.000 |  | run | ec2-first-line (simulate) run sim-1a2b — inputs: instanceId=i-0abc1234  deadline 1h |',
    ]);
    expect(lines).toContain('| +00:00.005 | url | attempt | #1 fail 5ms — expected output.value < 90 |');
    expect(lines).toContain('| +02:02.017 | recheck | wake |  |');
    expect(lines.at(-2)).toBe('| +02:02.300 |  | end | recovered in 2m 2.3s |');
    expect(lines.at(-1)).toBe('');
    expect(lines.filter((line) => line.startsWith('| +'))).toHaveLength(11);
  });

  it('escapes pipes, backslashes, newlines and tag-like text in cells', () => {
    const trace: TraceEvent[] = [
      { seq: 0, at: T0, type: 'decision', step: 'a|b', message: 'left | right\\|x\nnext <script> < 90' },
    ];
    const out = renderTrace(trace, { format: 'markdown' });
    expect(out).toContain('## Run unknown — running');
    expect(out).toContain('- Duration so far: 0ms');
    expect(out).toContain('| +00:00.000 | a\\|b | decision | left \\| right\\\\\\|x next &lt;script> < 90 |');
  });
});

describe('formatOffset', () => {
  it('shows minutes under an hour and hours beyond', () => {
    expect(formatOffset(0)).toBe('+00:00.000');
    expect(formatOffset(2000)).toBe('+00:02.000');
    expect(formatOffset(125_300)).toBe('+02:05.300');
    expect(formatOffset(3_599_999)).toBe('+59:59.999');
    expect(formatOffset(3_600_000)).toBe('+1:00:00.000');
    expect(formatOffset(3_723_004)).toBe('+1:02:03.004');
    expect(formatOffset(-1500)).toBe('-00:01.500');
  });
});

describe('formatClockDuration', () => {
  it.each([
    [0, '0ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [59_960, '1m'],
    [120_000, '2m'],
    [120_300, '2m 0.3s'],
    [125_300, '2m 5.3s'],
    [3_600_000, '1h'],
    [3_723_000, '1h 2m 3s'],
    [3_603_000, '1h 3s'],
    [-1500, '-1.5s'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatClockDuration(ms)).toBe(text);
  });
});

import { describe, expect, it } from 'vitest';
import { renderTrace } from './renderTrace.js';
import type { TraceEvent } from './types.js';

const T0 = Date.UTC(2026, 0, 1);
const trace: TraceEvent[] = [
  {
    type: 'run.start',
    seq: 0,
    at: T0,
    runId: 'run-1',
    playbook: 'ec2-first-line',
    hash: 'h',
    mode: 'live',
    inputs: {},
    deadline: T0 + 1_800_000,
  },
  { type: 'step.start', seq: 1, at: T0, step: 'url', action: 'http.check', visit: 1 },
  {
    type: 'step.end',
    seq: 2,
    at: T0 + 5,
    step: 'url',
    outcome: 'fail',
    attempts: 1,
    durationMs: 5,
    error: 'got <script>alert("x")</script> & 503',
  },
  { type: 'decision', seq: 3, at: T0 + 5, message: 'a check failed: remediate (round 1 of 1)' },
  { type: 'run.end', seq: 4, at: T0 + 120_005, outcome: 'recovered', durationMs: 120_005 },
];

describe('renderTrace html', () => {
  const html = renderTrace(trace, { format: 'html' });

  it('is one self-contained page whose heading gives the run and its outcome', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>Run run-1 — recovered</title>');
    expect(html).toContain('<h1>Run run-1 — <span class="good">recovered</span></h1>');
    expect(html).toContain('<li>Playbook: ec2-first-line (live)</li>');
    expect(html).toContain('<li>Started: 2026-01-01T00:00:00.000Z</li>');
    expect(html.endsWith('</html>\n')).toBe(true);
  });

  it('has one table row per timeline line, the failing step marked bad', () => {
    const rows = html.match(/<tr[ >]/g) ?? [];
    const textLines = renderTrace(trace).trimEnd().split('\n');
    expect(rows.length - 1).toBe(textLines.length); // minus the header row
    expect(html).toMatch(/<tr class="bad"><td>\+00:00\.005<\/td><td>url<\/td><td>result<\/td>/);
  });

  it('escapes whatever the playbook or an action wrote', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('got &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; 503');
  });

  it('renders an empty trace without throwing', () => {
    expect(renderTrace([], { format: 'html' })).toContain('Run unknown — running');
  });
});

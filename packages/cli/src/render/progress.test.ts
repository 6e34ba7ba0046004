import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@firstline/core';
import { createCapturingIo } from '../io.js';
import { createProgress } from './progress.js';

const start: TraceEvent = {
  type: 'run.start',
  seq: 0,
  at: 0,
  runId: 'run-1',
  playbook: 'web',
  hash: 'h',
  mode: 'live',
  inputs: {},
  deadline: 600_000,
};
/** What a TTY line rewrite starts with: carriage return, erase line. */
const CLEAR = '\r\u001b[K';
const stepStart: TraceEvent = {
  type: 'step.start',
  seq: 1,
  at: 0,
  step: 'health',
  action: 'http.check',
  visit: 1,
};
const wait: TraceEvent = {
  type: 'wait.start',
  seq: 3,
  at: 5_000,
  step: 'recheck',
  until: 125_000,
  durationMs: 120_000,
};

describe('createProgress', () => {
  it('piped: one plain line per event, nothing rewritten', () => {
    const io = createCapturingIo({ isTTY: false });
    const progress = createProgress(io);
    progress.onEvent(start);
    progress.onEvent(stepStart);
    progress.stop();
    expect(io.stdout()).not.toContain('\r');
    expect(io.stdout().split('\n').filter(Boolean)).toHaveLength(2);
    expect(io.stdout()).toContain('step      health http.check');
  });

  it('on a TTY: a spinner line with the elapsed time of the running step, then the time left of a wait', () => {
    let now = 1_000;
    const io = createCapturingIo({ isTTY: true });
    const progress = createProgress(io, { now: () => now });
    progress.onEvent(start);
    progress.onEvent(stepStart);
    expect(io.stdout().endsWith(`${CLEAR}⠋ health http.check 0ms`)).toBe(true);
    now += 1_500;
    progress.onEvent({
      type: 'step.end',
      seq: 2,
      at: 1_500,
      step: 'health',
      outcome: 'pass',
      attempts: 1,
      durationMs: 1_500,
    });
    // The spinner line is cleared before the step's end is printed.
    expect(io.stdout()).toContain(`${CLEAR}+00:01.500  result`);
    progress.onEvent(wait);
    expect(io.stdout()).toMatch(/⠙ recheck waiting 2m left$/);
    progress.stop();
    expect(io.stdout().endsWith(CLEAR)).toBe(true);
  });
});

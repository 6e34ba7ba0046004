import { describe, expect, it } from 'vitest';
import { describeRun, matchPath } from './runPath.js';

describe('matchPath', () => {
  const paths = [
    { steps: [{ step: 'url', outcome: 'pass' }], outcome: 'healthy' },
    {
      steps: [
        { step: 'url', outcome: 'fail|error|timeout' },
        { step: 'fix', outcome: 'pass' },
      ],
      outcome: 'recovered',
    },
    {
      steps: [
        { step: 'url', outcome: 'fail|error|timeout' },
        { step: 'fix', outcome: 'pass' },
      ],
      outcome: 'unrecovered',
    },
  ];

  it("matches exact outcomes against a path step's alternatives, and the run outcome", () => {
    expect(matchPath(paths, [{ step: 'url', outcome: 'pass' }], 'healthy')).toBe(0);
    expect(
      matchPath(
        paths,
        [
          { step: 'url', outcome: 'timeout' },
          { step: 'fix', outcome: 'pass' },
        ],
        'recovered',
      ),
    ).toBe(1);
    expect(
      matchPath(
        paths,
        [
          { step: 'url', outcome: 'error' },
          { step: 'fix', outcome: 'pass' },
        ],
        'unrecovered',
      ),
    ).toBe(2);
  });

  it('does not match a prefix, an outcome outside the alternatives, or another run outcome', () => {
    expect(matchPath(paths, [{ step: 'url', outcome: 'fail' }], 'recovered')).toBe(-1);
    expect(
      matchPath(
        paths,
        [
          { step: 'url', outcome: 'skipped' },
          { step: 'fix', outcome: 'pass' },
        ],
        'recovered',
      ),
    ).toBe(-1);
    expect(matchPath(paths, [{ step: 'url', outcome: 'pass' }], 'timed_out')).toBe(-1);
  });

  it('describes a run the way core describes a path', () => {
    expect(
      describeRun(
        [
          { step: 'url', outcome: 'fail' },
          { step: 'fix', outcome: 'pass' },
        ],
        'recovered',
      ),
    ).toBe('url:fail → fix:pass ⇒ recovered');
    expect(describeRun([], 'recovered')).toBe('⇒ recovered');
  });
});

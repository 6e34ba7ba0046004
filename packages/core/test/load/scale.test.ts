// Issue 15, item 4: loading and validating stay linear up to the load limits. Each case times a
// small document and one 8× larger, and bounds the ratio (quadratic work would be ~64×), so the
// test holds on a slow or busy machine where an absolute bound would be flaky.
import { describe, expect, it } from 'vitest';
import { LOAD_LIMITS } from '../../src/load/limits.js';
import { tryParsePlaybook } from '../../src/load/loadPlaybook.js';
import { validatePlaybook } from '../../src/validate/validatePlaybook.js';

/**
 * The fastest of `runs` timings of `work`, in ms of this process's CPU time: the least disturbed by other
 * processes (the wall clock also counts the time a loaded machine gives them).
 */
function fastest(work: () => void, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    work();
    const { user, system } = process.cpuUsage(start);
    best = Math.min(best, (user + system) / 1000);
  }
  return best;
}

// Each case does seconds of CPU work (the large document alone is 32,000 keys): on a loaded 2-core machine that
// passed vitest's 5 s default. The bound is on the ratio, not on the time.
const BOUND = 60_000;

/** Times `work(n)` and `work(8n)` after a warm-up and returns the ratio, large over small. */
function growth(work: (n: number) => void, n: number): number {
  work(n); // warm-up: compile the hot paths before timing
  const small = fastest(() => work(n));
  const large = fastest(() => work(n * 8), 1);
  return large / Math.max(small, 1);
}

const manyKeys = (n: number) =>
  `firstline: 1\nname: wide\nmeta:\n${Array.from({ length: n }, (_, i) => `  key${i}: v${i}`).join('\n')}\n`;

const unknownGotos = (n: number) =>
  `firstline: 1\nname: lost\nsteps:\n${Array.from(
    { length: n },
    (_, i) => `  - id: step-${i}\n    action: core.log\n    with: { message: hi }\n    next: nowhere-${i}`,
  ).join('\n')}\n`;

describe('linear-time loading and validation', () => {
  it(
    'finds duplicate keys in a 32,000-key mapping without comparing every pair',
    () => {
      const text = manyKeys(32_000);
      expect(Buffer.byteLength(text)).toBeLessThan(LOAD_LIMITS.maxBytes);
      const ratio = growth((n) => {
        const result = tryParsePlaybook(manyKeys(n));
        expect(result.ok).toBe(true);
      }, 4_000);
      expect(ratio).toBeLessThan(30);
      // The check still works at that size.
      const dup = tryParsePlaybook(`${text}  key17: again\n`);
      expect(dup.issues).toMatchObject([{ code: 'E_DUPLICATE_KEY', line: 32_004, column: 3 }]);
    },
    BOUND,
  );

  it(
    'suggests for 4,000 unknown goto targets without a quadratic did-you-mean',
    () => {
      const check = (n: number) => {
        const result = tryParsePlaybook(unknownGotos(n));
        if (!result.ok) throw new Error(result.issues[0]?.message);
        const { issues } = validatePlaybook(result.playbook, {});
        expect(issues.filter((i) => i.code === 'E_UNKNOWN_STEP')).toHaveLength(n);
      };
      expect(Buffer.byteLength(unknownGotos(4_000))).toBeLessThan(LOAD_LIMITS.maxBytes);
      expect(growth(check, 500)).toBeLessThan(30);
    },
    BOUND,
  );

  it('still suggests the step an ordinary typo meant', () => {
    const result = tryParsePlaybook(
      `firstline: 1\nname: t\nsteps:\n  - id: check\n    action: core.log\n    with: { message: hi }\n    next: restrat\n  - id: restart\n    end: healthy\n`,
    );
    if (!result.ok) throw new Error(result.issues[0]?.message);
    const unknown = validatePlaybook(result.playbook, {}).issues.find((i) => i.code === 'E_UNKNOWN_STEP');
    expect(unknown?.message).toContain('did you mean "restart"?');
  });
});

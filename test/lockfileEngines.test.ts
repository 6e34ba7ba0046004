// .npmrc turns engine-strict off, for one package (aws-local-stepfunctions declares node >=22; the
// Step Functions test harness polyfills the one Node 22 API it calls). This test keeps the check for
// everything else: every package in the lockfile must accept the oldest Node this repo supports.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The oldest Node the packages declare (`engines.node >=20.19`). */
const OLDEST = [20, 19, 0] as const;

/** Packages allowed to declare a newer Node, and why each still runs on 20.19. */
const ALLOWED: Record<string, string> = {
  'aws-local-stepfunctions':
    'test harness only; Promise.withResolvers polyfilled (test/support/stepfunctions/polyfill.ts)',
};

type Version = readonly [number, number, number];

function parseVersion(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text.replace(/^v/, '').split('.').map(Number);
  return [major, minor, patch];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether `version` satisfies one comparator (`>=18`, `< 7`, `^20.9.0`, a bare `14`). */
function satisfiesComparator(version: Version, comparator: string): boolean {
  const match = /^(>=|<=|>|<|\^|~|=)?\s*v?(\d+(?:\.\d+){0,2})(?:\.[x*])?$/.exec(comparator);
  if (!match)
    throw new Error(`unsupported engines comparator "${comparator}": extend lockfileEngines.test.ts`);
  const op = match[1] ?? '';
  const parts = match[2]!.split('.').length;
  const bound = parseVersion(match[2]!);
  const c = compare(version, bound);
  if (op === '>=') return c >= 0;
  if (op === '>') return c > 0;
  if (op === '<=') return c <= 0;
  if (op === '<') return c < 0;
  if (op === '^') return c >= 0 && version[0] === bound[0];
  // `~`, `=` and a bare version: equal in the parts given (`14` is any 14.x).
  return version.slice(0, parts).every((n, i) => n === bound[i]) && (op !== '~' || c >= 0);
}

/** Whether `version` satisfies an npm range made of `||`-separated groups of comparators. */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((group) => {
    const comparators = group
      .trim()
      .replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    return comparators.length === 0 || comparators.every((c) => satisfiesComparator(version, c));
  });
}

describe('lockfile engines', () => {
  it('reads npm ranges as npm does for the forms the lockfile uses', () => {
    expect(satisfies(OLDEST, '>=18')).toBe(true);
    expect(satisfies(OLDEST, '>= 20.16.0')).toBe(true);
    expect(satisfies(OLDEST, '>=22.0.0')).toBe(false);
    expect(satisfies(OLDEST, '>=6 <7 || >=8')).toBe(true);
    expect(satisfies(OLDEST, '>=16 || 14 >=14.17')).toBe(true);
    expect(satisfies(OLDEST, '^18.18.0 || ^20.9.0 || >=21.1.0')).toBe(true);
    expect(satisfies(OLDEST, '^18.18.0 || >=21.1.0')).toBe(false);
    expect(satisfies(OLDEST, '20')).toBe(true);
    expect(satisfies(OLDEST, '10.* || >= 12.*')).toBe(true);
    expect(satisfies(OLDEST, '18 || >=22')).toBe(false);
    expect(satisfies(OLDEST, '>=20.20')).toBe(false);
  });

  it('every package in pnpm-lock.yaml runs on Node 20.19, apart from the ones allowed above', () => {
    const lockfile = parse(
      readFileSync(fileURLToPath(new URL('../pnpm-lock.yaml', import.meta.url)), 'utf8'),
    ) as { packages?: Record<string, { engines?: { node?: string } }> };
    const tooNew = Object.entries(lockfile.packages ?? {})
      .filter(([, pkg]) => pkg.engines?.node !== undefined && !satisfies(OLDEST, pkg.engines.node))
      .map(([id, pkg]) => `${id} (node ${pkg.engines?.node})`)
      .filter((entry) => !Object.keys(ALLOWED).some((name) => entry.startsWith(`${name}@`)));
    expect(tooNew).toEqual([]);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// vitest is an optional peer of core: only `@firstline/core/testing` may import it. Walks the import
// graph of the sources from each entry, following relative imports.
const src = fileURLToPath(new URL('../../src/', import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g;

/** Every module the entry reaches: relative ones as paths, packages by name. */
function reach(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (match[1] ?? match[2])!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  visit(resolve(src, entry));
  return { files, packages };
}

describe('the entries of @firstline/core', () => {
  it('the main entry never reaches vitest or the test kit', () => {
    const main = reach('index.ts');
    expect(main.files.size).toBeGreaterThan(50);
    expect([...main.packages].filter((p) => p.startsWith('vitest'))).toEqual([]);
    expect([...main.files].filter((f) => f.startsWith(resolve(src, 'testing')))).toEqual([]);
  });

  it('the testing entry is where vitest is imported', () => {
    expect(reach('testing/index.ts').packages).toContain('vitest');
  });
});

// The build, when there is one (`pnpm test` builds first): the same holds for what is published.
const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const built = existsSync(`${dist}index.js`) && existsSync(`${dist}testing.js`);

/** Every file of the ESM build an entry loads, following its relative imports (shared chunks). */
function bundled(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const [, spec] of readFileSync(entry, 'utf8').matchAll(/from\s+"(\.[^"]+)"/g))
    bundled(resolve(dirname(entry), spec!), seen);
  return seen;
}

describe.skipIf(!built)('the build of @firstline/core', () => {
  it('exports ./testing, and its main entry loads no vitest while the testing entry does', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
    };
    const testing = manifest.exports['./testing']!;
    expect(existsSync(resolve(dist, '..', testing.default))).toBe(true);
    expect(existsSync(resolve(dist, '..', testing.types))).toBe(true);
    const importsVitest = (file: string) => /from\s+"vitest"/.test(readFileSync(file, 'utf8'));
    expect([...bundled(`${dist}index.js`)].filter(importsVitest)).toEqual([]);
    expect([...bundled(`${dist}testing.js`)].some(importsVitest)).toBe(true);
  });
});

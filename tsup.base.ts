import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Options } from 'tsup';

/** The repository's root: the nearest directory up from `from` with a pnpm-workspace.yaml. */
function repoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}

/** An entry option as name → source file (tsup names an array entry after its file). */
function entryRecord(entry: NonNullable<Options['entry']>): Record<string, string> {
  if (!Array.isArray(entry)) return entry;
  return Object.fromEntries(entry.map((source) => [source.replace(/^.*\/|\.ts$/g, ''), source]));
}

/**
 * The `.d.ts` inputs for `entry`: the declarations `pnpm typecheck` emitted for those sources into the root's
 * dist/types/ (tsconfig.types.json). tsup's declaration step only rolls them up: rollup-plugin-dts reads `.d.ts`
 * inputs as they are, with no TypeScript program, where it used to compile and check the package's sources in a
 * program of its own (one per package, 127 CPU s for the repo's build).
 */
function emittedTypes(entry: Record<string, string>): Record<string, string> {
  // tsup bundles this file into each package's config, so import.meta does not point here: the root is found from
  // the package tsup runs in.
  const pkg = process.cwd();
  const root = repoRoot(pkg);
  const types = join(root, 'dist/types', relative(root, pkg));
  return Object.fromEntries(
    Object.entries(entry).map(([name, source]) => [name, join(types, source.replace(/\.ts$/, '.d.ts'))]),
  );
}

/**
 * The build every package shares: ESM + `.d.ts` for Node 20.19+, from `src/index.ts`.
 *
 * ESM only, on purpose: a second (CJS) build let two copies of a package load in one process, so a
 * core object made by one copy failed `instanceof` in the other. CommonJS callers `require()` this same
 * build (require(esm) is on by default from Node 20.19), so every caller shares one module instance.
 *
 * The `.d.ts` are rolled up from the root typecheck's declarations: each package's build script runs
 * `tsc -b ../../tsconfig.types.json` before tsup, which emits them if a source changed since and otherwise does
 * nothing (under a second).
 */
export function packageBuild(overrides: Options = {}): Options {
  const entry = overrides.entry ?? ['src/index.ts'];
  return {
    format: ['esm'],
    clean: true,
    sourcemap: true,
    target: 'node20',
    // import.meta.url in the CJS build (core loads ajv with createRequire on first need).
    shims: true,
    ...overrides,
    entry,
    dts: overrides.dts === false ? false : { entry: emittedTypes(entryRecord(entry)) },
  };
}

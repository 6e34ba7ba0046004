import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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

/** The newest modification time among the packages' sources and the root tsconfig files, in ms. */
function newestSource(root: string): number {
  let newest = 0;
  const seen = (file: string): void => {
    newest = Math.max(newest, statSync(file).mtimeMs);
  };
  for (const name of readdirSync(root)) if (/^tsconfig.*\.json$/.test(name)) seen(join(root, name));
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', pkg, 'src');
    if (!existsSync(src)) continue;
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) seen(join(src, file));
  }
  return newest;
}

/**
 * Makes sure dist/types/ holds the declarations of the sources as they are. The root `pnpm build` runs `tsc -b
 * tsconfig.types.json` first, so this only compares modification times (a few milliseconds); a package built alone
 * (`pnpm --filter <pkg> build`) after a source changed runs that `tsc -b` here, which type-checks the repo and emits.
 */
function ensureTypes(root: string): void {
  const buildInfo = join(root, 'dist/types/tsconfig.tsbuildinfo');
  if (existsSync(buildInfo) && statSync(buildInfo).mtimeMs >= newestSource(root)) return;
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.types.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
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
  ensureTypes(root);
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
 * The `.d.ts` are rolled up from the root typecheck's declarations (see ensureTypes).
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

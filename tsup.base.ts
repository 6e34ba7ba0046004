import type { Options } from 'tsup';

/**
 * The build every package shares: ESM + `.d.ts` for Node 20.19+, from `src/index.ts`.
 *
 * ESM only, on purpose: a second (CJS) build let two copies of a package load in one process, so a
 * core object made by one copy failed `instanceof` in the other. CommonJS callers `require()` this same
 * build (require(esm) is on by default from Node 20.19), so every caller shares one module instance.
 */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    // import.meta.url in the CJS build (core loads ajv with createRequire on first need).
    shims: true,
    ...overrides,
  };
}

import type { Options } from 'tsup';

/** The build every package shares: ESM + CJS + `.d.ts` for Node 20, from `src/index.ts`. */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    // import.meta.url in the CJS build (core loads ajv with createRequire on first need).
    shims: true,
    ...overrides,
  };
}

import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig([
  // `shims`: the CJS build gets import.meta.url too (init finds its gallery with it).
  packageBuild({
    tsconfig: 'tsconfig.build.json',
    shims: true,
    onSuccess: 'node scripts/copyGallery.mjs',
  }),
  // The executable: ESM only, with its shebang kept, no types (nothing imports it).
  packageBuild({
    entry: ['src/bin.ts'],
    format: ['esm'],
    dts: false,
    clean: false,
    tsconfig: 'tsconfig.build.json',
  }),
]);

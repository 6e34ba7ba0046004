import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig([
  packageBuild({ tsconfig: 'tsconfig.build.json', onSuccess: 'node scripts/copyGallery.mjs' }),
  // The executable, with its shebang kept, no types (nothing imports it).
  packageBuild({
    entry: ['src/bin.ts'],
    dts: false,
    clean: false,
    tsconfig: 'tsconfig.build.json',
  }),
]);

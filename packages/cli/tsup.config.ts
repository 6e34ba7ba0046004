import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig([
  packageBuild({ tsconfig: 'tsconfig.build.json', onSuccess: 'node scripts/copyGallery.mjs' }),
  // The executable, with its shebang kept, and the code cache bin/firstline.js installs before it runs the
  // bundle; no types (nothing imports them).
  packageBuild({
    entry: ['src/bin.ts', 'src/compileCache.ts'],
    dts: false,
    clean: false,
    tsconfig: 'tsconfig.build.json',
  }),
]);

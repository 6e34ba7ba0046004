import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig(
  packageBuild({
    // Two entries sharing chunks, so `/internal` and the root use the same module instances.
    entry: { index: 'src/index.ts', internal: 'src/internal.ts' },
    // The schema ships as its own file so editors can point `$schema` at @firstline/core/schema.json.
    onSuccess: () => copyFile('src/format/schema.json', 'dist/schema.json'),
  }),
);

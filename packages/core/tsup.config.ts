import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig(
  packageBuild({
    // Entries sharing chunks, so `/internal`, `/action-kit` and the root use the same module instances;
    // `@firstline/core/testing` is its own entry: it imports vitest, which the main entry must never load.
    entry: {
      index: 'src/index.ts',
      internal: 'src/internal.ts',
      testing: 'src/testing/index.ts',
      'action-kit': 'src/actionKit/index.ts',
    },
    // The schema ships as its own file so editors can point `$schema` at @firstline/core/schema.json.
    onSuccess: () => copyFile('src/format/schema.json', 'dist/schema.json'),
  }),
);

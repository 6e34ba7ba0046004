import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig(
  packageBuild({
    // The action kit is its own entry: `@firstline/core/action-kit`.
    entry: { index: 'src/index.ts', 'action-kit': 'src/actionKit/index.ts' },
    // The schema ships as its own file so editors can point `$schema` at @firstline/core/schema.json.
    onSuccess: () => copyFile('src/format/schema.json', 'dist/schema.json'),
  }),
);

import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// Two entries: everything, and the alarm event parsers alone (no AWS SDK client is loaded through them).
export default defineConfig(
  packageBuild({
    tsconfig: 'tsconfig.build.json',
    entry: { index: 'src/index.ts', triggers: 'src/triggers/index.ts' },
  }),
);

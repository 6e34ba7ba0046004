import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// Two entries: the actions, and the latency monitor alone (only it loads prom-client).
export default defineConfig(
  packageBuild({
    tsconfig: 'tsconfig.build.json',
    entry: { index: 'src/index.ts', monitor: 'src/monitor/index.ts' },
  }),
);

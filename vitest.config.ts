import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Sibling packages are imported by their public names; in tests those names resolve to the
// TypeScript sources so a change is tested without a rebuild. The build itself is checked by
// `pnpm test` (which builds) and by the examples' subprocess tests.
const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Suites that start real processes and servers (the built bin, sshd, moto, Prometheus) wait on the
// machine, not on a virtual clock: on a loaded 2-core CI box a node start alone can take seconds, so
// vitest's 5 s default turned slow into failed, and with other jobs on the machine (load 10 on 2 cores) the Lambda
// moto scenarios passed 30 s. Their tests stay deterministic; only the bound is wider. Core's suite runs on
// virtual time and keeps the default, its few CPU-heavy or process-spawning tests carrying their own bound.
const realParts = { testTimeout: 60_000, hookTimeout: 120_000 };

// vitest's default is one worker less than the cores: on CI's 2 cores, one file at a time, one core idle while a
// file imports or computes. The suites that share no server (no moto_server, sshd or Prometheus started by a
// global setup) run first, two files at a time at least; the rest run after them with the default, as before:
// their files share one moto or sshd per project.
const inProcess = { maxWorkers: Math.max(2, availableParallelism() - 1), sequence: { groupOrder: 0 } };
const sharedServers = { sequence: { groupOrder: 1 } };
const sharesNoServer = new Set(['notifiers', 'server', 'cdk']);

export default defineConfig({
  resolve: {
    alias: {
      // Before @firstline/core: an alias matches by prefix, the longer name must come first.
      '@firstline/core/testing': fileURLToPath(
        new URL('./packages/core/src/testing/index.ts', import.meta.url),
      ),
      // Subpaths before their package: an alias also matches the names that start with it.
      '@firstline/core/internal': fileURLToPath(new URL('./packages/core/src/internal.ts', import.meta.url)),
      '@firstline/core/action-kit': fileURLToPath(
        new URL('./packages/core/src/actionKit/index.ts', import.meta.url),
      ),
      '@firstline/core': src('core'),
      '@firstline/actions-aws/triggers': fileURLToPath(
        new URL('./packages/actions-aws/src/triggers/index.ts', import.meta.url),
      ),
      '@firstline/actions-aws': src('actions-aws'),
      '@firstline/actions-net/monitor': fileURLToPath(
        new URL('./packages/actions-net/src/monitor/index.ts', import.meta.url),
      ),
      '@firstline/actions-net': src('actions-net'),
      '@firstline/notifiers': src('notifiers'),
      '@firstline/cli': src('cli'),
      '@firstline/store-dynamodb': src('store-dynamodb'),
      '@firstline/lambda': src('lambda'),
      '@firstline/server': src('server'),
      '@firstline/cdk': src('cdk'),
      '@firstline/stepfunctions': src('stepfunctions'),
    },
  },
  test: {
    // Under CI a JSON report is written too, so .ci/run can close on a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          root: 'packages/core',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          ...inProcess,
        },
      },
      ...[
        'actions-aws',
        'actions-net',
        'notifiers',
        'cli',
        'store-dynamodb',
        'lambda',
        'server',
        'stepfunctions',
        'cdk',
      ].map((name) => ({
        extends: true as const,
        test: {
          name,
          root: `packages/${name}`,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // Browser suites run in their own project (below): one Chromium, longer bounds.
          exclude: [...configDefaults.exclude, 'test/**/*.browser.test.ts'],
          // A package's own global setup (moto_server, sshd…) lives at test/globalSetup.ts when it needs one.
          globalSetup: existsSync(`packages/${name}/test/globalSetup.ts`) ? ['test/globalSetup.ts'] : [],
          ...realParts,
          ...(sharesNoServer.has(name) ? inProcess : sharedServers),
        },
      })),
      {
        extends: true,
        // Checks across every package (API docs), kept out of any one package's suite.
        test: {
          name: 'repo',
          root: '.',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/**/*.moto.test.ts'],
          ...inProcess,
        },
      },
      {
        extends: true,
        // The Step Functions harness on moto's Step Functions: the same moto_server setup as
        // @firstline/actions-aws (a free port; skipped loudly without moto, a failure under CI=true).
        test: {
          name: 'stepfunctions-harness',
          root: '.',
          include: ['test/**/*.moto.test.ts'],
          globalSetup: ['packages/actions-aws/test/globalSetup.ts'],
          ...realParts,
          ...sharedServers,
        },
      },
      {
        extends: true,
        // The server's console in headless Chromium (puppeteer-core, the system's Chromium): one browser
        // launch, a real server and real runs; bounds wider still, a cold Chromium start is slow.
        test: {
          name: 'server-browser',
          root: 'packages/server',
          include: ['test/**/*.browser.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          ...sharedServers,
        },
      },
      {
        extends: true,
        test: {
          name: 'examples',
          root: 'examples',
          include: ['test/**/*.test.ts'],
          ...realParts,
          ...sharedServers,
        },
      },
    ],
  },
});

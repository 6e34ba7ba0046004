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
// file imports or computes. Every project runs two files at a time at least. The suites with a server of their
// own (moto_server, sshd, Prometheus, from a global setup) share it between their files: no file resets moto but
// @firstline/actions-aws's one moto file, and each file makes its own tables, instances and policies.
//
// Files share their worker process (isolate: false): a process per file (vitest's default) loaded vitest, the
// AWS SDK, aws-cdk-lib and the sources again for each of some 240 files, about 40 % of the run's CPU. The run
// core, the stores and the actions keep no state in their modules but caches keyed by what they cache, and the
// test files stop what they start and restore what they change (env stubs are undone after each test, below).
// A file that replaces a module with vi.mock would leave the replacement to the next file, or find the real
// module already loaded by an earlier one: such files run each in a fresh process (`ownProcess`).
const workers = { maxWorkers: Math.max(2, availableParallelism() - 1), isolate: false };
const ownProcess: Record<string, string[]> = { lambda: ['test/compileOnce.test.ts'] };

/**
 * A package's own test setup: its global setup (moto_server, sshd…) at test/globalSetup.ts, and a per-file
 * setup at test/setup.ts (the CDK package's: where its Apps synthesize), each when the package has one.
 */
function packageSetup(name: string) {
  const has = (file: string) => existsSync(`packages/${name}/test/${file}`);
  return {
    globalSetup: has('globalSetup.ts') ? ['test/globalSetup.ts'] : [],
    setupFiles: has('setup.ts') ? ['test/setup.ts'] : [],
  };
}

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
    // Files share a process (see `workers`): what one file stubs must not reach the next.
    unstubEnvs: true,
    unstubGlobals: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          root: 'packages/core',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          ...workers,
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
          exclude: [...configDefaults.exclude, 'test/**/*.browser.test.ts', ...(ownProcess[name] ?? [])],
          ...packageSetup(name),
          ...realParts,
          ...workers,
        },
      })),
      ...Object.entries(ownProcess).map(([name, files]) => ({
        extends: true as const,
        // The files that mock a module with vi.mock, each in a fresh process (see `workers`); they start no server.
        test: {
          name: `${name}-own-process`,
          root: `packages/${name}`,
          include: files,
          ...realParts,
          ...workers,
          isolate: true,
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
          ...workers,
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
          ...workers,
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
          ...workers,
        },
      },
      {
        extends: true,
        test: {
          name: 'examples',
          root: 'examples',
          include: ['test/**/*.test.ts'],
          ...realParts,
          ...workers,
        },
      },
    ],
  },
});

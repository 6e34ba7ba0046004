import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES } from './support.js';

// The built `firstline` bin as a real subprocess, for the tests that need the process itself: exit
// codes, signals, piped output. `pnpm test` builds before it tests.

/**
 * Which bin the subprocess tests run: by default `bin/firstline.js`, the bin users run (it runs the
 * bundle, dist/bundle/firstline.cjs, with its code cache); FIRSTLINE_TEST_BIN=dist runs dist/bin.js (the CLI on
 * node_modules, what the bin falls back to), FIRSTLINE_TEST_BIN=bundle the bundle itself.
 */
export const BIN_KIND: 'bin' | 'dist' | 'bundle' =
  process.env.FIRSTLINE_TEST_BIN === 'dist' || process.env.FIRSTLINE_TEST_BIN === 'bundle'
    ? process.env.FIRSTLINE_TEST_BIN
    : 'bin';

/** The built bundle, which `bin/firstline.js` runs when it exists. */
export const BUNDLE = fileURLToPath(new URL('../dist/bundle/firstline.cjs', import.meta.url));

/**
 * The bin's V8 code cache for this test process (FIRSTLINE_COMPILE_CACHE): a directory of its own under the
 * system's temporary one, not the user's ~/.cache; the first test to start a command writes it, the others
 * read it, as a user's second run does. compileCache.test.ts tests the cache itself.
 */
export const COMPILE_CACHE = join(tmpdir(), `firstline-test-compile-cache-${process.pid}`);

/** The file the subprocess tests start with node. */
export const BIN =
  BIN_KIND === 'dist'
    ? fileURLToPath(new URL('../dist/bin.js', import.meta.url))
    : BIN_KIND === 'bundle'
      ? BUNDLE
      : fileURLToPath(new URL('../bin/firstline.js', import.meta.url));

/** Whether the CLI under test is the bundle (its packages are inside it, not in node_modules). */
export const BUNDLED = BIN_KIND !== 'dist';

/**
 * Throws unless the CLI is built: call it in a beforeAll. The bin would fall back to dist/bin.js
 * without the bundle, so the bundle is required too: the tests must run what users run.
 */
export function requireBuiltBin(): void {
  for (const file of [BIN, ...(BUNDLED ? [BUNDLE] : [])])
    if (!existsSync(file)) throw new Error(`${file} is missing: run pnpm build first (pnpm test does)`);
}

/** How the subprocess ended, and everything it printed. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Called with everything a stream has printed so far, on every chunk; may signal the child. */
export type OnOutput = (text: string, child: ReturnType<typeof spawn>) => void;

/**
 * The clean environment the bin runs in: PATH, HOME, a region, this test process's code cache, and `env`.
 */
export function binEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    AWS_REGION: 'us-east-1',
    FIRSTLINE_COMPILE_CACHE: COMPILE_CACHE,
    ...env,
  };
}

/** Spawns the bin in the fixtures directory with a clean environment (no TTY: stdout is a pipe). */
export function firstline(
  args: string[],
  env: Record<string, string> = {},
  onStdout?: OnOutput,
  onStderr?: OnOutput,
): Promise<Exit> {
  return runNode([BIN, ...args], { cwd: FIXTURES, env: binEnv(env), onStdout, onStderr });
}

/**
 * Runs `node <args>` with exactly `env` (stdin closed, output piped and collected); resolves when it
 * exits. `onStdout`/`onStderr` see everything printed so far, on every chunk.
 */
export function runNode(
  args: string[],
  options: { cwd?: string; env: Record<string, string>; onStdout?: OnOutput; onStderr?: OnOutput },
): Promise<Exit> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    options.onStdout?.(stdout, child);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(stderr, child);
  });
  return new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

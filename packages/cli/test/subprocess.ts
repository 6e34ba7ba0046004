import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FIXTURES } from './support.js';

// The built `firstline` bin as a real subprocess, for the tests that need the process itself: exit
// codes, signals, piped output. `pnpm test` builds before it tests.

/** The built bin. */
// FIRSTLINE_TEST_BIN=bundle runs the same tests against the bundled bin (dist/bundle/firstline.mjs).
export const BIN = fileURLToPath(
  new URL(
    process.env.FIRSTLINE_TEST_BIN === 'bundle' ? '../dist/bundle/firstline.mjs' : '../dist/bin.js',
    import.meta.url,
  ),
);

/** Throws unless the bin is built: call it in a beforeAll. */
export function requireBuiltBin(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run pnpm build first (pnpm test does)`);
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

/** Spawns the bin in the fixtures directory with a clean environment (no TTY: stdout is a pipe). */
export function firstline(
  args: string[],
  env: Record<string, string> = {},
  onStdout?: OnOutput,
  onStderr?: OnOutput,
): Promise<Exit> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: FIXTURES,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_REGION: 'us-east-1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    onStdout?.(stdout, child);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr, child);
  });
  return new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

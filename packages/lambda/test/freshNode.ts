import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What a fresh node process left: its exit code and what it printed. */
export interface FreshRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` as an ES module in a fresh node process in `dir`, where a bundle was copied alone: the
 * bundle's URL is in `BUNDLE`, and the environment holds PATH and `env` only (nothing of this process's
 * AWS settings leaks in).
 */
export function runInFreshNode(
  dir: string,
  bundle: string,
  script: string,
  env: Record<string, string>,
): Promise<FreshRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', BUNDLE: pathToFileURL(join(dir, bundle)).href, ...env },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

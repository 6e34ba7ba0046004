import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../context.js';

/** What a directory is searched for. */
export const SCENARIO_FILE_PATTERN = '**/*.scenarios.{yaml,yml}';

// Dependencies and dot directories (.git, .cache) hold other people's scenario files, or none.
const IGNORE = ['**/node_modules/**'];

/**
 * The scenario files `paths` name, absolute, sorted and without repeats: a file as it is, a directory
 * searched recursively for `*.scenarios.yaml` (skipping node_modules and dot directories), a glob as
 * it matches. A path that names nothing, or no scenario file found at all, is a usage error.
 */
export async function findScenarioFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  const given = paths.length > 0 ? paths : ['.'];
  // tinyglobby is imported on use: the commands this module is bundled with (simulate…) never glob.
  const { glob, isDynamicPattern } = await import('tinyglobby');
  for (const path of given) {
    if (isDynamicPattern(path)) {
      const matches = await glob(path, {
        cwd,
        absolute: true,
        ignore: IGNORE,
        onlyFiles: true,
        expandDirectories: false,
      });
      if (matches.length === 0)
        throw new UsageError(
          `no files match ${path}`,
          'check the pattern; quote it so the shell does not expand it',
        );
      matches.forEach((m) => found.add(resolve(m)));
      continue;
    }
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (!info)
      throw new UsageError(
        `${path}: no such file or directory`,
        'firstline test takes scenario files, directories and globs',
      );
    if (!info.isDirectory()) {
      found.add(absolute);
      continue;
    }
    const matches = await glob(SCENARIO_FILE_PATTERN, {
      cwd: absolute,
      absolute: true,
      ignore: IGNORE,
      onlyFiles: true,
    });
    matches.forEach((m) => found.add(resolve(m)));
  }
  if (found.size === 0)
    throw new UsageError(
      `no scenario files (*.scenarios.yaml) found in ${given.join(', ')}`,
      'write one next to your playbook (see firstline test --help), or pass the directory that holds them',
    );
  return [...found].sort();
}

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The file names a project config may have, in the order they are looked for in each directory. */
export const CONFIG_NAMES = [
  'firstline.config.ts',
  'firstline.config.mts',
  'firstline.config.mjs',
  'firstline.config.js',
] as const;

/**
 * The nearest project config: the first of {@link CONFIG_NAMES} in `start` or any directory above
 * it, or undefined. `start` may be a file (its directory is searched) or a path that does not exist.
 */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const file = join(dir, name);
      if (existsSync(file)) return file;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

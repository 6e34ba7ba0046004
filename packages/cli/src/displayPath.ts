import { relative } from 'node:path';

// Its own module, not openPlaybook.ts: the commands that only show paths (validate, the config loader)
// then do not import the compiler with it, and the bundle keeps XState out of their chunks.

/** A path relative to `cwd` when it lies inside it, else absolute: short, and still clickable. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

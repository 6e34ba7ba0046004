import { describePath, enumeratePaths } from '@firstline/core';
import { EXIT } from '../context.js';
import type { CliContext } from '../context.js';
import { paletteFor } from '../io.js';
import { openPlaybook } from '../openPlaybook.js';

/** Options of `firstline paths`. */
export interface PathsFlags {
  /** The paths as JSON. */
  json?: boolean;
}

/**
 * `firstline paths <playbook>`: every way through the playbook, one per line, each the decisions
 * taken and the outcome it ends with; what `firstline test` measures its coverage against.
 */
export async function pathsCommand(path: string, flags: PathsFlags, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const { compiled } = await openPlaybook(path, ctx);
  const { paths, truncated } = enumeratePaths(compiled);
  if (flags.json) {
    io.out(`${JSON.stringify({ playbook: compiled.name, paths, truncated }, null, 2)}\n`);
    return EXIT.ok;
  }
  const palette = paletteFor(io);
  for (const path of paths) io.out(`${describePath(path)}\n`);
  const note = truncated ? ' (truncated: the playbook has more)' : '';
  io.err(palette.dim(`${paths.length} path${paths.length === 1 ? '' : 's'}${note}\n`));
  return EXIT.ok;
}

import { resolve } from 'node:path';
import { compilePlaybook, loadPlaybook } from '@firstline/core';
import { EXIT, UsageError } from '../context.js';
import type { CliContext } from '../context.js';
import { toDot } from '../graph/toDot.js';
import { toGraphJson } from '../graph/toGraphJson.js';
import { toMermaid } from '@firstline/core/internal';

/** The formats `firstline graph` draws in. */
export const GRAPH_FORMATS = ['mermaid', 'dot', 'json'] as const;

/** Options of `firstline graph`. */
export interface GraphOptions {
  /** Mermaid `stateDiagram-v2` (default), Graphviz DOT, or the graph as JSON. */
  format: (typeof GRAPH_FORMATS)[number];
}

/**
 * `firstline graph <playbook>`: prints the compiled machine as a diagram. An invalid playbook throws
 * PlaybookInvalid (printed with positions, exit 2); an unknown format is a usage error.
 */
export async function graphCommand(
  playbookPath: string,
  options: GraphOptions,
  ctx: CliContext,
): Promise<number> {
  const format = options.format as string;
  if (!(GRAPH_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`unknown graph format "${format}"`, `use one of: ${GRAPH_FORMATS.join(', ')}`);
  const loaded = await loadPlaybook(resolve(ctx.io.cwd, playbookPath), { file: playbookPath });
  const compiled = compilePlaybook(loaded, { actions: ctx.actions });
  const text =
    options.format === 'json'
      ? `${JSON.stringify(toGraphJson(compiled), null, 2)}\n`
      : options.format === 'dot'
        ? toDot(compiled)
        : toMermaid(compiled);
  ctx.io.out(text);
  return EXIT.ok;
}

import type { CompiledPlaybook } from '@firstline/core';
import { playbookGraph } from '@firstline/core/internal';
import type { PlaybookGraph } from '@firstline/core/internal';

/**
 * A compiled playbook's graph as plain JSON data: `{ name, form, start, nodes, edges: [{ from, to, label }] }`,
 * the same nodes and edges the Mermaid and DOT renderings draw.
 *
 * @example
 * const { nodes, edges } = toGraphJson(compiled);
 */
export function toGraphJson(compiled: CompiledPlaybook): PlaybookGraph {
  return playbookGraph(compiled);
}

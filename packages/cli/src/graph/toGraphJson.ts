import type { CompiledPlaybook } from '@firstline/core';
import { playbookGraph } from './playbookGraph.js';
import type { PlaybookGraph } from './playbookGraph.js';

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

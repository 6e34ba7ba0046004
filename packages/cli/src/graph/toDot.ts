import type { CompiledPlaybook } from '@firstline/core';
import { playbookGraph } from '@firstline/core/internal';
import type { GraphNode, PlaybookGraph } from '@firstline/core/internal';
import { BAD_OUTCOMES, GOOD_OUTCOME_SET } from '@firstline/core/internal';

// Pseudo-nodes for the start and the end; node ids of the graph never hold parentheses.
const START = '(start)';
const END = '(end)';

/**
 * Renders a compiled playbook as a Graphviz `digraph`: the same nodes and edges as the Mermaid
 * diagram, judges as diamonds, parallel groups as clusters, run outcomes coloured.
 *
 * @example
 * writeFileSync('ec2.dot', toDot(compiled)); // dot -Tsvg ec2.dot > ec2.svg
 */
export function toDot(compiled: CompiledPlaybook | PlaybookGraph): string {
  const graph = 'ir' in compiled ? playbookGraph(compiled) : compiled;
  const lines = [
    `digraph ${quote(graph.name)} {`,
    `  // ${graph.name.replace(/\s+/g, ' ')} (${graph.form} form), drawn by firstline graph`,
    '  rankdir=TB;',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
    `  ${quote(START)} [shape=point, width=0.15, label=""];`,
  ];
  for (const node of graph.nodes) {
    if (node.parent !== undefined) continue;
    const members = graph.nodes.filter((n) => n.parent === node.id);
    if (members.length === 0) {
      lines.push(`  ${quote(node.id)} [${attributes(node)}];`);
      continue;
    }
    // A parallel group: a cluster holding the group (where it decides) and the steps it runs at once.
    lines.push(
      `  subgraph ${quote(`cluster_${node.id}`)} {`,
      `    label=${quote('parallel')}; style="rounded,dashed"; fontname="Helvetica"; fontsize=10;`,
      `    ${quote(node.id)} [${attributes(node)}];`,
      ...members.map((m) => `    ${quote(m.id)} [${attributes(m)}];`),
      '  }',
    );
  }
  const leaving = new Set(graph.edges.map((e) => e.from));
  const ends = graph.nodes.filter(
    (n) => n.parent === undefined && !leaving.has(n.id) && (n.kind === 'outcome' || n.kind === 'notify'),
  );
  if (ends.length > 0) lines.push(`  ${quote(END)} [shape=doublecircle, width=0.12, label=""];`);

  lines.push(`  ${quote(START)} -> ${quote(graph.start)};`);
  for (const edge of graph.edges)
    lines.push(
      `  ${quote(edge.from)} -> ${quote(edge.to)}${edge.label ? ` [label=${quote(edge.label)}]` : ''};`,
    );
  for (const node of ends) lines.push(`  ${quote(node.id)} -> ${quote(END)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function attributes(node: GraphNode): string {
  switch (node.kind) {
    case 'choice':
      return `shape=diamond, style="", label=${quote(node.label)}`;
    case 'outcome': {
      const fill = GOOD_OUTCOME_SET.has(node.outcome!)
        ? '#e6f4ea'
        : BAD_OUTCOMES.has(node.outcome!)
          ? '#fdecea'
          : '#eeeeee';
      return `shape=ellipse, style=filled, fillcolor=${quote(fill)}, label=${quote(node.label)}`;
    }
    case 'notify':
      return `style="rounded,dashed", label=${quote(node.label)}`;
    default:
      return `label=${quote(node.label)}`;
  }
}

/** A DOT string literal: backslashes and quotes escaped, line breaks kept as DOT's `\n`. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

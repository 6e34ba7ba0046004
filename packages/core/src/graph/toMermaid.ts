import type { CompiledPlaybook } from '../compile/compilePlaybook.js';
import { playbookGraph } from './playbookGraph.js';
import type { GraphNode, PlaybookGraph } from './playbookGraph.js';

/** Outcomes drawn green: the run ended well (the same ones the CLI's exit code counts as good). */
export const GOOD_OUTCOME_SET: ReadonlySet<string> = new Set(['healthy', 'recovered']);
/** Outcomes drawn red: a person has to look. */
export const BAD_OUTCOMES: ReadonlySet<string> = new Set([
  'unrecovered',
  'inconclusive',
  'failed',
  'timed_out',
  'cancelled',
]);

/** Options of {@link toMermaid}. */
export interface MermaidOptions {
  /** Graph node ids to highlight (class `taken`): the path a run went, as the console draws it. */
  visited?: ReadonlySet<string>;
}

/**
 * Renders a compiled playbook as a Mermaid `stateDiagram-v2`: steps as states labelled `id (action)`,
 * judges as `<<choice>>`, parallel groups as concurrent composite states, run outcomes as end states.
 *
 * @example
 * console.log(toMermaid(compilePlaybook(await loadPlaybook('ec2.yaml'), { actions })));
 */
export function toMermaid(compiled: CompiledPlaybook | PlaybookGraph, options: MermaidOptions = {}): string {
  const graph = 'ir' in compiled ? playbookGraph(compiled) : compiled;
  const ids = mermaidIds(graph.nodes);
  const id = (node: string) => ids.get(node)!;
  const lines = [
    'stateDiagram-v2',
    `  %% ${oneLine(graph.name)} (${graph.form} form), drawn by firstline graph`,
  ];

  const state = (node: GraphNode, indent: string): string[] => {
    if (node.kind === 'choice') return [`${indent}state ${id(node.id)} <<choice>>`];
    const members = graph.nodes.filter((n) => n.parent === node.id);
    if (members.length === 0) return [`${indent}state "${text(node.label)}" as ${id(node.id)}`];
    // A parallel group: one concurrent region per step, as XState runs them.
    const regions = members.flatMap((m, i) => [
      ...(i > 0 ? [`${indent}  --`] : []),
      ...state(m, `${indent}  `),
    ]);
    return [`${indent}state "${text(node.label)}" as ${id(node.id)} {`, ...regions, `${indent}}`];
  };
  for (const node of graph.nodes) if (node.parent === undefined) lines.push(...state(node, '  '));

  lines.push(`  [*] --> ${id(graph.start)}`);
  for (const edge of graph.edges)
    lines.push(`  ${id(edge.from)} --> ${id(edge.to)}${edge.label ? ` : ${edgeText(edge.label)}` : ''}`);
  const leaving = new Set(graph.edges.map((e) => e.from));
  for (const node of graph.nodes)
    if (
      node.parent === undefined &&
      !leaving.has(node.id) &&
      (node.kind === 'outcome' || node.kind === 'notify')
    )
      lines.push(`  ${id(node.id)} --> [*]`);

  const outcomes = graph.nodes.filter((n) => n.kind === 'outcome');
  const good = outcomes.filter((n) => GOOD_OUTCOME_SET.has(n.outcome!)).map((n) => id(n.id));
  const bad = outcomes.filter((n) => BAD_OUTCOMES.has(n.outcome!)).map((n) => id(n.id));
  if (good.length > 0)
    lines.push('  classDef good fill:#e6f4ea,stroke:#1e7e34', `  class ${good.join(',')} good`);
  if (bad.length > 0)
    lines.push('  classDef bad fill:#fdecea,stroke:#b71c1c', `  class ${bad.join(',')} bad`);
  // Drawn last: Mermaid applies a node's classes in order, and the path a run took is what a reader wants to see.
  const taken = graph.nodes.filter((n) => options.visited?.has(n.id)).map((n) => id(n.id));
  if (taken.length > 0)
    lines.push('  classDef taken stroke:#1a56db,stroke-width:3px', `  class ${taken.join(',')} taken`);
  return `${lines.join('\n')}\n`;
}

// Mermaid's state lexer reads `default` at the start of a word as a keyword, and ends an id at `-`,
// `:`, whitespace or `{`: ids keep only word characters, and never start with "default".
const KEYWORD_START = /^default/i;

/** A Mermaid-safe, unique id per node: the readable name with anything but [A-Za-z0-9_] folded to `_`. */
function mermaidIds(nodes: readonly GraphNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const node of nodes) {
    let base = node.id.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
    if (base === '' || KEYWORD_START.test(base)) base = `s_${base}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    ids.set(node.id, id);
  }
  return ids;
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ');
}

/** A state description: quoted by Mermaid, so only quotes and markup need entity codes. */
function text(value: string): string {
  return oneLine(value).replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** An edge label runs to the end of the line and may not hold `:`, `;` or a `#` comment. */
function edgeText(value: string): string {
  return oneLine(value).replace(/[:;#]/g, ' ');
}

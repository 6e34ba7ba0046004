import { formatDuration } from '@firstline/core';
import type { CompiledPlaybook, StepOutcome } from '@firstline/core';
import type { IRNode, JudgeNode, Target } from '@firstline/core/internal';

/** What a node of the drawn graph stands for; judges are drawn as choices. */
export type GraphNodeKind =
  'action' | 'wait' | 'poll' | 'parallel' | 'goto' | 'choice' | 'notify' | 'outcome';

/** One node of a playbook's graph, named for people (no internal state keys). */
export interface GraphNode {
  /** Unique within the graph: the step id, `outcome:<name>` for outcomes, the rule for choices. */
  id: string;
  kind: GraphNodeKind;
  /** One line saying what the node does: `url (http.check)`, `recheck (wait 2m)`. */
  label: string;
  /** The step id traces report, for nodes that are steps. */
  step?: string;
  /** The action a step runs. */
  action?: string;
  /** The parallel group a step runs in. */
  parent?: string;
  /** The bound on visits, when the step has one. */
  maxVisits?: number;
  /** The run outcome an `outcome` node stands for. */
  outcome?: string;
}

/** One transition: step outcomes (`pass`, `fail|error|timeout`), a choice's condition, or unconditional (''). */
export interface GraphEdge {
  from: string;
  to: string;
  label: string;
  /** The step outcomes that take this edge, for edges leaving a step. */
  outcomes?: StepOutcome[];
}

/** A compiled playbook as a graph: what `firstline graph` renders as Mermaid, DOT or JSON. */
export interface PlaybookGraph {
  name: string;
  form: 'first-line' | 'general';
  /** The node the run starts at. */
  start: string;
  /** In flow order (as first reached from the start), then outcomes and notifications. */
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const OUTCOME_ORDER: readonly StepOutcome[] = ['pass', 'fail', 'error', 'timeout', 'skipped'];

const CHOICE_LABELS: Record<JudgeNode['rule'], string> = {
  'checks-passed': 'all checks passed',
  'checks-failed': 'a check failed',
  'next-round': 'next round',
  'fell-off': 'end of steps',
};

/**
 * Builds the graph of a compiled playbook from its IR: steps named by id, edges labelled with the
 * outcomes that take them, judges as choices, run outcomes as end nodes followed by their notifications.
 */
export function playbookGraph(compiled: CompiledPlaybook): PlaybookGraph {
  const { ir } = compiled;
  const taken = new Set<string>();
  const unique = (wanted: string): string => {
    let id = wanted;
    for (let n = 2; taken.has(id); n++) id = `${wanted}#${n}`;
    taken.add(id);
    return id;
  };
  const idOfKey = new Map<string, string>();
  for (const node of ir.nodes.values())
    idOfKey.set(node.key, unique(node.kind === 'judge' ? node.rule : node.id));

  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const outcomeIds = new Map<string, string>();
  const outcomeNode = (outcome: string): string => {
    let id = outcomeIds.get(outcome);
    if (id === undefined) {
      id = unique(`outcome:${outcome}`);
      outcomeIds.set(outcome, id);
      nodes.set(id, { id, kind: 'outcome', label: outcome, outcome });
      const first = ir.notify.get(outcome)?.[0];
      if (first) edges.push({ from: id, to: idOfKey.get(first.key)!, label: '' });
    }
    return id;
  };
  const to = (target: Target): string =>
    'outcome' in target ? outcomeNode(target.outcome) : (idOfKey.get(target.node) ?? outcomeNode('failed'));
  const byOutcome = (from: string, on: Partial<Record<StepOutcome, Target>>, possible: StepOutcome[]) => {
    const groups = new Map<string, StepOutcome[]>();
    for (const outcome of OUTCOME_ORDER) {
      const target = on[outcome];
      if (!target || !possible.includes(outcome)) continue;
      const id = to(target);
      groups.set(id, [...(groups.get(id) ?? []), outcome]);
    }
    for (const [id, outcomes] of groups) edges.push({ from, to: id, label: outcomes.join('|'), outcomes });
  };

  for (const node of ir.nodes.values()) {
    const id = idOfKey.get(node.key)!;
    nodes.set(id, describe(node, id, idOfKey));
    if (node.kind === 'parallel')
      for (const step of node.steps) {
        const sub = unique(step.id);
        nodes.set(sub, { ...describe(step, sub, idOfKey), parent: id });
      }
  }
  // Edges are added per node after all ids exist, so a target's id is known whatever the order.
  for (const node of ir.nodes.values()) {
    const id = idOfKey.get(node.key)!;
    switch (node.kind) {
      case 'action':
        if (node.place === 'notify') {
          const next = node.on.pass;
          if ('node' in next && idOfKey.has(next.node))
            edges.push({ from: id, to: idOfKey.get(next.node)!, label: '' });
        } else
          byOutcome(id, node.on, [
            'pass',
            'fail',
            'error',
            'timeout',
            ...(node.when ? ['skipped' as const] : []),
          ]);
        // A remediation a budget counts may be refused: the run then ends skipped (and escalates).
        if (node.place !== 'notify' && ir.budgets.some((b) => b.actions.includes(node.action)))
          edges.push({ from: id, to: outcomeNode('skipped'), label: 'budget spent', outcomes: ['skipped'] });
        break;
      case 'wait':
        byOutcome(id, node.on, ['pass']);
        break;
      case 'poll':
        byOutcome(id, node.on, ['pass', 'timeout', 'error']);
        break;
      case 'parallel':
        byOutcome(id, node.on, [
          'pass',
          'fail',
          // Members that could not run leave the quorum undecided, unless they count it as failing.
          ...(node.steps.some((s) => s.onError !== 'fail') ? ['error' as const] : []),
          ...(node.timeoutMs ? ['timeout' as const] : []),
        ]);
        break;
      case 'approve':
        // Labelled by what a person did: approved, denied, or nobody in time.
        for (const [outcome, label] of [
          ['pass', 'approved'],
          ['fail', 'denied'],
          ['timeout', 'expired'],
        ] as const)
          edges.push({ from: id, to: to(node.on[outcome]), label, outcomes: [outcome] });
        break;
      case 'goto':
        edges.push({ from: id, to: to(node.target), label: '' });
        break;
      case 'judge':
        for (const { target, label } of judgeEdges(node, ir)) edges.push({ from: id, to: to(target), label });
        break;
    }
    if (node.maxVisits !== undefined)
      edges.push({
        from: id,
        to: to(node.exhausted ?? { outcome: 'failed' }),
        label: 'skipped',
        outcomes: ['skipped'],
      });
  }
  for (const outcome of ir.notify.keys()) outcomeNode(outcome);

  const start = to(ir.start);
  return { name: ir.name, form: ir.form, start, ...flowOrder(start, nodes, edges) };
}

/** A node's readable form; `id` is its graph id. */
function describe(node: IRNode, id: string, idOfKey: Map<string, string>): GraphNode {
  const visits =
    node.maxVisits === undefined ? '' : `, at most ${node.maxVisits} visit${node.maxVisits === 1 ? '' : 's'}`;
  const bound = node.maxVisits !== undefined ? { maxVisits: node.maxVisits } : {};
  switch (node.kind) {
    case 'action': {
      if (node.place === 'notify') {
        // Notifications without an id of their own are named `notify.<outcome>[i]`: the action says more.
        const label = node.id.startsWith('notify.')
          ? `notify (${node.action})`
          : `${node.id} (${node.action})`;
        return { id, kind: 'notify', label, step: node.id, action: node.action };
      }
      return {
        id,
        kind: 'action',
        label: `${node.id} (${node.action}${visits})`,
        step: node.id,
        action: node.action,
        ...bound,
      };
    }
    case 'wait':
      return {
        id,
        kind: 'wait',
        label: `${node.id} (wait ${formatDuration(node.ms)}${visits})`,
        step: node.id,
        ...bound,
      };
    case 'approve':
      return {
        id,
        kind: 'wait',
        label: `${node.id} (approval, up to ${formatDuration(node.timeoutMs)}${visits})`,
        step: node.id,
        ...bound,
      };
    case 'poll':
      return {
        id,
        kind: 'poll',
        label: `${node.id} (poll ${node.probe.id} until ${node.until}, every ${formatDuration(node.everyMs)}, up to ${formatDuration(node.timeoutMs)}${visits})`,
        step: node.id,
        action: node.probe.action,
        ...bound,
      };
    case 'parallel': {
      const size = node.steps.length;
      const rule =
        node.quorum === 'all'
          ? 'all must pass'
          : node.need === 1
            ? 'any one must pass'
            : `at least ${node.need} must pass`;
      const within = node.timeoutMs !== undefined ? `, within ${formatDuration(node.timeoutMs)}` : '';
      return {
        id,
        kind: 'parallel',
        label: `${node.id} (${size} at once, ${rule}${within}${visits})`,
        step: node.id,
        ...bound,
      };
    }
    case 'goto': {
      const target =
        'node' in node.target ? (idOfKey.get(node.target.node) ?? node.target.node) : node.target.outcome;
      return { id, kind: 'goto', label: `${node.id} (goto ${target}${visits})`, step: node.id, ...bound };
    }
    case 'judge':
      return { id, kind: 'choice', label: CHOICE_LABELS[node.rule] };
  }
}

/** A judge's ways out, labelled with the condition that takes each (see buildMachine's judges). */
function judgeEdges(node: JudgeNode, ir: CompiledPlaybook['ir']): Array<{ target: Target; label: string }> {
  const remediates = ir.remediateStart !== undefined;
  switch (node.rule) {
    case 'checks-passed':
      return [
        { target: { outcome: 'healthy' }, label: 'first round' },
        ...(remediates ? [{ target: { outcome: 'recovered' }, label: 'after remediation' }] : []),
      ];
    case 'checks-failed':
      return remediates
        ? [
            { target: { node: ir.remediateStart! }, label: `remediate (up to ${rounds(ir.rounds)})` },
            { target: { outcome: 'unrecovered' }, label: 'no rounds left' },
          ]
        : [{ target: { outcome: 'unrecovered' }, label: 'nothing remediates' }];
    case 'next-round':
      return ir.checksStart !== undefined ? [{ target: { node: ir.checksStart }, label: 'next round' }] : [];
    case 'fell-off':
      return [
        { target: { outcome: 'recovered' }, label: 'after a remediation' },
        { target: { outcome: 'healthy' }, label: 'no remediation' },
      ];
  }
}

/**
 * Orders nodes and edges as a reader follows the flow: depth first from the start, edges in playbook
 * order. Choices and outcomes nothing reaches are internal leftovers (a general-form playbook whose
 * last step is an `end:` never falls off its end) and are left out; anything else unreachable follows.
 */
function flowOrder(
  start: string,
  nodes: Map<string, GraphNode>,
  edges: GraphEdge[],
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const out = new Map<string, GraphEdge[]>();
  for (const edge of edges) out.set(edge.from, [...(out.get(edge.from) ?? []), edge]);
  const children = new Map<string, GraphNode[]>();
  for (const node of nodes.values())
    if (node.parent !== undefined) children.set(node.parent, [...(children.get(node.parent) ?? []), node]);

  const seen = new Set<string>();
  const ordered: GraphNode[] = [];
  const orderedEdges: GraphEdge[] = [];
  const visit = (id: string) => {
    const node = nodes.get(id);
    if (!node || seen.has(id)) return;
    seen.add(id);
    ordered.push(node);
    for (const child of children.get(id) ?? []) {
      seen.add(child.id);
      ordered.push(child);
    }
    const leaving = out.get(id) ?? [];
    orderedEdges.push(...leaving);
    for (const edge of leaving) visit(edge.to);
  };
  visit(start);
  const leftover = (node: GraphNode) =>
    node.kind === 'choice' || (node.kind === 'outcome' && !(out.get(node.id)?.length ?? 0));
  for (const node of nodes.values()) if (node.parent === undefined && !leftover(node)) visit(node.id);
  // The flow reads first, then how it ends: the run outcomes and the notifications each sends.
  const tail = (node: GraphNode | undefined) => node?.kind === 'outcome' || node?.kind === 'notify';
  const partition = <T>(items: T[], isTail: (item: T) => boolean) => [
    ...items.filter((i) => !isTail(i)),
    ...items.filter(isTail),
  ];
  return {
    nodes: partition(ordered, tail),
    edges: partition(
      orderedEdges.filter((e) => seen.has(e.to)),
      (e) => tail(nodes.get(e.from)),
    ),
  };
}

function rounds(n: number): string {
  return n === 1 ? '1 round' : `${n} rounds`;
}

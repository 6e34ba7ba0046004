import { formatPath } from '../load/sourceMap.js';
import type { PathSegment } from '../load/sourceMap.js';
import { asRecord, asString, quoteValue } from './context.js';
import type { IssueCollector } from './context.js';
import type { PlaybookModel, StepInfo } from './model.js';
import { didYouMean } from './suggest.js';

const OUTCOME_KEYS = ['pass', 'fail', 'error', 'timeout', 'approved', 'denied', 'expired'] as const;

/** A flow edge of the general form: from a step to another, and which key of the source makes it. */
interface Edge {
  to: string;
  /** Path of the key that names the target; absent for falling through to the next step. */
  via?: PathSegment[];
}

/**
 * Checks the step graph: unique ids, references that exist, every step reachable from the first,
 * and every loop bounded by a `maxVisits` somewhere on it.
 */
export function checkGraph(model: PlaybookModel, issues: IssueCollector): void {
  checkIds(model, issues);
  if (model.flow.length === 0) return;

  const flowIds = new Map<string, StepInfo>();
  for (const step of model.flow) if (step.id && !flowIds.has(step.id)) flowIds.set(step.id, step);

  // Looked up once per reference: a scan of every step each time was quadratic in the playbook's size.
  const members = new Map<string, StepInfo>();
  for (const step of model.all)
    if (step.id && step.place === 'group' && !members.has(step.id)) members.set(step.id, step);
  const allIds = new Set(model.all.map((s) => s.id).filter(Boolean));

  const edges = new Map<string, Edge[]>();
  model.flow.forEach((step, i) => {
    if (!step.id) return;
    const out: Edge[] = [];
    for (const { target, path } of references(step)) {
      if (flowIds.has(target)) out.push({ to: target, via: path });
      else {
        const nested = members.get(target);
        const why = nested
          ? `; "${target}" is inside the parallel group "${nested.group ?? ''}", and transitions can target the group, not its members`
          : didYouMean(target, flowIds.keys());
        issues.report('E_UNKNOWN_STEP', path, `no step has the id ${quoteValue(target)}${why}`);
      }
    }
    const on = asRecord(step.data.on);
    const fallsThrough =
      ((step.kind === 'action' || step.kind === 'parallel' || step.kind === 'wait') &&
        !step.data.next &&
        !on?.pass) ||
      (step.kind === 'approve' && !step.data.next && !on?.approved);
    const following = model.flow[i + 1]?.id;
    // A step whose maxVisits is used up is skipped onto the next step: how a bounded goto loop ends.
    const exhausts = step.data.maxVisits !== undefined;
    if ((fallsThrough || exhausts) && following) out.push({ to: following });
    edges.set(step.id, out);
  });
  // `wait: { step }` names the probe it polls: not an edge (the run does not go there), but it must exist.
  for (const step of model.flow) {
    const polled = asString(asRecord(step.data.wait)?.step);
    if (polled && !allIds.has(polled))
      issues.report(
        'E_UNKNOWN_STEP',
        [...step.path, 'wait', 'step'],
        `wait polls "${polled}", but no step has that id${didYouMean(polled, flowIds.keys())}`,
      );
  }

  reportUnreachable(model, edges, issues);
  reportUnboundedLoops(model, flowIds, edges, issues);
}

function checkIds(model: PlaybookModel, issues: IssueCollector): void {
  const first = new Map<string, StepInfo>();
  for (const step of model.all) {
    if (!step.id) continue;
    const earlier = first.get(step.id);
    if (earlier) {
      issues.report(
        'E_DUPLICATE_ID',
        [...step.path, 'id'],
        `the id "${step.id}" is already used by ${formatPath(earlier.path)}; step ids must be unique across the playbook`,
      );
    } else first.set(step.id, step);
  }
}

/** The step ids a flow step names, with the path of each naming key. */
function references(step: StepInfo): Array<{ target: string; path: PathSegment[] }> {
  const out: Array<{ target: string; path: PathSegment[] }> = [];
  const on = asRecord(step.data.on);
  for (const key of OUTCOME_KEYS) {
    const target = asString(on?.[key]);
    if (target) out.push({ target, path: [...step.path, 'on', key] });
  }
  for (const key of ['next', 'goto'] as const) {
    const target = asString(step.data[key]);
    if (target) out.push({ target, path: [...step.path, key] });
  }
  return out;
}

function reportUnreachable(model: PlaybookModel, edges: Map<string, Edge[]>, issues: IssueCollector): void {
  const start = model.flow[0]?.id;
  if (!start) return;
  const reached = new Set([start]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    for (const edge of edges.get(queue[head]!) ?? []) {
      if (!reached.has(edge.to)) {
        reached.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  // A probe that exists only to be polled by a `wait: { until, step }` is used, though no edge leads to it.
  const polled = new Set(model.flow.map((s) => asString(asRecord(s.data.wait)?.step)).filter(Boolean));
  for (const step of model.flow) {
    if (step.id && !reached.has(step.id) && !polled.has(step.id)) {
      issues.report(
        'E_UNREACHABLE_STEP',
        [...step.path, 'id'],
        `step "${step.id}" can never run: no path from the first step leads to it`,
      );
    }
  }
}

/**
 * Every cycle must pass through a step with `maxVisits`. Equivalently: with the bounded steps
 * removed, the graph has no cycle left. Each strongly connected component that remains is one
 * unbounded loop, reported once at the step that jumps back.
 */
function reportUnboundedLoops(
  model: PlaybookModel,
  flowIds: Map<string, StepInfo>,
  edges: Map<string, Edge[]>,
  issues: IssueCollector,
): void {
  const bounded = (id: string) => typeof flowIds.get(id)?.data.maxVisits === 'number';
  const nodes = [...edges.keys()].filter((id) => !bounded(id));
  const next = (id: string) => (edges.get(id) ?? []).filter((e) => !bounded(e.to));
  const order = new Map(model.flow.map((s, i) => [s.id, i]));

  for (const component of stronglyConnected(nodes, (id) => next(id).map((e) => e.to))) {
    const loops = component.length > 1 || next(component[0]!).some((e) => e.to === component[0]);
    if (!loops) continue;
    const members = new Set(component);
    // Report where the loop closes: the step furthest down the list with an edge back into it.
    const sorted = [...component].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const closer =
      [...sorted]
        .reverse()
        .find((id) =>
          next(id).some((e) => members.has(e.to) && (order.get(e.to) ?? 0) <= (order.get(id) ?? 0)),
        ) ?? sorted.at(-1)!;
    const back = next(closer).find(
      (e) => members.has(e.to) && (order.get(e.to) ?? 0) <= (order.get(closer) ?? 0),
    );
    const step = flowIds.get(closer)!;
    const cycle = [...sorted, sorted[0]].join(' → ');
    issues.report(
      'E_UNBOUNDED_LOOP',
      back?.via ?? [...step.path, 'id'],
      `the steps ${cycle} form a loop nothing bounds, so a run could go round forever; add maxVisits to one of them (for example "${closer}")`,
    );
  }
}

/** Tarjan's algorithm, iterative so a long playbook cannot overflow the stack. */
function stronglyConnected(nodes: string[], successors: (id: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; next: string[]; i: number }> = [];
    const visit = (id: string) => {
      index.set(id, counter);
      low.set(id, counter++);
      stack.push(id);
      onStack.add(id);
      work.push({ id, next: successors(id), i: 0 });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      if (frame.i < frame.next.length) {
        const to = frame.next[frame.i++]!;
        if (!index.has(to)) visit(to);
        else if (onStack.has(to)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        components.push(component);
      }
    }
  }
  return components;
}

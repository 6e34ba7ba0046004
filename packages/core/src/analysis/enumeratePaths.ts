import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import type { ActionRegistry, AnyActionDefinition } from '../actions/registry.js';
import type { StepOutcome } from '../format/types.js';
import type { LoadedPlaybook } from '../load/loadPlaybook.js';
import type { StepResult } from '../runtime/types.js';
import { standIns } from '../runtime/simulatePlaybook.js';
import type { StepRecord } from '../runtime/types.js';
import type { RunContext } from '../runtime/types.js';
import { compiledOf, compilePlaybook } from '../compile/compilePlaybook.js';
import type { CompiledPlaybook } from '../compile/compilePlaybook.js';
import type { IRNode } from '../compile/ir.js';
import { ownRecord, ownValue } from '../util/ownRecord.js';
import { STEP_DONE } from '../compile/stepEvents.js';

/** The outcome label of a path step whose remediation a budget refused (the run then ends `skipped`). */
export const BUDGET_SPENT = 'budget spent';

/** One step decided on a path: its id and the outcome that led on (outcomes with one target joined by `|`). */
export interface PathStep {
  step: string;
  outcome: string;
}

/** One way through a playbook: every step decided from the start, in order, and the run outcome. */
export interface OutcomePath {
  steps: PathStep[];
  outcome: string;
}

/** What {@link enumeratePaths} found: the paths, and whether a bound cut the enumeration short. */
export interface PathEnumeration {
  paths: OutcomePath[];
  truncated: boolean;
}

/** Options for {@link enumeratePaths}. */
export interface EnumeratePathsOptions {
  /**
   * The actions to compile against (ignored for a compiled playbook); without them every action the
   * playbook names is stood in for, its kind taken from where it is used.
   */
  actions?: ActionRegistry | Iterable<AnyActionDefinition>;
  /** At most this many paths are returned (default 10,000); `truncated` says when more exist. */
  maxPaths?: number;
  /** At most this many distinct machine states are explored (default 50,000); past it, `truncated`. */
  maxStates?: number;
}

type DoneEvent = { type: string; output: StepResult };

const DONE_PREFIX = STEP_DONE;

/**
 * Lists every distinct outcome path of a playbook: each sequence of step outcomes from the start to
 * a run outcome. The compiled machine is traversed with `xstate/graph` (nothing runs); each invoked
 * step is offered one event per transition it has, so outcomes leading to the same place count once
 * (`url:fail|error|timeout`). Waits appear as `pass`, a step skipped by `maxVisits` as `skipped`;
 * notifications and run-level timeouts and cancellations are not part of a path. Paths come depth
 * first, alternatives in the order the playbook lists them (pass first), so the order is stable.
 *
 * @example
 * const { paths } = enumeratePaths(await loadPlaybook('ec2.yaml'));
 * paths.map(describePath); // ['url:pass → route53:pass → cpu:pass ⇒ healthy', …]
 */
export function enumeratePaths(
  playbook: CompiledPlaybook | LoadedPlaybook | object,
  options: EnumeratePathsOptions = {},
): PathEnumeration {
  const compiled =
    compiledOf(playbook) ?? compilePlaybook(playbook, { actions: options.actions ?? standIns(playbook) });
  const { ir, machine, registry } = compiled;
  const maxPaths = options.maxPaths ?? 10_000;
  const maxStates = options.maxStates ?? 50_000;
  const ours = new WeakSet<StepRecord>();
  const labels = new WeakMap<DoneEvent, string>();
  const byId = new Map([...ir.nodes.values()].map((n) => [n.id, n]));
  const isRemediation = (action: string) => registry.get(action)?.kind === 'remediation';

  // Guards read only the state, the visits of bounded steps, the round and the remediated flag (and the
  // outcome decides the notifications): states equal in those are one state, whatever the records say.
  const bounded = [...ir.nodes.values()].filter((n) => n.maxVisits !== undefined).map((n) => n.id);
  const serials = new WeakMap<AnyMachineSnapshot, string>();
  const serialize = (snapshot: AnyMachineSnapshot): string => {
    let serial = serials.get(snapshot);
    if (serial === undefined) {
      const c = snapshot.context as RunContext;
      const visits = bounded.map((id) => ownValue(c.visits, id) ?? 0);
      serial = JSON.stringify([snapshot.value, visits, c.round, c.remediated, c.outcome ?? null]);
      serials.set(snapshot, serial);
    }
    return serial;
  };

  const events = (snapshot: AnyMachineSnapshot): DoneEvent[] => {
    const key = leafKey(snapshot.value);
    const node = key === undefined ? undefined : ir.nodes.get(key);
    if (snapshot.status !== 'active' || !node) return [];
    const type = `${DONE_PREFIX}${node.key}`;
    const visit = (ownValue((snapshot.context as RunContext).visits, node.id) ?? 0) + 1;
    const possible = possibleOutcomes(node);
    const found: DoneEvent[] = [];
    // A judge folded into the step's transitions gives one transition per branch for the same outcomes:
    // the run takes one of them (by the round), so they are offered once.
    const offered = new Set<string>();
    for (const transition of stateNodeOf(machine, node.key).transitions.get(type) ?? []) {
      const guardType = (transition.guard as { type?: string } | undefined)?.type;
      const key = JSON.stringify([guardType, guardOutcomes(transition)]);
      if (offered.has(key)) continue;
      offered.add(key);
      if (guardType === 'halted') {
        // A budget that refuses the remediation: its own path, ending `skipped`.
        const record: StepRecord = {
          id: node.id,
          outcome: 'skipped',
          attempts: 0,
          visits: visit,
          startedAt: 0,
          endedAt: 0,
        };
        ours.add(record);
        const event: DoneEvent = { type, output: { outcome: 'skipped', records: [record], halt: true } };
        labels.set(event, BUDGET_SPENT);
        found.push(event);
        continue;
      }
      const outcomes = guardOutcomes(transition).filter((o) => possible.has(o));
      for (const group of splitByRemediation(node, outcomes, isRemediation)) {
        const record: StepRecord = {
          id: node.id,
          outcome: group.outcomes[0]!,
          attempts: 1,
          visits: visit,
          startedAt: 0,
          endedAt: 0,
        };
        ours.add(record);
        const event: DoneEvent = {
          type,
          output: { outcome: record.outcome, records: [record], remediated: group.remediated },
        };
        labels.set(event, group.outcomes.join('|'));
        found.push(event);
      }
    }
    return found;
  };

  const cut = new Set<string>();
  let states = 0;
  const context: RunContext = {
    inputs: {},
    trigger: null,
    run: { id: 'paths', startedAt: 0, mode: 'simulate', playbook: ir.name, deadline: ir.timeoutMs },
    steps: ownRecord(),
    visits: ownRecord(),
    round: 0,
    remediated: false,
    ...('outcome' in ir.start && { outcome: ir.start.outcome }),
  };
  const adjacency = getAdjacencyMap(machine, {
    input: context,
    events,
    serializeState: serialize,
    stopWhen: (snapshot) => {
      if (++states <= maxStates || snapshot.status === 'done') return false;
      cut.add(serialize(snapshot));
      return true;
    },
  });

  // The adjacency map is a DAG for a valid playbook (every loop passes a bounded step, whose visit
  // count is in the state); walking it depth first from the start yields each path once.
  const paths: OutcomePath[] = [];
  let truncated = false;
  const trail: PathStep[] = [];
  const onTrail = new Set<string>();
  const walk = (serial: string): boolean => {
    const entry = adjacency[serial as keyof typeof adjacency];
    if (!entry) return true;
    const snapshot = entry.state;
    if (snapshot.status === 'done') {
      if (paths.length >= maxPaths) {
        truncated = true;
        return false;
      }
      const output = snapshot.output as { outcome?: string } | undefined;
      const outcome = output?.outcome ?? (snapshot.context as RunContext).outcome ?? 'failed';
      paths.push({ steps: [...trail], outcome });
      return true;
    }
    if (cut.has(serial)) truncated = true;
    onTrail.add(serial);
    for (const edge of edgesOf(serial)) {
      if (onTrail.has(edge.next)) continue;
      trail.push(...edge.decided);
      const more = walk(edge.next);
      trail.length -= edge.decided.length;
      if (!more) return false;
    }
    onTrail.delete(serial);
    return true;
  };

  // A state is left once per path through it: its edges, and what each decides, are worked out once.
  const edges = new Map<string, Array<{ next: string; decided: PathStep[] }>>();
  const edgesOf = (serial: string) => {
    let found = edges.get(serial);
    if (!found) {
      const entry = adjacency[serial as keyof typeof adjacency]!;
      found = Object.values(entry.transitions).map(({ event, state }) => ({
        next: serialize(state),
        decided: stepsOf(event as DoneEvent, entry.state, state),
      }));
      edges.set(serial, found);
    }
    return found;
  };

  const stepsOf = (event: DoneEvent, from: AnyMachineSnapshot, to: AnyMachineSnapshot): PathStep[] => {
    const node = ir.nodes.get(event.type.slice(DONE_PREFIX.length));
    const decided: PathStep[] =
      node && !(node.kind === 'action' && node.place === 'notify')
        ? [{ step: node.id, outcome: labels.get(event) ?? event.output.outcome }]
        : [];
    // A record the event did not bring was written by the maxVisits gate: a skip on the way.
    if (bounded.length > 0) {
      const before = (from.context as RunContext).steps;
      const after = (to.context as RunContext).steps;
      const skipped = Object.keys(after).filter((id) => {
        const record = ownValue(after, id)!;
        return record !== ownValue(before, id) && !ours.has(record);
      });
      for (const id of chainOrder(skipped, byId)) decided.push({ step: id, outcome: 'skipped' });
    }
    return decided;
  };

  // The first state the traversal recorded is the start.
  const start = Object.keys(adjacency)[0];
  if (start !== undefined) walk(start);
  return { paths, truncated };
}

/** One line per path: `url:fail|error|timeout → reboot:pass → … ⇒ recovered`. */
export function describePath(path: OutcomePath): string {
  const steps = path.steps.map((s) => `${s.step}:${s.outcome}`).join(' → ');
  return steps ? `${steps} ⇒ ${path.outcome}` : `⇒ ${path.outcome}`;
}

/** The innermost state of a snapshot's value: the IR key of the step it is in. */
function leafKey(value: unknown): string | undefined {
  let v = value;
  while (typeof v === 'object' && v !== null) v = Object.values(v)[0];
  return typeof v === 'string' ? v : undefined;
}

function stateNodeOf(machine: AnyStateMachine, key: string) {
  return machine.getStateNodeById(`s:${key}`);
}

/** buildMachine gives each onDone transition the outcomes it takes as its guard's params. */
function guardOutcomes(transition: { guard?: unknown }): StepOutcome[] {
  const params = (transition.guard as { params?: { outcomes?: StepOutcome[] } } | undefined)?.params;
  return params?.outcomes ?? [];
}

/**
 * Outcomes a node can really end with: `skipped` needs a `when`, a group `timeout` a group timeout,
 * a group `error` a member that could not run and does not count that as failing.
 */
function possibleOutcomes(node: IRNode): Set<StepOutcome> {
  switch (node.kind) {
    case 'action':
      return new Set<StepOutcome>([
        'pass',
        'fail',
        'error',
        'timeout',
        ...(node.when ? ['skipped' as const] : []),
      ]);
    case 'wait':
      return new Set(['pass']);
    case 'poll':
      return new Set(['pass', 'timeout', 'error']);
    case 'approve':
      // approved, denied, expired.
      return new Set(['pass', 'fail', 'timeout']);
    case 'parallel':
      return new Set<StepOutcome>([
        'pass',
        'fail',
        // A member that could not run leaves the quorum undecided, unless it counts that as a failure.
        ...(node.steps.some((s) => s.onError !== 'fail') ? ['error' as const] : []),
        ...(node.timeoutMs ? ['timeout' as const] : []),
      ]);
    default:
      return new Set();
  }
}

/**
 * Splits a transition's outcomes where they differ in counting as a remediation: a remediation's
 * `pass` does (a general-form run that falls off its end then `recovered`), its `skipped` does not.
 * A parallel group counts as a remediation when it passes and any of its steps is one.
 */
function splitByRemediation(
  node: IRNode,
  outcomes: StepOutcome[],
  isRemediation: (action: string) => boolean,
): Array<{ outcomes: StepOutcome[]; remediated: boolean }> {
  if (outcomes.length === 0) return [];
  // A notification's outcome changes nothing: splitting it would only repeat the path.
  const remediates =
    node.kind === 'action'
      ? node.place !== 'notify' && isRemediation(node.action)
      : node.kind === 'parallel' && node.steps.some((s) => isRemediation(s.action));
  if (!remediates || !outcomes.includes('pass')) return [{ outcomes, remediated: false }];
  const rest = outcomes.filter((o) => o !== 'pass');
  return [
    { outcomes: ['pass'], remediated: true },
    ...(rest.length > 0 ? [{ outcomes: rest, remediated: false }] : []),
  ];
}

/** Orders steps skipped in one move along their fall-through chain (each one's `exhausted` target next). */
function chainOrder(ids: string[], byId: Map<string, IRNode>): string[] {
  const pending = new Set(ids);
  const ordered: string[] = [];
  const leadsTo = (from: string, to: string) => {
    const target = byId.get(from)?.exhausted;
    return target !== undefined && 'node' in target && target.node === byId.get(to)?.key;
  };
  while (pending.size > 0) {
    const rest = [...pending];
    const first = rest.find((id) => !rest.some((other) => other !== id && leadsTo(other, id))) ?? rest[0]!;
    ordered.push(first);
    pending.delete(first);
  }
  return ordered;
}

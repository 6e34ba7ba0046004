import { describeCall } from '../actions/describeCall.js';
import type { AnyActionDefinition } from '../actions/registry.js';
import type { TraceEvent } from './types.js';

/** One change a run made, or (simulated, shadow) would have made. */
export interface RunChange {
  /** Milliseconds from the run's first event. */
  at: number;
  step: string;
  action: string;
  kind: 'remediation' | 'notify';
  /** In a few words: the action's shadow plan, else its `describe`, else `action key=value …` (cut unless `whole`). */
  summary: string;
}

/** What {@link runChanges} needs of an action: its id and kind, and its `describe` when it has one. */
export type ActionInfo = Pick<AnyActionDefinition, 'id' | 'kind'> &
  Partial<Pick<AnyActionDefinition, 'describe' | 'changes'>>;

/**
 * Whether a call changes anything: the action's own `changes(input)`, else true for remediations and notifications.
 * True only for a remediation or a notification, so a `true` narrows `def` to one.
 */
export function changesSomething(
  def: ActionInfo | undefined,
  input: unknown,
): def is ActionInfo & { kind: 'remediation' | 'notify' } {
  if (def === undefined || def.kind === 'probe') return false;
  if (def.changes === undefined) return true;
  try {
    return def.changes(input);
  } catch {
    // A report must not fail on an odd stored input: say it may have changed something.
    return true;
  }
}

/** Where {@link runChanges} learns what an action is: a registry, or any list of definitions. */
export type ActionLookup = { get(id: string): ActionInfo | undefined } | Iterable<ActionInfo>;

/**
 * The remediations and notifications a run reached that change something, in order, one per attempt that ended in `pass`
 * (a failed attempt changed nothing, as far as the run knows). Read from the trace alone, so it works
 * on a stored run record as well as a fresh result; what a post-incident report lists under "what changed".
 */
export function runChanges(
  trace: readonly TraceEvent[],
  actions: ActionLookup,
  options: { whole?: boolean } = {},
): RunChange[] {
  const lookup = toLookup(actions);
  const t0 = trace[0]?.at ?? 0;
  const inputs = new Map<string, unknown>();
  // In shadow mode the action's own plan() said what it would do (EC2 DryRun included): that wins.
  const plans = new Map<string, string>();
  const changes: RunChange[] = [];
  for (const event of trace) {
    if (event.type === 'attempt.start') inputs.set(`${event.step}#${event.attempt}`, event.input);
    if (event.type === 'plan') plans.set(event.step, event.summary.replace(/^would /, ''));
    if (event.type !== 'attempt.end' || event.outcome !== 'pass') continue;
    const def = lookup(event.action);
    const input = inputs.get(`${event.step}#${event.attempt}`);
    // A read-only call (`ssh.exec` with `readOnly: true`, `core.log`) changed nothing.
    if (!changesSomething(def, input)) continue;
    changes.push({
      at: event.at - t0,
      step: event.step,
      action: event.action,
      kind: def.kind,
      summary:
        plans.get(event.step) ??
        describeCall(def, input) ??
        `${event.action} ${compactInput(input, options.whole ? Infinity : undefined)}`.trim(),
    });
    plans.delete(event.step);
  }
  return changes;
}

/** `key=value` pairs, values as compact JSON, ones longer than `max` cut: an action's input as one line, not a dump. */
export function compactInput(input: unknown, max = 60): string {
  if (typeof input !== 'object' || input === null)
    return input === undefined ? '' : cut(JSON.stringify(input), max);
  return Object.entries(input)
    .map(([key, value]) => `${key}=${cut(typeof value === 'string' ? value : JSON.stringify(value), max)}`)
    .join(' ');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The lookup of an {@link ActionLookup}: its own `get`, else a map of the listed definitions by id. */
export function toLookup(actions: ActionLookup): (id: string) => ActionInfo | undefined {
  if ('get' in actions && typeof actions.get === 'function') return (id) => actions.get(id);
  const byId = new Map([...(actions as Iterable<ActionInfo>)].map((a) => [a.id, a]));
  return (id) => byId.get(id);
}

import { buildIR } from '../../compile/buildIR.js';
import type { IRNode, NodePlace } from '../../compile/ir.js';
import type { Playbook } from '../../format/playbook.generated.js';
import { toLookup } from '../runChanges.js';
import type { ActionLookup } from '../runChanges.js';
import type { RunListing, RunRecord, TraceEvent } from '../types.js';

/** Options of {@link runListing}. */
export interface RunListingOptions {
  /**
   * The installed actions: with them `changed` holds exactly the remediations (by the action's kind).
   * Without them (a store has none) the playbook says: a `remediate:` step is one, a check or a
   * notification (an approval's request too) is not, and another step is when it journaled a side
   * effect or planned one (shadow).
   */
  actions?: ActionLookup;
  /** At most this many `changed` entries, the first ones (default 50): a listing stays small. */
  maxChanged?: number;
}

/**
 * What a runs list shows of `record` ({@link RunListing}): one line of trigger, what it waits for,
 * and the remediations that ran, read from the record without rendering its trace.
 */
export function runListing(record: RunRecord, options: RunListingOptions = {}): RunListing {
  const waiting = waitingOf(record);
  const trigger = triggerLine(record.trigger);
  return {
    runId: record.runId,
    playbook: record.playbook.name,
    mode: record.mode,
    status: record.status,
    ...(record.outcome !== undefined && { outcome: record.outcome }),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(trigger !== undefined && { trigger }),
    ...(waiting && { waiting }),
    changed: changedOf(record, options),
  };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** The last part of an ARN (`arn:aws:sns:us-east-1:123456789012:ops-alarms` → `ops-alarms`). */
const arnName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1) || arn;

/** The SNS topic an event came through, when it is an SNS notification (Lambda record or HTTP body). */
function snsTopic(raw: unknown): string | undefined {
  if (!isObject(raw)) return undefined;
  const records = raw.Records;
  const first: unknown = Array.isArray(records) ? records[0] : undefined;
  const sns = isObject(first) && isObject(first.Sns) ? first.Sns : raw;
  const arn = text(sns.TopicArn);
  return arn === undefined ? undefined : arnName(arn);
}

/**
 * What started a run, in one line: a CloudWatch alarm's name, an Alertmanager alert's `alertname`, an
 * SNS topic, else the trigger's kind, type or source; `cli` when the run had no trigger.
 */
export function triggerLine(trigger: unknown): string | undefined {
  if (trigger === undefined || trigger === null) return 'cli';
  if (!isObject(trigger)) return text(trigger)?.slice(0, 120);
  const kind = text(trigger.kind) ?? text(trigger.type);
  const alarm = text(trigger.alarmName);
  if (alarm !== undefined) {
    const topic = trigger.source === 'sns' ? snsTopic(trigger.raw) : undefined;
    return `alarm ${alarm}${topic !== undefined ? ` (sns ${topic})` : ''}`;
  }
  const labels = isObject(trigger.labels) ? trigger.labels : undefined;
  const alertname = text(labels?.alertname);
  if (alertname !== undefined) return `alert ${alertname}`;
  const topic = snsTopic(trigger.raw) ?? snsTopic(trigger);
  if (topic !== undefined) return `sns ${topic}`;
  if (kind === 'direct') return 'direct';
  return kind ?? text(trigger.source) ?? 'unknown';
}

/** A running run's wait: the approval it waits for (until it expires), else its stored wake deadline. */
export function waitingOf(record: RunRecord): RunListing['waiting'] {
  if (record.status !== 'running') return undefined;
  const approval = record.approval;
  if (approval !== undefined && approval.decision === undefined)
    return { reason: 'approval', until: approval.expiresAt, approval: approval.id };
  const wake = record.deadlines.wake;
  if (wake !== undefined) return { reason: 'wait', until: wake };
  // Handed back with no deadline of its own (a signal while it waited): it waits, until resumed.
  const last = lastOf(record.trace, (e) => e.type === 'run.suspend' || e.type === 'run.resume');
  return last?.type === 'run.suspend' ? { reason: 'wait' } : undefined;
}

function lastOf(trace: readonly TraceEvent[], match: (event: TraceEvent) => boolean) {
  for (let i = trace.length - 1; i >= 0; i--) if (match(trace[i]!)) return trace[i];
  return undefined;
}

// Stores compute a listing at every save: the places of a playbook are built once per content hash
// (`playbook.hash`, which names one document: records of another document under it would be misread).
const PLACES_KEPT = 64;
const placesByHash = new Map<string, Map<string, NodePlace>>();

function placesOf(playbook: RunRecord['playbook']): Map<string, NodePlace> {
  const known = placesByHash.get(playbook.hash);
  if (known) return known;
  const places = stepPlaces(playbook.data);
  placesByHash.set(playbook.hash, places);
  if (placesByHash.size > PLACES_KEPT) placesByHash.delete(placesByHash.keys().next().value!);
  return places;
}

/**
 * Where each step id of the playbook sits (`check`, `remediate`, `notify`, `step`…), from its IR: an
 * approval's request notifications included. When the stored data no longer builds (an older format),
 * only its `notify:` lists, and the journal decides the rest.
 */
function stepPlaces(data: unknown): Map<string, NodePlace> {
  const places = new Map<string, NodePlace>();
  let nodes: Iterable<IRNode>;
  try {
    nodes = buildIR(data as Playbook).nodes.values();
  } catch {
    // Its `notify:` lists, at least: they are never remediations.
    const notify = isObject(data) && isObject(data.notify) ? data.notify : {};
    for (const [outcome, list] of Object.entries(notify))
      if (Array.isArray(list))
        list.forEach((step: unknown, i) =>
          places.set(
            isObject(step) && typeof step.id === 'string' ? step.id : `notify.${outcome}[${i}]`,
            'notify',
          ),
        );
    return places;
  }
  for (const node of nodes) {
    if (node.kind === 'action') places.set(node.id, node.place);
    if (node.kind === 'approve') for (const request of node.request) places.set(request.id, 'notify');
  }
  return places;
}

/** The remediation steps that ran, one per visit that ended, with the step's outcome. */
function changedOf(record: RunRecord, options: RunListingOptions): RunListing['changed'] {
  const max = options.maxChanged ?? 50;
  const lookup = options.actions && toLookup(options.actions);
  const places = placesOf(record.playbook);
  const sideEffects = new Set(record.journal.map((entry) => entry.step));
  const isRemediation = (step: string, action: string) => {
    if (lookup) return lookup(action)?.kind === 'remediation';
    const place = places.get(step);
    // A first-line `remediate:` step is one; checks and notifications never; a general step when it
    // journaled a side effect (or planned one): its action is not a probe.
    if (place === 'remediate') return true;
    if (place === 'check' || place === 'notify') return false;
    return sideEffects.has(step);
  };
  const changed: RunListing['changed'] = [];
  const actions = new Map<string, string>();
  for (const event of record.trace) {
    if (changed.length >= max) break;
    if (event.type === 'step.start' && event.action !== undefined) actions.set(event.step, event.action);
    // Shadow runs journal nothing: a plan is what they would have changed.
    if (event.type === 'plan') sideEffects.add(event.step);
    if (event.type !== 'step.end') continue;
    const action = actions.get(event.step);
    if (action === undefined || !isRemediation(event.step, action)) continue;
    changed.push({ step: event.step, action, outcome: event.outcome });
  }
  return changed;
}

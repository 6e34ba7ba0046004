import { toLookup } from '../runChanges.js';
import type { ActionLookup } from '../runChanges.js';
import type { RunListing, RunRecord, TraceEvent } from '../types.js';

/** Options of {@link runListing}. */
export interface RunListingOptions {
  /**
   * The installed actions: with them `changed` holds exactly the remediations (by the action's kind).
   * Without them (a store has none) a step counts as a remediation when it journaled a side effect or
   * planned one (shadow) and is not one of the playbook's `notify:` steps.
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

/** The playbook's `notify:` step ids (given or `notify.<outcome>[i]`), which are never remediations. */
function notifyStepIds(data: unknown): Set<string> {
  const ids = new Set<string>();
  const notify = isObject(data) && isObject(data.notify) ? data.notify : {};
  for (const [outcome, list] of Object.entries(notify)) {
    if (!Array.isArray(list)) continue;
    list.forEach((step: unknown, i) =>
      ids.add(isObject(step) && typeof step.id === 'string' ? step.id : `notify.${outcome}[${i}]`),
    );
  }
  return ids;
}

/** The remediation steps that ran, one per visit that ended, with the step's outcome. */
function changedOf(record: RunRecord, options: RunListingOptions): RunListing['changed'] {
  const max = options.maxChanged ?? 50;
  const lookup = options.actions && toLookup(options.actions);
  const notify = notifyStepIds(record.playbook.data);
  const sideEffects = new Set(record.journal.map((entry) => entry.step));
  const isRemediation = (step: string, action: string) => {
    if (lookup) return lookup(action)?.kind === 'remediation';
    return !notify.has(step) && sideEffects.has(step);
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

import type { PathSegment } from '../load/sourceMap.js';
import { asArray, asRecord, asString } from './context.js';

/** What a step does, by the key that defines it. */
export type StepKind = 'action' | 'wait' | 'goto' | 'end' | 'parallel' | 'approve' | 'unknown';

/** Where a step stands in the playbook, which decides what it may be. */
export type StepPlace = 'checks' | 'remediate' | 'notify' | 'steps' | 'group';

/** One step as the semantic checks see it: tolerant of data that failed the schema. */
export interface StepInfo {
  /** Its `id:`, when it has a string one. */
  id?: string;
  /** Path of the step object in the document. */
  path: PathSegment[];
  /** The step's own data. */
  data: Record<string, unknown>;
  kind: StepKind;
  place: StepPlace;
  /** For steps inside a parallel group: the group's id. */
  group?: string;
  /** For notify steps: the run outcome they belong to. */
  outcome?: string;
  /** For an approval's request notifications: the approve step (or remediation) they ask for. */
  approval?: string;
}

/** Every step of a playbook, in document order, plus the top-level flow of the general form. */
export interface PlaybookModel {
  root: Record<string, unknown>;
  /** The general form's `steps` list (top level only), in order. */
  flow: StepInfo[];
  /** Every step anywhere: checks, remediate, notify, steps and parallel groups. */
  all: StepInfo[];
}

const KINDS: StepKind[] = ['action', 'wait', 'goto', 'end', 'parallel', 'approve'];

/** Reads the steps out of a playbook's data, skipping whatever is too malformed to be a step. */
export function readModel(data: unknown): PlaybookModel {
  const root = asRecord(data) ?? {};
  const all: StepInfo[] = [];
  const flow: StepInfo[] = [];

  const add = (
    value: unknown,
    path: PathSegment[],
    place: StepPlace,
    extra: Partial<StepInfo> = {},
  ): StepInfo | undefined => {
    const step = asRecord(value);
    if (!step) return undefined;
    const kinds = KINDS.filter((k) => k in step);
    const info: StepInfo = {
      id: asString(step.id),
      path,
      data: step,
      kind: kinds.length === 1 ? kinds[0]! : 'unknown',
      place,
      ...extra,
    };
    all.push(info);
    if (info.kind === 'parallel') {
      asArray(step.steps).forEach((inner, j) =>
        add(inner, [...path, 'steps', j], 'group', { group: info.id }),
      );
    }
    // An approval's requests are notifications, read with `approval` in scope.
    const key = info.kind === 'approve' ? 'approve' : 'approval';
    asArray(asRecord(step[key])?.notify).forEach((inner, j) =>
      add(inner, [...path, key, 'notify', j], 'notify', { approval: info.id ?? '' }),
    );
    return info;
  };

  const checks = root.checks;
  if (Array.isArray(checks)) checks.forEach((s, i) => add(s, ['checks', i], 'checks'));
  else asArray(asRecord(checks)?.steps).forEach((s, i) => add(s, ['checks', 'steps', i], 'checks'));
  asArray(root.remediate).forEach((s, i) => add(s, ['remediate', i], 'remediate'));
  for (const [outcome, list] of Object.entries(asRecord(root.notify) ?? {})) {
    asArray(list).forEach((s, i) => add(s, ['notify', outcome, i], 'notify', { outcome }));
  }
  asArray(root.steps).forEach((s, i) => {
    const info = add(s, ['steps', i], 'steps');
    if (info) flow.push(info);
  });
  return { root, flow, all };
}

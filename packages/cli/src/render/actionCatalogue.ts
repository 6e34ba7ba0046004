import type { AnyActionDefinition, IamStatement } from '@firstline/core';
import { stringify } from 'yaml';
import { exampleWith, fieldRows, samplePermissions } from './actionSchema.js';
import type { FieldRow } from './actionSchema.js';

/** One action as `firstline actions --json` prints it: everything the catalogue shows. */
export interface ActionEntry {
  id: string;
  kind: AnyActionDefinition['kind'];
  description: string;
  /** Its `with:` fields. */
  inputs: FieldRow[];
  /** Its output's fields (none when it declares no output schema). */
  outputs: FieldRow[];
  /** IAM statements for a templated input: what `run` calls, and the reads `plan()` adds in shadow mode. */
  iam: { run: IamStatement[]; plan: IamStatement[] };
  /** An example step naming it, as YAML. */
  example: string;
}

/** The catalogue entry of one action: a pure function of its definition. */
export function actionEntry(action: AnyActionDefinition): ActionEntry {
  return {
    id: action.id,
    kind: action.kind,
    description: action.description,
    inputs: fieldRows(action.input),
    outputs: fieldRows(action.output),
    iam: samplePermissions(action),
    example: exampleStep(action),
  };
}

/** An example step for `action`, as YAML: `- id: …, action: …, with: …` built from its input schema. */
export function exampleStep(action: AnyActionDefinition): string {
  const id = action.id
    .split('.')
    .pop()!
    .replace(/[^a-zA-Z0-9]+/g, '-');
  const step: Record<string, unknown> = { id, action: action.id };
  const given = exampleWith(action);
  if (Object.keys(given).length > 0) step.with = given;
  return stringify([step], { lineWidth: 0 });
}

/** The actions sorted by id, one definition per id (a later one wins, as in the registry). */
export function sortedActions(actions: Iterable<AnyActionDefinition>): AnyActionDefinition[] {
  const byId = new Map<string, AnyActionDefinition>();
  for (const action of actions) byId.set(action.id, action);
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** A plain-text table of the actions: id, kind and the first sentence of each description. */
export function renderActionTable(actions: Iterable<AnyActionDefinition>): string {
  const rows = sortedActions(actions).map((a) => [a.id, a.kind, firstSentence(a.description)] as const);
  const idWidth = Math.max(2, ...rows.map(([id]) => id.length));
  const kindWidth = Math.max(4, ...rows.map(([, kind]) => kind.length));
  const line = (id: string, kind: string, text: string) =>
    `${id.padEnd(idWidth)}  ${kind.padEnd(kindWidth)}  ${text}`.trimEnd();
  return `${[line('ID', 'KIND', 'DESCRIPTION'), ...rows.map(([id, kind, text]) => line(id, kind, text))].join('\n')}\n`;
}

/** One action in plain text, for `firstline actions <id>`. */
export function renderActionText(action: AnyActionDefinition): string {
  const entry = actionEntry(action);
  const out = [`${entry.id} (${entry.kind})`, `  ${entry.description}`, '', 'Inputs:'];
  if (entry.inputs.length === 0) out.push('  (none)');
  for (const field of entry.inputs) {
    const tags = [field.required ? 'required' : 'optional', field.default && `default ${field.default}`]
      .filter(Boolean)
      .join(', ');
    out.push(`  ${field.name}: ${field.type} (${tags})${field.description ? `  ${field.description}` : ''}`);
  }
  out.push('', 'Outputs:');
  if (entry.outputs.length === 0) out.push('  (none declared)');
  for (const field of entry.outputs)
    out.push(`  ${field.name}: ${field.type}${field.description ? `  ${field.description}` : ''}`);
  out.push('', 'IAM permissions:');
  if (entry.iam.run.length + entry.iam.plan.length === 0) out.push('  none (calls no AWS API)');
  for (const s of entry.iam.run) out.push(`  ${statementText(s)}`);
  for (const s of entry.iam.plan) out.push(`  ${statementText(s)}  (plan, shadow mode)`);
  out.push(
    '',
    'Example step:',
    ...entry.example
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
  );
  return `${out.join('\n')}\n`;
}

/**
 * The catalogue as Markdown: every action with its kind, inputs (types, required, defaults,
 * descriptions), outputs, IAM permissions and an example step. docs/reference/actions.md is this.
 */
export function renderActionsMarkdown(actions: Iterable<AnyActionDefinition>): string {
  const sorted = sortedActions(actions);
  const out = [
    '# Actions reference',
    '',
    '<!-- Generated from the action definitions by `pnpm gen:actions-doc` (firstline actions --markdown); do not edit. -->',
    '',
    'Every action the Firstline packages install, as `action:` names it. `firstline actions <id>` prints',
    'the same for one action; `firstline permissions <playbook>` builds the IAM policy of a playbook.',
    'IAM resources are shown for an input only known at run time (`*`); a literal input is scoped to its ARN.',
    '',
    '| Action | Kind | Description |',
    '| --- | --- | --- |',
    ...sorted.map(
      (a) => `| [\`${a.id}\`](#${anchor(a.id)}) | ${a.kind} | ${cell(firstSentence(a.description))} |`,
    ),
  ];
  for (const action of sorted) out.push('', ...actionMarkdown(action));
  return `${out.join('\n')}\n`;
}

function actionMarkdown(action: AnyActionDefinition): string[] {
  const entry = actionEntry(action);
  const out = [`## ${entry.id}`, '', `**${entry.kind}**. ${entry.description}`, '', '**Inputs**', ''];
  if (entry.inputs.length === 0) out.push('None.');
  else {
    out.push('| Name | Type | Required | Default | Description |', '| --- | --- | --- | --- | --- |');
    for (const f of entry.inputs)
      out.push(
        `| \`${f.name}\` | ${cell(f.type)} | ${f.required ? 'yes' : 'no'} | ${f.default ? `\`${cell(f.default)}\`` : ''} | ${cell(f.description ?? '')} |`,
      );
  }
  out.push('', '**Outputs**', '');
  if (entry.outputs.length === 0) out.push('None declared.');
  else {
    out.push('| Name | Type | Description |', '| --- | --- | --- |');
    for (const f of entry.outputs)
      out.push(`| \`${f.name}\` | ${cell(f.type)} | ${cell(f.description ?? '')} |`);
  }
  out.push('', '**IAM permissions**', '');
  if (entry.iam.run.length + entry.iam.plan.length === 0) out.push('None: it calls no AWS API.');
  for (const s of entry.iam.run) out.push(`- ${statementMarkdown(s)}`);
  for (const s of entry.iam.plan) out.push(`- ${statementMarkdown(s)} (read by \`plan()\` in shadow mode)`);
  out.push('', '**Example**', '', '```yaml', entry.example.trimEnd(), '```');
  return out;
}

function statementText(s: IamStatement): string {
  const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
  return `${s.Action.join(', ')} on ${resources.join(', ')}`;
}

function statementMarkdown(s: IamStatement): string {
  const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
  return `${s.Action.map((a) => `\`${a}\``).join(', ')} on ${resources.map((r) => `\`${r}\``).join(', ')}`;
}

/** The first sentence of a description, for one-line listings. */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // A full stop before a capital (or the end), or a semicolon: not the one of "e.g. an alias".
  const end = /\.(?=\s+[A-Z]|$)|;(?=\s)/.exec(flat);
  return end ? `${flat.slice(0, end.index)}.` : flat;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const anchor = (id: string) => id.toLowerCase().replace(/[^a-z0-9]+/g, '');

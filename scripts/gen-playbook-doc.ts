// Generates docs/reference/playbook.md from packages/core/src/format/schema.json, the playbook format's one
// source of truth, so the reference cannot drift from what the validator accepts. `pnpm gen:playbook-doc`
// writes it (and `pnpm gen` after a schema change); test/playbook-doc.test.ts fails when it is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

/** A JSON Schema node, as plain data. */
type Schema = Record<string, unknown> & {
  $ref?: string;
  title?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
};

/** Where the schema is read from. */
export const schemaPath = fileURLToPath(new URL('../packages/core/src/format/schema.json', import.meta.url));
/** Where the reference is written. */
export const docPath = fileURLToPath(new URL('../docs/reference/playbook.md', import.meta.url));

const SCHEMA_LINK = '../../packages/core/src/format/schema.json';
const PASCAL = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** The section a `$defs` entry gets: its title (or its name), and the anchor GitHub makes for it. */
function sectionOf(defs: Record<string, Schema>, name: string): { title: string; anchor: string } {
  const title = defs[name]?.title ?? PASCAL(name);
  return { title, anchor: title.toLowerCase() };
}

const code = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
};
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Renders the whole reference page. */
export async function renderPlaybookDoc(): Promise<string> {
  const schema = JSON.parse(await readFile(schemaPath, 'utf8')) as Schema & { $defs: Record<string, Schema> };
  const defs = schema.$defs;
  const refName = (s: Schema) => s.$ref?.replace('#/$defs/', '');
  const link = (name: string) => {
    const { title, anchor } = sectionOf(defs, name);
    return `[${title}](#${anchor})`;
  };

  /** A short type: `string`, a link to a section, `list of …`, `map of name → …`, `A or B`. */
  const typeOf = (s: Schema): string => {
    const ref = refName(s);
    if (ref) return link(ref);
    if ('const' in s) return `${code(s.const)} (exactly)`;
    if (Array.isArray(s.enum)) return 'one of the allowed values';
    const choices = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
    if (choices) return choices.map(typeOf).join(' or ');
    if (s.type === 'array') return s.items ? `list of ${typeOf(s.items as Schema)}` : 'list';
    if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object')
      return `map of name → ${typeOf(s.additionalProperties as Schema)}`;
    if (s.type === 'object' && s.properties) return 'mapping (keys below)';
    if (s.type === 'object') return 'mapping';
    if (Array.isArray(s.type)) return s.type.join(' or ');
    if (typeof s.type === 'string') return s.type;
    return 'any value';
  };

  /** Allowed values and limits of a node (not of what its `$ref` names: that section lists them). */
  const allowed = (s: Schema): string => {
    const parts: string[] = [];
    if (Array.isArray(s.enum)) parts.push(s.enum.map(code).join(', '));
    if (typeof s.pattern === 'string') parts.push(`matches ${code(s.pattern)}`);
    if (typeof s.minimum === 'number' && typeof s.maximum === 'number')
      parts.push(`${s.minimum} to ${s.maximum}`);
    else if (typeof s.minimum === 'number') parts.push(`at least ${s.minimum}`);
    else if (typeof s.maximum === 'number') parts.push(`at most ${s.maximum}`);
    if (s.minLength === 1) parts.push('not empty');
    else if (typeof s.minLength === 'number' && s.minLength > 1)
      parts.push(`at least ${s.minLength} characters`);
    if (typeof s.maxLength === 'number') parts.push(`at most ${s.maxLength} characters`);
    if (s.minItems === 1) parts.push('at least one item');
    else if (typeof s.minItems === 'number' && s.minItems > 1) parts.push(`at least ${s.minItems} items`);
    if (s.uniqueItems === true) parts.push('no repeats');
    if (s.minProperties === 1) parts.push('at least one key');
    else if (typeof s.minProperties === 'number') parts.push(`at least ${s.minProperties} keys`);
    if (s.propertyNames && refName(s.propertyNames as Schema))
      parts.push(`names are ${link(refName(s.propertyNames as Schema)!)}`);
    if (s.type === 'array' && s.items) {
      const items = allowed(s.items as Schema);
      if (items) parts.push(`each item: ${items}`);
    }
    return parts.join('; ');
  };

  const examples = (s: Schema): string =>
    Array.isArray(s.examples) ? s.examples.map((e) => code(e)).join(', ') : '';

  // A top-level key one of the playbook's forms requires (checks, steps): "in FirstLineForm", not "no".
  const byForm = new Map<string, string>();
  for (const form of (schema.oneOf ?? []) as Schema[])
    for (const key of form.required ?? []) byForm.set(key, `**${form.title ?? 'one form'}**`);

  /** The fields table of an object node; `path` prefixes each field (`steps[].on.pass`). */
  const fields = (s: Schema, path: string): string[] => {
    const props = Object.entries(s.properties ?? {});
    if (props.length === 0) return [];
    const required = new Set(s.required ?? []);
    const rows = props.map(([name, p]) => {
      const target = refName(p) ? defs[refName(p)!]! : undefined;
      const description = p.description ?? target?.description ?? '';
      const extra = [examples(p) && `Examples: ${examples(p)}.`].filter(Boolean).join(' ');
      return [
        code(`${path}${name}`),
        typeOf(p),
        required.has(name) ? '**yes**' : s === schema && byForm.has(name) ? `in ${byForm.get(name)!}` : 'no',
        'default' in p ? code(p.default) : '',
        allowed(p),
        [description, extra].filter(Boolean).join(' '),
      ]
        .map(cell)
        .join(' | ');
    });
    return [
      `| ${path ? 'Path' : 'Key'} | Type | Required | Default | Allowed values | Description |`,
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r} |`),
      '',
    ];
  };

  // Where each definition is used: the sections (and keys) that name it, and every full path to it.
  const usedBy = new Map<string, Map<string, string[]>>();
  const fullPaths = new Map<string, Set<string>>();
  const walk = (s: Schema, path: string, owner: string, rel: string, seen: string[]): void => {
    const ref = refName(s);
    if (ref) {
      const by = usedBy.get(ref) ?? new Map<string, string[]>();
      const keys = by.get(owner) ?? [];
      if (rel !== '' && !keys.includes(code(rel))) keys.push(code(rel));
      by.set(owner, keys);
      usedBy.set(ref, by);
      const full = fullPaths.get(ref) ?? new Set<string>();
      full.add(path);
      fullPaths.set(ref, full);
      if (!seen.includes(ref)) walk(defs[ref]!, path, ref, '', [...seen, ref]);
      return;
    }
    const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
    for (const [name, p] of Object.entries(s.properties ?? {}))
      walk(p, join(path, name), owner, join(rel, name), seen);
    if (s.items) walk(s.items as Schema, `${path}[]`, owner, `${rel}[]`, seen);
    if (s.additionalProperties && typeof s.additionalProperties === 'object')
      walk(s.additionalProperties as Schema, join(path, '<name>'), owner, join(rel, '<name>'), seen);
    for (const branch of [...((s.oneOf ?? []) as Schema[]), ...((s.anyOf ?? []) as Schema[])])
      walk(branch, path, owner, rel, seen);
  };
  walk(schema, '', '', '', []);

  const section = (name: string): string[] => {
    const s = defs[name]!;
    const { title } = sectionOf(defs, name);
    const out = [`### ${title}`, '', s.description ?? '', ''];
    // Top-level keys plainly, then each definition that names this one, with the keys that do.
    const by = [...(usedBy.get(name) ?? new Map<string, string[]>())].map(([owner, keys]) =>
      owner === '' ? keys.join(', ') : `${link(owner)}${keys.length ? ` ${keys.join(', ')}` : ''}`,
    );
    if (by.length) out.push(`Used by: ${by.join('; ')}.`, '');
    const paths = [...(fullPaths.get(name) ?? [])];
    const summary = [
      s.type && !s.properties ? `Type: ${typeOf({ ...s, title: undefined })}.` : '',
      allowed(s) ? `Allowed values: ${allowed(s)}.` : '',
      'default' in s ? `Default: ${code(s.default)}.` : '',
      examples(s) ? `Examples: ${examples(s)}.` : '',
    ].filter(Boolean);
    if (summary.length) out.push(summary.join(' '), '');
    // Used at one place only, a field's full path is known; otherwise `Used at` says where.
    const prefix = paths.length === 1 ? `${paths[0]!}.` : '';
    out.push(...fields(s, prefix));
    const choices = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
    if (choices) {
      out.push(s.oneOf ? 'Exactly one of:' : 'One of:', '');
      for (const [i, branch] of choices.entries()) {
        const label = branch.title ?? (refName(branch) ? link(refName(branch)!) : `${title}, form ${i + 1}`);
        const what = [typeOf({ ...branch, title: undefined }), allowed(branch)].filter(Boolean).join('; ');
        const text = refName(branch) ? defs[refName(branch)!]!.description : (branch.description ?? what);
        out.push(`- **${label}**: ${text ?? what}`);
      }
      out.push('');
      for (const [i, branch] of choices.entries())
        if (branch.properties)
          out.push(`#### ${branch.title ?? `${title}, form ${i + 1}`}`, '', ...fields(branch, prefix));
    }
    return out;
  };

  const order = [...usedBy.keys()];
  for (const name of Object.keys(defs)) if (!order.includes(name)) order.push(name);
  const forms = ((schema.oneOf ?? []) as Schema[]).map((f) => {
    const req = (f.required ?? []).map(code).join(', ');
    return `- **${f.title}**: requires ${req}; ${describeNot(f.not as Schema | undefined)}.`;
  });

  const page = [
    '# Playbook format reference',
    '',
    `<!-- Generated from packages/core/src/format/schema.json by scripts/gen-playbook-doc.ts (pnpm gen:playbook-doc). Do not edit by hand. -->`,
    '',
    `Every key a playbook may hold, generated from the format's JSON Schema ([\`schema.json\`](${SCHEMA_LINK}), published as`,
    '`@firstline/core/schema.json`), so this page says exactly what the validator accepts. A key not listed is an',
    'error. What the keys _mean_ at run time is in the concepts: [playbooks](../concepts/playbooks.md),',
    '[outcomes](../concepts/outcomes.md), [expressions](../concepts/expressions.md), [safety](../concepts/safety.md),',
    '[durability](../concepts/durability.md), [secrets](../concepts/secrets.md). The inputs each action takes are in',
    '[actions.md](actions.md).',
    '',
    'For editor completion, start a playbook with',
    '`# yaml-language-server: $schema=<path to node_modules/@firstline/core/schema.json>`.',
    '',
    '## Top level',
    '',
    schema.description ?? '',
    '',
    'A playbook takes one of two forms:',
    '',
    ...forms,
    '',
    ...fields(schema, ''),
    '## Definitions',
    '',
    'Each section says which keys use the definition (top-level keys plain, keys of other definitions after a',
    'link to them); `[]` is any item of a list, `<name>` any key of a mapping.',
    '',
    ...order.flatMap(section),
  ].join('\n');
  const options = (await resolveConfig(docPath)) ?? {};
  return format(page, { ...options, parser: 'markdown', filepath: docPath });
}

/** "no `steps`" / "none of `checks`, `remediate`" from a form's `not`. */
function describeNot(not: Schema | undefined): string {
  if (!not) return 'nothing else';
  const keys = not.required ?? ((not.anyOf ?? []) as Schema[]).flatMap((s) => s.required ?? []);
  return keys.length === 1 ? `no ${code(keys[0])}` : `none of ${keys.map(code).join(', ')}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(docPath, await renderPlaybookDoc());
  console.log(`wrote ${docPath}`);
}

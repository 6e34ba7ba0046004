import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  checkPlaybook,
  ISSUE_CODES,
  parsePlaybook,
  tryParsePlaybook,
  validatePlaybook,
} from '@firstline/core';
import type { Issue } from '@firstline/core';
import { fixtureRegistry } from './fixtures/actions.js';

/**
 * Random mutations of the golden playbooks, at the data level (re-serialised as YAML), the text
 * level and the byte level, must never make the loader or the validator throw: they return a
 * playbook or issues, and every issue is well formed and points inside the text.
 */

const dir = fileURLToPath(new URL('./fixtures/valid/', import.meta.url));
const goldens = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    return { name, text, data: parsePlaybook(text).data };
  });
const actions = fixtureRegistry();
const codes = new Set(Object.keys(ISSUE_CODES));
// Fixed seed and run count: the same inputs on every machine, and the whole file in a few seconds.
const runs = { seed: 20_240_611, numRuns: 300 } as const;

/** What is wrong with an issue list, if anything (plain checks: thousands of `expect` calls are slow). */
function problemsOf(issues: readonly Issue[], ok: boolean, text?: string): string[] {
  const problems: string[] = [];
  if (ok !== !issues.some((i) => i.severity === 'error'))
    problems.push(`ok is ${ok} for ${issues.length} issues`);
  const lines = text?.split('\n');
  for (const issue of issues) {
    const bad = (what: string) => problems.push(`${what}: ${JSON.stringify(issue)}`);
    if (!codes.has(issue.code)) bad('unknown code');
    if (issue.severity !== 'error' && issue.severity !== 'warning') bad('bad severity');
    if (!Number.isInteger(issue.line) || issue.line < 1) bad('bad line');
    if (!Number.isInteger(issue.column) || issue.column < 1) bad('bad column');
    if (issue.message.length === 0 || /\n| {4}at /.test(issue.message)) bad('bad message');
    if (typeof issue.path !== 'string') bad('bad path');
    // Positions are inside the text: a line that exists, at most one past its last character.
    if (lines && issue.line > lines.length) bad(`line past the end (${lines.length} lines)`);
    else if (lines && issue.column > (lines[issue.line - 1]?.length ?? 0) + 1)
      bad('column past the end of its line');
  }
  return problems;
}

function expectWellFormed(issues: readonly Issue[], ok: boolean, text?: string): void {
  const problems = problemsOf(issues, ok, text);
  if (problems.length > 0) expect(problems).toEqual([]);
}

/** tryParsePlaybook, then validatePlaybook on whatever loaded: the issues a user would see. */
function parseAndValidate(source: string | Uint8Array): Issue[] {
  const parsed = tryParsePlaybook(source);
  const text = parsed.ok ? parsed.playbook.text : typeof source === 'string' ? source : undefined;
  expectWellFormed(parsed.issues, parsed.ok, text);
  if (!parsed.ok) return parsed.issues;
  const validated = validatePlaybook(parsed.playbook, { actions });
  expectWellFormed(validated.issues, validated.ok, text);
  return validated.issues;
}

/** Both ways in: the one-call checkPlaybook must say exactly what parse + validate say. */
async function checkBothWays(source: string | Uint8Array): Promise<void> {
  const direct = parseAndValidate(source);
  const checked = await checkPlaybook({ text: source }, { actions });
  expect(checked.issues).toEqual(direct);
  expect(checked.ok).toBe(!direct.some((i) => i.severity === 'error'));
}

// ---- data-level mutations --------------------------------------------------------------------

type Path = Array<string | number>;
type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/** Every path in a value, the root (`[]`) first. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (isContainer(value))
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

function get(root: unknown, path: Path): unknown {
  let value = root;
  for (const key of path)
    value = isContainer(value) ? (value as Record<string | number, unknown>)[key] : undefined;
  return value;
}

// defineProperty: a random key may be `__proto__`, which must stay data here as in the loader.
function put(container: Container, key: string | number, value: unknown): void {
  Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

const keys = fc.oneof(
  fc.constantFrom(
    'id',
    'action',
    'with',
    'wait',
    'goto',
    'end',
    'parallel',
    'steps',
    'on',
    'next',
    'maxVisits',
    'expect',
    'when',
    'timeout',
    'retry',
    'quorum',
    'checks',
    'remediate',
    'recheck',
    'notify',
    'inputs',
    'secrets',
    'token',
    'firstline',
    '__proto__',
    'constructor',
    'toString',
  ),
  fc.string({ maxLength: 12 }),
);

const values = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    '',
    '{{',
    '{{ }}',
    '}}',
    '{{ steps.nope.output }}',
    '{{ inputs.missing }}',
    '{{ secrets.missing }}',
    '{{ input.url }}',
    'output.status = = 1',
    '5 minutes',
    '0s',
    '25h',
    '2m',
    'test.http.check',
    'test.ec2.reboot',
    'test.chat.post',
    'core.log',
    'no.such.action',
    'probe',
    'url',
    'done',
    -1,
    0,
    101,
    1.5,
    true,
    null,
    [],
    {},
    { atLeast: 99 },
    { env: 'X' },
    { until: 'output.ok', step: 'url', timeout: '1m' },
  ),
);

type Mutation =
  | { kind: 'delete'; pick: number }
  | { kind: 'replace'; pick: number; value: unknown }
  | { kind: 'duplicate'; pick: number }
  | { kind: 'insertKey'; pick: number; key: string; value: unknown }
  | { kind: 'renameId'; pick: number; id: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: values }),
  fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('insertKey' as const), pick: fc.nat(), key: keys, value: values }),
  fc.record({
    kind: fc.constant('renameId' as const),
    pick: fc.nat(),
    id: fc.oneof(
      fc.constantFrom('url', 'probe', 'done', 'retry', 'cpu', '1bad', ''),
      fc.string({ maxLength: 8 }),
    ),
  }),
);

/** Applies a mutation to `root` in place, choosing its target with `pick` among the fitting paths. */
function mutate(root: { doc: unknown }, m: Mutation): void {
  const all = pathsOf(root.doc);
  const choose = (paths: Path[]) => (paths.length === 0 ? undefined : paths[m.pick % paths.length]);
  switch (m.kind) {
    case 'replace': {
      const path = choose(all);
      if (!path) return;
      if (path.length === 0) root.doc = m.value;
      else put(get(root.doc, path.slice(0, -1)) as Container, path.at(-1)!, m.value);
      return;
    }
    case 'delete': {
      const path = choose(all.filter((p) => p.length > 0));
      if (!path) return;
      const parent = get(root.doc, path.slice(0, -1)) as Container;
      if (Array.isArray(parent)) parent.splice(path.at(-1) as number, 1);
      else delete parent[path.at(-1) as string];
      return;
    }
    case 'duplicate': {
      const path = choose(all.filter((p) => Array.isArray(get(root.doc, p.slice(0, -1))) && p.length > 0));
      if (!path) return;
      const parent = get(root.doc, path.slice(0, -1)) as unknown[];
      const index = path.at(-1) as number;
      parent.splice(index + 1, 0, structuredClone(parent[index]));
      return;
    }
    case 'insertKey': {
      const path = choose(
        all.filter((p) => isContainer(get(root.doc, p)) && !Array.isArray(get(root.doc, p))),
      );
      if (path) put(get(root.doc, path) as Container, m.key, m.value);
      return;
    }
    case 'renameId': {
      const path = choose(all.filter((p) => p.at(-1) === 'id'));
      if (path) put(get(root.doc, path.slice(0, -1)) as Container, 'id', m.id);
      return;
    }
  }
}

// ---- text- and byte-level mutations ------------------------------------------------------------

const tokens = fc.oneof(
  fc.constantFrom(
    '\t',
    '  ',
    '[',
    ']',
    '{',
    '}',
    '&a ',
    '*a',
    '*a ',
    '&a [*a]',
    '<<: *a\n',
    '!tag ',
    '!Ref ',
    '!!binary ',
    '!!js/function ',
    ':',
    ': ',
    '- ',
    '? ',
    '"',
    "'",
    '#',
    '|',
    '>',
    '\n',
    '\r\n',
    '\n---\n',
    '\n...\n',
    '%YAML 1.1\n',
    '{{',
    '}}',
    '\u0000',
    '\u00a0',
    '\ufeff',
    '\ud800',
  ),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

type TextOp =
  | { kind: 'deleteChars'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'duplicateChars'; at: number; length: number }
  | { kind: 'duplicateLine'; line: number }
  | { kind: 'deleteLine'; line: number }
  | { kind: 'swapLines'; a: number; b: number };

const textOp: fc.Arbitrary<TextOp> = fc.oneof(
  fc.record({
    kind: fc.constant('deleteChars' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 12 }),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: tokens }),
  fc.record({
    kind: fc.constant('duplicateChars' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 12 }),
  }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('deleteLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
);

function applyTextOp(text: string, op: TextOp): string {
  const lines = text.split('\n');
  switch (op.kind) {
    case 'deleteChars': {
      const at = op.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + op.length);
    }
    case 'insert': {
      const at = op.at % (text.length + 1);
      return text.slice(0, at) + op.text + text.slice(at);
    }
    case 'duplicateChars': {
      const at = op.at % (text.length + 1);
      return text.slice(0, at + op.length) + text.slice(at);
    }
    case 'duplicateLine': {
      const i = op.line % lines.length;
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 'deleteLine':
      lines.splice(op.line % lines.length, 1);
      return lines.join('\n');
    case 'swapLines': {
      const a = op.a % lines.length;
      const b = op.b % lines.length;
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
  }
}

type ByteOp =
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'truncate'; at: number }
  | { kind: 'prefix'; bytes: readonly number[] };

const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('prefix' as const),
    bytes: fc.constantFrom([0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xc3]),
  }),
);

function applyByteOp(bytes: Uint8Array, op: ByteOp): Uint8Array {
  switch (op.kind) {
    case 'insert': {
      const at = op.at % (bytes.length + 1);
      return Uint8Array.from([...bytes.subarray(0, at), ...op.bytes, ...bytes.subarray(at)]);
    }
    case 'truncate':
      return bytes.subarray(0, op.at % (bytes.length + 1));
    case 'prefix':
      return Uint8Array.from([...op.bytes, ...bytes]);
  }
}

const golden = fc.constantFrom(...goldens);

describe('mutated golden playbooks never make the loader or validator throw', () => {
  it('has golden playbooks to mutate', () => {
    expect(goldens.length).toBeGreaterThanOrEqual(5);
  });

  it('data-level mutations, re-serialised as YAML', async () => {
    await fc.assert(
      fc.asyncProperty(golden, fc.array(mutation, { minLength: 1, maxLength: 4 }), async (g, mutations) => {
        const root = { doc: structuredClone(g.data) };
        for (const m of mutations) mutate(root, m);
        const text = stringify(root.doc);
        // tryParsePlaybook is exercised by the text- and byte-level properties; once is enough here.
        const checked = await checkPlaybook({ text }, { actions });
        expectWellFormed(checked.issues, checked.ok, text);
        if (checked.playbook)
          expect(validatePlaybook(checked.playbook, { actions })).toEqual({
            ok: checked.ok,
            issues: checked.issues,
          });
        // Data built in code goes through the validator without YAML at all; positions are then 1:1.
        if (isContainer(root.doc)) {
          const result = validatePlaybook(root.doc, { actions });
          expectWellFormed(result.issues, result.ok);
        }
      }),
      runs,
    );
    // Hundreds of validations: about 3 s on a quiet machine, several times that on a loaded one.
  }, 30_000);

  it('text-level mutations', () => {
    fc.assert(
      fc.property(golden, fc.array(textOp, { minLength: 1, maxLength: 5 }), (g, ops) => {
        // checkPlaybook, the same two calls in one, is exercised by the other two properties.
        parseAndValidate(ops.reduce(applyTextOp, g.text));
      }),
      runs,
    );
    // Hundreds of loads and validations, like the data-level property: the same bound.
  }, 30_000);

  it('byte-level mutations', async () => {
    await fc.assert(
      fc.asyncProperty(golden, fc.array(byteOp, { minLength: 1, maxLength: 3 }), async (g, ops) => {
        await checkBothWays(ops.reduce(applyByteOp, new TextEncoder().encode(g.text)));
      }),
      runs,
    );
  }, 30_000);

  it('mutations do reach the validator: most data-level mutants load and many are invalid', () => {
    // Guards the properties above against testing nothing (every mutant rejected by the parser).
    const samples = fc.sample(fc.tuple(golden, fc.array(mutation, { minLength: 1, maxLength: 4 })), {
      seed: runs.seed,
      numRuns: 100,
    });
    let loaded = 0;
    let invalid = 0;
    for (const [g, mutations] of samples) {
      const root = { doc: structuredClone(g.data) };
      for (const m of mutations) mutate(root, m);
      const parsed = tryParsePlaybook(stringify(root.doc));
      if (!parsed.ok) continue;
      loaded++;
      if (!validatePlaybook(parsed.playbook, { actions }).ok) invalid++;
    }
    expect(loaded).toBeGreaterThan(50);
    expect(invalid).toBeGreaterThan(25);
  });
});

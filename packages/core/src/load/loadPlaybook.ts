import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Alias, Document, Node as YamlNode } from 'yaml';
import { PlaybookInvalid } from '../errors.js';
import type { Issue, IssueCode } from '../validate/issues.js';
import { firstInvalidUtf8, LOAD_LIMITS } from './limits.js';
import type { LoadLimits } from './limits.js';
import { formatPath, SourceMap } from './sourceMap.js';
import type { NodeSpan, PathSegment } from './sourceMap.js';

/** A playbook read from YAML: its data, the text it came from and where every node stands in it. */
export interface LoadedPlaybook {
  /** The file it was read from, or a display name; absent for anonymous text. */
  readonly file?: string;
  /** The source text (UTF-8 decoded, BOM removed). */
  readonly text: string;
  /** The parsed data: plain objects, arrays and scalars, with no prototype surprises. */
  readonly data: unknown;
  /** Positions of every node, for issues with `line:col`. */
  readonly sourceMap: SourceMap;
  /** SHA-256 of the data in canonical form: equal for documents that mean the same thing. */
  readonly hash: string;
}

/** Where a playbook comes from: a file path or URL, or text (with an optional display name). */
export type PlaybookSource = string | URL | { text: string | Uint8Array; file?: string };

/** Options for {@link loadPlaybook} and {@link parsePlaybook}. */
export interface LoadOptions {
  /** Name shown in issues for text sources. */
  file?: string;
  /** Tighter or looser limits than {@link LOAD_LIMITS}. */
  limits?: Partial<LoadLimits>;
}

/** What {@link tryParsePlaybook} returns: the playbook, or the issues that kept it from loading. */
export type ParseResult =
  { ok: true; playbook: LoadedPlaybook; issues: Issue[] } | { ok: false; issues: Issue[] };

// Tags of YAML 1.2's core schema; anything else (!Ref, !!binary, !!js/function) is not plain data.
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

const YAML_CODES: Record<string, IssueCode> = {
  DUPLICATE_KEY: 'E_DUPLICATE_KEY',
  TAB_AS_INDENT: 'E_YAML_TAB',
  MULTIPLE_DOCS: 'E_MULTIPLE_DOCUMENTS',
  RESOURCE_EXHAUSTION: 'E_ALIAS_LIMIT',
};

/**
 * Reads a playbook file (or text) and parses it, keeping every node's position.
 * Throws {@link PlaybookInvalid} listing every problem when it cannot be loaded.
 *
 * @example
 * const playbook = await loadPlaybook('playbooks/ec2-first-line.yaml');
 * const { ok, issues } = validatePlaybook(playbook, { actions });
 */
export async function loadPlaybook(
  source: PlaybookSource,
  options: LoadOptions = {},
): Promise<LoadedPlaybook> {
  const result = await tryLoadPlaybook(source, options);
  if (!result.ok) throw new PlaybookInvalid(result.issues, options.file ?? displayName(source));
  return result.playbook;
}

/** Like {@link loadPlaybook}, but returns the issues instead of throwing; it never throws for bad content. */
export async function tryLoadPlaybook(
  source: PlaybookSource,
  options: LoadOptions = {},
): Promise<ParseResult> {
  if (typeof source === 'object' && !(source instanceof URL)) {
    return tryParsePlaybook(source.text, { ...options, file: options.file ?? source.file });
  }
  const path = source instanceof URL ? fileURLToPath(source) : source;
  const maxBytes = options.limits?.maxBytes ?? LOAD_LIMITS.maxBytes;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return fail('E_READ', `${path} is a directory, not a playbook file`);
    if (info.size > maxBytes) return fail('E_TOO_LARGE', tooLarge(info.size, maxBytes));
    return tryParsePlaybook(await readFile(path), { ...options, file: options.file ?? path });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    return fail('E_READ', `cannot read ${path}: ${reason}`);
  }
}

/** Parses playbook text synchronously; throws {@link PlaybookInvalid} when it cannot be loaded. */
export function parsePlaybook(text: string | Uint8Array, options: LoadOptions = {}): LoadedPlaybook {
  const result = tryParsePlaybook(text, options);
  if (!result.ok) throw new PlaybookInvalid(result.issues, options.file);
  return result.playbook;
}

/** Wraps data built in code (no YAML text) as a playbook; issues on it point at 1:1. */
export function playbookFromData(data: unknown, file?: string): LoadedPlaybook {
  return { file, text: '', data, sourceMap: SourceMap.empty(), hash: hashData(data) };
}

/** Parses playbook text and returns the playbook or every issue found; never throws for bad content. */
export function tryParsePlaybook(input: string | Uint8Array, options: LoadOptions = {}): ParseResult {
  const limits = { ...LOAD_LIMITS, ...options.limits };
  const decoded = decode(input, limits.maxBytes);
  if ('issue' in decoded) return { ok: false, issues: [decoded.issue] };
  const text = decoded.text;

  const lines = lineStarts(text);
  const tooDeep = flowDepthExceeded(text, limits.maxDepth);
  if (tooDeep >= 0) {
    return failAt(
      lines,
      tooDeep,
      'E_DEPTH_LIMIT',
      `the document nests deeper than ${limits.maxDepth} levels`,
    );
  }

  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, version: '1.2' });
  } catch (error) {
    return fail('E_YAML_SYNTAX', `the YAML parser gave up: ${String((error as Error).message ?? error)}`);
  }

  const issues: Issue[] = doc.errors.map((e) => {
    const code = YAML_CODES[e.code] ?? 'E_YAML_SYNTAX';
    return issueAt(lines, e.pos[0], code, yamlMessage(code, e.message));
  });
  if (issues.length > 0) {
    // A tab used as indentation derails the parser for the rest of its line: there the tab is the
    // one thing to fix, and the parser's other complaints on that line only confuse.
    const tabLines = new Set(issues.filter((i) => i.code === 'E_YAML_TAB').map((i) => i.line));
    const cleaned = issues.filter((i) => i.code !== 'E_YAML_SYNTAX' || !tabLines.has(i.line));
    return { ok: false, issues: dedupe(cleaned) };
  }

  if (
    doc.contents === null ||
    (isScalar(doc.contents) && doc.contents.value === null && !doc.contents.source)
  ) {
    return fail('E_EMPTY', 'the file is empty: a playbook starts with `firstline: 1` and a `name:`');
  }
  if (!isMap(doc.contents)) {
    const what = isSeq(doc.contents) ? 'a list' : 'a single value';
    return failAt(
      lines,
      doc.contents.range?.[0] ?? 0,
      'E_ROOT_NOT_MAPPING',
      `the top level is ${what}; a playbook is a mapping of keys (firstline:, name:, …)`,
    );
  }

  const builder = new DataBuilder(doc, lines, text, limits);
  const data = builder.build(doc.contents);
  if (builder.issues.length > 0) return { ok: false, issues: builder.issues };
  const playbook: LoadedPlaybook = {
    file: options.file,
    text,
    data,
    sourceMap: new SourceMap(builder.spans, lines),
    hash: hashData(data),
  };
  return { ok: true, playbook, issues: [] };
}

class LimitReached extends Error {}

/** Turns YAML nodes into plain data, recording spans and enforcing depth and expansion limits. */
class DataBuilder {
  readonly spans = new Map<string, NodeSpan>();
  readonly issues: Issue[] = [];
  private nodes = 0;
  private aliasDepth = 0;
  /** Where the outermost alias being expanded stands: limits hit inside an expansion point there. */
  private aliasSite = 0;
  private aliasTargets?: Map<Alias, YamlNode | undefined>;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly text: string,
    private readonly limits: LoadLimits,
  ) {}

  build(root: YamlNode): unknown {
    try {
      return this.convert(root, [], 0, undefined);
    } catch (error) {
      if (error instanceof LimitReached) return undefined;
      throw error;
    }
  }

  private convert(node: unknown, path: PathSegment[], depth: number, keyStart: number | undefined): unknown {
    if (++this.nodes > this.limits.maxNodes) {
      const why = this.aliasDepth > 0 ? 'E_ALIAS_LIMIT' : 'E_TOO_LARGE';
      this.stop(
        node,
        why,
        `the document expands to more than ${this.limits.maxNodes} values${why === 'E_ALIAS_LIMIT' ? ' through its aliases' : ''}`,
      );
    }
    if (depth > this.limits.maxDepth)
      this.stop(node, 'E_DEPTH_LIMIT', `the document nests deeper than ${this.limits.maxDepth} levels`);

    if (isAlias(node)) {
      const target = this.resolveAlias(node);
      if (!target)
        this.stop(node, 'E_YAML_SYNTAX', `the alias *${node.source} names no anchor defined before it`);
      this.record(path, node.range?.[0] ?? 0, keyStart, undefined);
      if (this.aliasDepth === 0) this.aliasSite = node.range?.[0] ?? 0;
      this.aliasDepth++;
      try {
        // Positions inside an expanded alias resolve to the alias itself (its first use site).
        return this.convert(target, path, depth, keyStart);
      } finally {
        this.aliasDepth--;
      }
    }
    const start = (node as { range?: [number, number, number] }).range?.[0] ?? 0;
    const tag = (node as { tag?: string }).tag;
    // Inside an expansion the tagged node was already reported where it stands.
    if (tag && !CORE_TAGS.has(tag) && this.aliasDepth === 0) {
      this.report(
        tagStart(this.text, start),
        'E_YAML_TAG',
        `the tag ${tag.replace('tag:yaml.org,2002:', '!!')} is not plain data; remove it`,
      );
    }
    if (this.aliasDepth === 0) this.record(path, start, keyStart, node);

    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = pair.key;
        if (!isScalar(key)) {
          const at = (key as { range?: number[] } | null)?.range?.[0] ?? start;
          this.report(at, 'E_YAML_KEY', 'a mapping key must be a plain name, not a list or mapping');
          continue;
        }
        const name = String(key.value);
        const keyAt = key.range?.[0] ?? start;
        const value =
          pair.value === null ? null : this.convert(pair.value, [...path, name], depth + 1, keyAt);
        if (pair.value === null && this.aliasDepth === 0)
          this.record([...path, name], keyAt, keyAt, undefined);
        // defineProperty: a key named __proto__ or constructor is data, never a prototype change.
        Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    if (isSeq(node))
      return node.items.map((item, i) => this.convert(item, [...path, i], depth + 1, undefined));
    if (isScalar(node)) return node.value;
    return null;
  }

  private record(path: PathSegment[], start: number, keyStart: number | undefined, node: unknown): void {
    let innerShift: number | undefined;
    if (isScalar(node) && typeof node.value === 'string' && node.range) {
      const oneLine = !this.text.slice(node.range[0], node.range[1]).includes('\n');
      if (oneLine && node.type === 'PLAIN') innerShift = 0;
      else if (oneLine && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) innerShift = 1;
    }
    this.spans.set(formatPath(path), { start, keyStart, innerShift });
  }

  private report(offset: number, code: IssueCode, message: string): void {
    this.issues.push(issueAt(this.lines, offset, code, message));
  }

  /**
   * The node an alias names: the last anchor of that name before it. Computed once for the whole
   * document, because yaml's `Alias.resolve` walks the document on every call: quadratic in aliases.
   */
  private resolveAlias(alias: Alias): YamlNode | undefined {
    if (!this.aliasTargets) {
      const targets = new Map<Alias, YamlNode | undefined>();
      const anchors = new Map<string, YamlNode>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) targets.set(node, anchors.get(node.source));
          else if (node.anchor) anchors.set(node.anchor, node);
        },
      });
      this.aliasTargets = targets;
    }
    return this.aliasTargets.get(alias);
  }

  private stop(node: unknown, code: IssueCode, message: string): never {
    // Inside an expanded alias, point at the alias the document uses, not into the anchor's content.
    const at = this.aliasDepth > 0 ? this.aliasSite : (node as { range?: number[] } | null)?.range?.[0];
    this.report(at ?? 0, code, message);
    throw new LimitReached(message);
  }
}

function decode(input: string | Uint8Array, maxBytes: number): { text: string } | { issue: Issue } {
  let text: string;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input, 'utf8') > maxBytes)
      return { issue: issue('E_TOO_LARGE', tooLarge(Buffer.byteLength(input), maxBytes)) };
    text = input;
  } else {
    if (input.length > maxBytes) return { issue: issue('E_TOO_LARGE', tooLarge(input.length, maxBytes)) };
    if ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff)) {
      return { issue: issue('E_ENCODING', 'the file is UTF-16; save it as UTF-8') };
    }
    const bad = firstInvalidUtf8(input);
    if (bad >= 0) {
      const before = Buffer.from(input.subarray(0, bad)).toString('utf8');
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      const byte = (input[bad] as number).toString(16).padStart(2, '0');
      return {
        issue: {
          ...issue('E_ENCODING', `byte 0x${byte} is not UTF-8; save the file as UTF-8`),
          line,
          column,
        },
      };
    }
    text = Buffer.from(input).toString('utf8');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const before = text.slice(0, nul);
    return {
      issue: {
        ...issue('E_ENCODING', 'the file holds a NUL byte: it is binary data, not a YAML playbook'),
        line: before.split('\n').length,
        column: nul - before.lastIndexOf('\n'),
      },
    };
  }
  return { text };
}

/**
 * Every line's start, counted from the text itself. yaml's own `lineCounter` option is fed by the
 * parser, which skips the newlines inside tokens it could not place: every line after such an
 * error would then be reported one line too early.
 */
function lineStarts(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

/**
 * Finds where `[`/`{` nesting first passes `max`, or -1. Checked before parsing because the YAML
 * parser recurses on flow collections and a few kilobytes of brackets exhaust the stack.
 * Quotes are ignored: a string holding dozens of unmatched brackets only costs a stricter limit.
 */
function flowDepthExceeded(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return i;
    } else if ((ch === 0x5d || ch === 0x7d) && depth > 0) depth--;
  }
  return -1;
}

/**
 * Where the tag written before a node begins (`!Ref` in `url: !Ref Name`): the parser's range
 * starts at the value, after the tag, and the user needs to see the tag itself.
 */
function tagStart(text: string, start: number): number {
  const before = text.slice(Math.max(0, start - 256), start);
  const match = /!\S*(?:\s+&\S+)?\s*$/.exec(before);
  return match ? start - before.length + match.index : start;
}

function yamlMessage(code: IssueCode, raw: string): string {
  const first = (raw.split('\n')[0] ?? raw).replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '');
  switch (code) {
    case 'E_DUPLICATE_KEY':
      return 'this key appears twice in the same mapping; keep one';
    case 'E_YAML_TAB':
      return 'a tab is used for indentation; YAML indents with spaces';
    case 'E_MULTIPLE_DOCUMENTS':
      return 'the file holds more than one YAML document (a second `---`); put one playbook per file';
    case 'E_ALIAS_LIMIT':
      return `the document is too large to expand: ${first}`;
    default:
      return `YAML syntax: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
  }
}

function issue(code: IssueCode, message: string): Issue {
  return { code, message, path: '', line: 1, column: 1, severity: 'error' };
}

function issueAt(lines: LineCounter, offset: number, code: IssueCode, message: string): Issue {
  const { line, col } = lines.linePos(offset);
  return { code, message, path: '', line, column: col, severity: 'error' };
}

function fail(code: IssueCode, message: string): ParseResult {
  return { ok: false, issues: [issue(code, message)] };
}

function failAt(lines: LineCounter, offset: number, code: IssueCode, message: string): ParseResult {
  return { ok: false, issues: [issueAt(lines, offset, code, message)] };
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.line}:${i.column}:${i.code}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function tooLarge(size: number, max: number): string {
  return `the file is ${size} bytes; playbooks are limited to ${max} bytes`;
}

function displayName(source: PlaybookSource): string | undefined {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return fileURLToPath(source);
  return source.file;
}

/** SHA-256 of data in canonical JSON (keys sorted): the identity of what a playbook means. */
export function hashData(data: unknown): string {
  return createHash('sha256').update(canonicalJson(data)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

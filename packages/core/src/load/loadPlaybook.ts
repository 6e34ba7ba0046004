import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { PlaybookInvalid } from '../errors.js';
import type { Issue, IssueCode } from '../validate/issues.js';
import { DataBuilder } from './dataBuilder.js';
import { decode } from './decode.js';
import { duplicateKeyOffsets } from './duplicateKeys.js';
import { canonicalJson, hashCanonical } from './hash.js';
import { LOAD_LIMITS } from './limits.js';
import { issue, issueAt, tooLarge } from './loadIssues.js';
import type { LoadLimits } from './limits.js';
import { nestingExceeded } from './nesting.js';
import { SourceMap } from './sourceMap.js';

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
  return withLazyHash({ file, text: '', data, sourceMap: SourceMap.empty() });
}

/**
 * The playbook with its `hash` digested on first read and kept: `validate` never reads it, and SHA-256
 * is node:crypto, which costs a fresh process about 3 ms to load. The canonical text is taken now, so
 * the hash is of the data as loaded even if a caller changes it before the first read: the same value
 * as an eager hash, for every reader (run records, stores, resume checks, the compile cache).
 */
function withLazyHash(playbook: Omit<LoadedPlaybook, 'hash'>): LoadedPlaybook {
  let canonical: string | undefined = canonicalJson(playbook.data);
  let hash: string | undefined;
  return Object.defineProperty(playbook, 'hash', {
    enumerable: true,
    get: () => {
      if (hash === undefined) {
        hash = hashCanonical(canonical!);
        canonical = undefined;
      }
      return hash;
    },
  }) as LoadedPlaybook;
}

/** Parses playbook text and returns the playbook or every issue found; never throws for bad content. */
export function tryParsePlaybook(input: string | Uint8Array, options: LoadOptions = {}): ParseResult {
  const limits = { ...LOAD_LIMITS, ...options.limits };
  const decoded = decode(input, limits.maxBytes);
  if ('issue' in decoded) return { ok: false, issues: [decoded.issue] };
  const text = decoded.text;

  const lines = lineStarts(text);
  const tooDeep = nestingExceeded(text, limits.maxDepth);
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
    // Duplicate keys are found below with a set: the parser's own check is quadratic in a mapping's keys.
    doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, version: '1.2' });
  } catch (error) {
    return fail('E_YAML_SYNTAX', `the YAML parser gave up: ${String((error as Error).message ?? error)}`);
  }

  const issues: Issue[] = doc.errors.map((e) => {
    const code = YAML_CODES[e.code] ?? 'E_YAML_SYNTAX';
    return issueAt(lines, e.pos[0], code, yamlMessage(code, e.message));
  });
  const duplicates = duplicateKeyOffsets(doc);
  for (const offset of duplicates)
    issues.push(issueAt(lines, offset, 'E_DUPLICATE_KEY', yamlMessage('E_DUPLICATE_KEY', '')));
  if (duplicates.length > 0) issues.sort((a, b) => a.line - b.line || a.column - b.column);
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
  const playbook = withLazyHash({
    file: options.file,
    text,
    data,
    sourceMap: new SourceMap(builder.spans, lines),
  });
  return { ok: true, playbook, issues: [] };
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

function displayName(source: PlaybookSource): string | undefined {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return fileURLToPath(source);
  return source.file;
}

/** True for a playbook {@link loadPlaybook} or {@link parsePlaybook} returned (as opposed to plain data). */
export function isLoadedPlaybook(value: object): value is LoadedPlaybook {
  return 'sourceMap' in value && (value as LoadedPlaybook).sourceMap instanceof SourceMap && 'data' in value;
}

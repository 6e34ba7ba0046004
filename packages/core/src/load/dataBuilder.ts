import { isAlias, isMap, isScalar, isSeq, visit } from 'yaml';
import type { Alias, Document, LineCounter, Node as YamlNode } from 'yaml';
import type { Issue, IssueCode } from '../validate/issues.js';
import type { LoadLimits } from './limits.js';
import { issueAt } from './loadIssues.js';
import { formatPath } from './sourceMap.js';
import type { NodeSpan, PathSegment } from './sourceMap.js';

// Tags of YAML 1.2's core schema; anything else (!Ref, !!binary, !!js/function) is not plain data.
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

class LimitReached extends Error {}

/** Turns YAML nodes into plain data, recording spans and enforcing depth and expansion limits. */
export class DataBuilder {
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
    if (tag && !CORE_TAGS.has(tag) && this.aliasDepth === 0) this.reportTag(tag, start);
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
        // A key's tag (`!!js/function name: x`) is refused like a value's: the key is not plain data.
        if (key.tag && !CORE_TAGS.has(key.tag) && this.aliasDepth === 0) this.reportTag(key.tag, keyAt);
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

  private reportTag(tag: string, start: number): void {
    this.report(
      tagStart(this.text, start),
      'E_YAML_TAG',
      `the tag ${tag.replace('tag:yaml.org,2002:', '!!')} is not plain data; remove it`,
    );
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

/**
 * Where the tag written before a node begins (`!Ref` in `url: !Ref Name`): the parser's range
 * starts at the value, after the tag, and the user needs to see the tag itself.
 */
function tagStart(text: string, start: number): number {
  const before = text.slice(Math.max(0, start - 256), start);
  const match = /!\S*(?:\s+&\S+)?\s*$/.exec(before);
  return match ? start - before.length + match.index : start;
}

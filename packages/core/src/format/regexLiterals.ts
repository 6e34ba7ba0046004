// Regex literals (`/.../i`) inside expressions, found for validation: each is checked against RE2's
// dialect (E_REGEX) at its own offset.
import { compileExpression, normalizeMapped } from './expressions.js';

/** A regex literal in an expression: its pattern, flags and offset in the expression as written. */
export interface RegexLiteral {
  pattern: string;
  flags: string;
  offset: number;
}

/** Every regex literal (`/.../i`) in an expression; empty for one that does not compile. */
export function regexLiterals(source: string): readonly RegexLiteral[] {
  // No slash, no literal: most expressions never pay for the walk over their syntax tree.
  if (!source.includes('/')) return [];
  let found = literalsOf.get(source);
  if (!found) {
    found = findRegexLiterals(source);
    if (literalsOf.size > 5_000) literalsOf.clear();
    literalsOf.set(source, found);
  }
  return found;
}

const literalsOf = new Map<string, readonly RegexLiteral[]>();

function findRegexLiterals(source: string): RegexLiteral[] {
  let ast: unknown;
  try {
    ast = compileExpression(source).ast();
  } catch {
    return [];
  }
  const { text, origin } = normalizeMapped(source);
  const out: RegexLiteral[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const n = node as { type?: unknown; value?: unknown };
    if (n.type === 'regex' && n.value instanceof RegExp) {
      const at = text.indexOf(`/${n.value.source}/`);
      const offset = at < 0 ? 0 : (origin[at] ?? 0);
      out.push({ pattern: n.value.source, flags: n.value.flags.replace('g', ''), offset });
      return;
    }
    for (const child of Object.values(node)) walk(child);
  };
  walk(ast);
  return out;
}

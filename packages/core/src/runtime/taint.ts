import { analyzeExpression, parseTemplate } from '../format/expressions.js';
import { REDACTED, setOwn } from './redact.js';
import type { Redactor } from './redact.js';

// Ways an expression reaches the whole scope, and so `secrets`, without naming it: `$` (the scope),
// `$$` (the root), a wildcard or descendant step, and the built-ins that take an object apart.
const WHOLE_SCOPE = /\$(?![\w$])|\$\$|\$(?:lookup|each|sift|keys|spread)\b|(?:^|[.([{,:;?&|]\s*|^\s*)\*/;

const verdicts = new Map<string, boolean>();

/**
 * True when a `{{ }}` template reads a secret: an expression names `secrets`, or can reach the whole
 * scope (`$`, `$$`, `*`, `$lookup`, `$each`…). Whatever such a template renders is derived from a
 * secret and is kept as secret as the secret itself, however it was transformed.
 */
export function readsSecret(template: string): boolean {
  let verdict = verdicts.get(template);
  if (verdict === undefined) {
    verdict = computeReadsSecret(template);
    if (verdicts.size > 5_000) verdicts.clear();
    verdicts.set(template, verdict);
  }
  return verdict;
}

function computeReadsSecret(template: string): boolean {
  const { parts, error } = parseTemplate(template);
  // Unparsed text cannot be told apart from an expression: the safe answer is that it reads one.
  if (error) return /secrets/.test(template);
  return parts.some((part) => {
    if (part.kind !== 'expr') return false;
    if (/secrets/.test(part.source) || WHOLE_SCOPE.test(part.source)) return true;
    const analysis = analyzeExpression(part.source);
    return !analysis.ok || analysis.references.some((ref) => ref.root === 'secrets');
  });
}

/**
 * A step's rendered input as it may be stored and shown (`attempt.start`, the journal, the record):
 * each value rendered from a template that read a secret, or whose result holds one in any form the
 * redactor knows, is replaced whole by {@link REDACTED}. `template` is the step's `with:` as written.
 */
export function taintedView(template: unknown, rendered: unknown, redactor: Redactor): unknown {
  if (!redactor.active) return rendered;
  if (typeof template === 'string') {
    if (!template.includes('{{')) return rendered;
    if (readsSecret(template)) return REDACTED;
    if (typeof rendered === 'string' && redactor.string(rendered) !== rendered) return REDACTED;
    return rendered;
  }
  if (Array.isArray(template) && Array.isArray(rendered)) {
    // Absent items are left out when rendering; only then can the two lists not be walked together.
    if (template.length !== rendered.length)
      return template.some((item) => containsSecretTemplate(item)) ? REDACTED : rendered;
    return rendered.map((item: unknown, i) => taintedView(template[i], item, redactor));
  }
  if (isObject(template) && isObject(rendered)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rendered)) {
      setOwn(
        out,
        key,
        taintedView(Object.hasOwn(template, key) ? template[key] : undefined, value, redactor),
      );
    }
    return out;
  }
  return rendered;
}

function containsSecretTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{') && readsSecret(value);
  if (Array.isArray(value)) return value.some(containsSecretTemplate);
  if (isObject(value)) return Object.values(value).some(containsSecretTemplate);
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

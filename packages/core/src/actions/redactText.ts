import { createRedactor } from '../runtime/redact.js';
import type { Redactor } from '../runtime/redact.js';
import type { ActionContext } from './types.js';

// Contexts built outside the engine (a monitor, a test) have no redactor: build one per secrets object.
const fallbacks = new WeakMap<object, Redactor>();

/**
 * `text` with the run's secrets redacted, in every form: `ctx.redact` when the engine gave one, else a
 * redactor built from `ctx.secrets`. Call it before cutting or quoting text, never after: a secret cut
 * in two no longer matches in full.
 */
export function redactText(ctx: Pick<ActionContext, 'redact' | 'secrets'>, text: string): string {
  if (ctx.redact) return ctx.redact(text);
  let redactor = fallbacks.get(ctx.secrets);
  if (!redactor) {
    redactor = createRedactor(Object.values(ctx.secrets));
    fallbacks.set(ctx.secrets, redactor);
  }
  return redactor.string(text);
}

/**
 * `text` redacted first, then cut to at most `max` characters with `marker` at the cut (the marker
 * counts toward `max`). The order matters: cut first, and `Bearer fl-SeCrEt-…` is what is left.
 */
export function cutRedacted(
  ctx: Pick<ActionContext, 'redact' | 'secrets'>,
  text: string,
  max: number,
  marker = '…',
): string {
  const clean = redactText(ctx, text);
  if (clean.length <= max) return clean;
  const keep = Math.max(0, max - marker.length);
  return `${clean.slice(0, keep)}${marker}`;
}

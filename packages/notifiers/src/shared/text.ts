import { createRedactor } from '@firstline/core';

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 1 ? text.slice(0, max) : `${text.slice(0, max - 1)}…`;
}

/** The first `max` characters of `text` on one line, for plan summaries and logs. */
export function preview(text: string, max = 80): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

/**
 * Removes credentials from a message before it leaves the notifier. The engine redacts `secrets:`
 * values, but a token given to the factory is unknown to it, and some APIs echo what they were sent.
 */
export function scrub(text: string, credentials: ReadonlyArray<string | undefined>): string {
  const values = credentials.filter((value): value is string => typeof value === 'string' && value !== '');
  return values.length === 0 ? text : createRedactor(values).string(text);
}

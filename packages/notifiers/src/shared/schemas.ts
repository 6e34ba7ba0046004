import type { JSONSchema } from '@firstline/core';

/** A list of strings with no duplicates (labels, tags, assignees). */
export const stringList = {
  type: 'array',
  items: { type: 'string' },
  uniqueItems: true,
} as const satisfies JSONSchema;

/** A map of string values (OpsGenie details). */
export const stringMap = {
  type: 'object',
  additionalProperties: { type: 'string' },
} as const satisfies JSONSchema;

/**
 * An HTTPS URL, or plain HTTP to a loopback address only: credentials never cross a network in clear
 * text, while local mock servers and proxies still work.
 */
export const SECURE_URL_PATTERN = '^(https://|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]+)?(/|$))';

/** True when `url` matches {@link SECURE_URL_PATTERN}. */
export function isSecureUrl(url: string): boolean {
  return new RegExp(SECURE_URL_PATTERN).test(url);
}

/** A base URL input (GitHub Enterprise, Slack or OpsGenie API host). */
export function baseUrlSchema(description: string) {
  return { type: 'string', pattern: SECURE_URL_PATTERN, description } as const satisfies JSONSchema;
}

/** A credential input: filled from `secrets:`, never written in the playbook. */
export function credentialSchema(description: string) {
  return { type: 'string', minLength: 1, description } as const satisfies JSONSchema;
}

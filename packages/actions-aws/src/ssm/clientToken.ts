import { createHash } from 'node:crypto';

/**
 * A client token in the UUID form StartAutomationExecution insists on (36 characters, hex and
 * dashes), derived from the step's idempotency key: the same key always gives the same token, so a
 * run resumed after a crash finds the execution it started instead of starting a second one.
 */
export function clientTokenFor(idempotencyKey: string): string {
  const hex = createHash('sha256').update(idempotencyKey).digest('hex');
  // Version 5-style bits (name-based, RFC 4122 variant), so the token is a well-formed UUID.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

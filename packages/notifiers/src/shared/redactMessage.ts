import { redactText } from '@firstline/core';
import type { ActionContext, ActionDefinition } from '@firstline/core';

// What a notification needs to reach its service: sent as given, even when it comes from `secrets:`.
const CREDENTIAL_FIELDS = new Set(['token', 'apiKey', 'webhookUrl', 'baseUrl']);

/**
 * The notification actions in `actions` with every secret redacted from what they send, except their
 * credential fields (`token`, `apiKey`, `webhookUrl`, `baseUrl`): a message is read by people, and by
 * whatever the chat or tracker forwards it to, so a secret templated into it must not leave the run.
 */
export function redactingMessages(actions: ActionDefinition[]): ActionDefinition[] {
  return actions.map((def) =>
    def.kind === 'notify'
      ? { ...def, run: (input: unknown, ctx: ActionContext) => def.run(redactInput(input, ctx), ctx) }
      : def,
  );
}

function redactInput(input: unknown, ctx: ActionContext): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return redactDeep(input, ctx);
  return Object.fromEntries(
    Object.entries(input).map(([key, value]) => [
      key,
      CREDENTIAL_FIELDS.has(key) ? value : redactDeep(value, ctx),
    ]),
  );
}

function redactDeep(value: unknown, ctx: ActionContext): unknown {
  if (typeof value === 'string') return redactText(ctx, value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, ctx));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, ctx)]));
}

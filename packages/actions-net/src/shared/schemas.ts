import type { JSONSchema } from '@firstline/core';

// The JSON Schema pieces the actions share; the same shapes as examples/src/pending, so playbooks
// written against the stand-ins keep validating.

/** A duration string as playbooks write them: 500ms, 20s, 3m, 1h, 1m30s. */
export const duration = { type: 'string', pattern: '^([0-9]+(ms|s|m|h))+$' } as const satisfies JSONSchema;

/** An http(s) URL. */
export const httpUrl = { type: 'string', pattern: '^https?://[^\\s]+$' } as const satisfies JSONSchema;

/** A TCP/UDP port. */
export const port = { type: 'integer', minimum: 1, maximum: 65535 } as const satisfies JSONSchema;

/** An HTTP status code. */
export const statusCode = { type: 'integer', minimum: 100, maximum: 599 } as const satisfies JSONSchema;

/** A map of string values (HTTP headers, labels). */
export const stringMap = {
  type: 'object',
  additionalProperties: { type: 'string' },
} as const satisfies JSONSchema;

/** A latency in milliseconds. */
export const latencyMs = { type: 'number', minimum: 0 } as const satisfies JSONSchema;

/** TLS settings of the HTTPS probes: verification is on unless `insecure: true` says otherwise. */
export const tlsOptions = {
  insecure: { type: 'boolean', default: false, description: 'Skip TLS verification: must be explicit.' },
  ca: {
    type: 'string',
    minLength: 1,
    description: 'PEM CA certificates trusted instead of the system ones.',
  },
} as const satisfies Record<string, JSONSchema>;

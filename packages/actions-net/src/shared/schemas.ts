import type { JSONSchema } from '@firstline/core';

// The JSON Schema pieces the actions share; the same shapes as examples/src/pending, so playbooks
// written against the stand-ins keep validating.

/** A duration string as playbooks write them: 500ms, 20s, 3m, 1h, 1m30s. */
export const duration: JSONSchema = { type: 'string', pattern: '^([0-9]+(ms|s|m|h))+$' };

/** An http(s) URL. */
export const httpUrl: JSONSchema = { type: 'string', pattern: '^https?://[^\\s]+$' };

/** A TCP/UDP port. */
export const port: JSONSchema = { type: 'integer', minimum: 1, maximum: 65535 };

/** An HTTP status code. */
export const statusCode: JSONSchema = { type: 'integer', minimum: 100, maximum: 599 };

/** A map of string values (HTTP headers, labels). */
export const stringMap: JSONSchema = { type: 'object', additionalProperties: { type: 'string' } };

/** A latency in milliseconds. */
export const latencyMs: JSONSchema = { type: 'number', minimum: 0 };

/** TLS settings of the HTTPS probes: verification is on unless `insecure: true` says otherwise. */
export const tlsOptions: Record<string, JSONSchema> = {
  insecure: { type: 'boolean', default: false, description: 'Skip TLS verification: must be explicit.' },
  ca: {
    type: 'string',
    minLength: 1,
    description: 'PEM CA certificates trusted instead of the system ones.',
  },
};

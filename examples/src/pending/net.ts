// Stand-ins for the network and host probes of @firstline/actions-net (issue 6): the schemas the
// example playbooks are validated against. Deleted, with examples/src/pending-actions.ts, when it lands.
import type { JSONSchema } from '@firstline/core';
import { duration, pendingAction, stringMap } from './shared.js';

const pkg = '@firstline/actions-net';

const httpUrl = { type: 'string', pattern: '^https?://[^\\s]+$' };
const port = { type: 'integer', minimum: 1, maximum: 65535 };
const statusCode = { type: 'integer', minimum: 100, maximum: 599 };

// How every SSH action connects. The host key is verified by default, against a known_hosts file
// or a pinned fingerprint; accepting an unknown key takes an explicit `insecureHostKey: true`.
const sshConnection: Record<string, JSONSchema> = {
  host: { type: 'string', minLength: 1 },
  port: { ...port, default: 22 },
  user: { type: 'string', minLength: 1 },
  privateKey: { type: 'string', minLength: 1, description: 'PEM or OpenSSH private key, from secrets:.' },
  passphrase: { type: 'string', description: "The private key's passphrase, from secrets:." },
  hostKey: {
    type: 'string',
    pattern: '^SHA256:[A-Za-z0-9+/]{43}=?$',
    description: "The server's pinned host key fingerprint, as ssh-keygen -lf prints it.",
  },
  knownHosts: {
    type: 'string',
    minLength: 1,
    description: 'A known_hosts file (default ~/.ssh/known_hosts).',
  },
  insecureHostKey: { type: 'boolean', default: false, description: 'Accept any host key: for labs only.' },
  connectTimeout: duration,
};

/** `http.check`: one HTTP request, judged by status, body and latency. */
export const httpCheck = pendingAction(pkg, {
  id: 'http.check',
  kind: 'probe',
  description:
    'Sends an HTTP request; passes when the status (2xx by default), body and latency are as expected.',
  idempotent: true,
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: httpUrl,
      method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], default: 'GET' },
      headers: stringMap,
      body: { type: 'string' },
      expectStatus: {
        description: 'A status, a list of them, or a range: 200, [200, 204], "200-299", "2xx".',
        oneOf: [
          statusCode,
          { type: 'array', minItems: 1, uniqueItems: true, items: statusCode },
          { type: 'string', pattern: '^([1-5][0-9]{2}-[1-5][0-9]{2}|[1-5]xx)$' },
        ],
      },
      expectBody: { type: 'string', minLength: 1, description: 'A substring, or /a regex/ with flags.' },
      maxLatency: duration,
      insecure: { type: 'boolean', default: false, description: 'Skip TLS verification: must be explicit.' },
      maxRedirects: { type: 'integer', minimum: 0, maximum: 20, default: 5 },
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['status', 'latencyMs'],
    properties: {
      status: statusCode,
      latencyMs: { type: 'number', minimum: 0 },
      url: { type: 'string', description: 'The URL answered, after redirects.' },
      timings: {
        type: 'object',
        additionalProperties: false,
        properties: {
          dnsMs: { type: 'number' },
          connectMs: { type: 'number' },
          tlsMs: { type: 'number' },
          firstByteMs: { type: 'number' },
        },
      },
      bodyExcerpt: { type: 'string' },
    },
  },
});

/** `tcp.check`: whether a TCP port accepts a connection, and how fast. */
export const tcpCheck = pendingAction(pkg, {
  id: 'tcp.check',
  kind: 'probe',
  description: 'Opens a TCP connection; passes when it is accepted within the connect timeout.',
  idempotent: true,
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'port'],
    properties: { host: { type: 'string', minLength: 1 }, port, connectTimeout: duration },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['latencyMs'],
    properties: { latencyMs: { type: 'number', minimum: 0 }, address: { type: 'string' } },
  },
});

/** `ssh.check`: logs in over SSH (host key verified) and disconnects. */
export const sshCheck = pendingAction(pkg, {
  id: 'ssh.check',
  kind: 'probe',
  description: 'Connects and authenticates over SSH, verifying the host key; passes when the login succeeds.',
  idempotent: true,
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'user'],
    properties: sshConnection,
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['latencyMs'],
    properties: {
      latencyMs: { type: 'number', minimum: 0 },
      hostKeyFingerprint: { type: 'string' },
      serverVersion: { type: 'string' },
    },
  },
});

/** `ssh.exec`: runs one command over SSH; a remediation, so shadow mode only prints it. */
export const sshExec = pendingAction(pkg, {
  id: 'ssh.exec',
  kind: 'remediation',
  description: 'Runs a command over SSH; fails on an exit code not in allowExitCodes (default [0]).',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'user', 'command'],
    properties: {
      ...sshConnection,
      command: { type: 'string', minLength: 1 },
      allowExitCodes: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { type: 'integer', minimum: 0, maximum: 255 },
        default: [0],
      },
      maxOutput: {
        type: 'integer',
        minimum: 1,
        maximum: 1_048_576,
        default: 65_536,
        description: 'Bytes kept of stdout and of stderr each; the rest is cut and `truncated` set.',
      },
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['exitCode', 'stdout', 'stderr'],
    properties: {
      exitCode: { type: 'integer' },
      stdout: { type: 'string' },
      stderr: { type: 'string' },
      truncated: { type: 'boolean' },
      latencyMs: { type: 'number', minimum: 0 },
    },
  },
});

const labels = stringMap;

/** `prometheus.query`: instant or range query, reduced per series, optionally picking the outlier. */
export const prometheusQuery = pendingAction(pkg, {
  id: 'prometheus.query',
  kind: 'probe',
  description:
    'Runs a PromQL query (instant, or range over a window), reduces each series to one number and can pick the outlier series.',
  idempotent: true,
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['url', 'query'],
    not: { required: ['time', 'range'] },
    properties: {
      url: { ...httpUrl, description: "Prometheus' base URL (without /api/v1)." },
      query: { type: 'string', minLength: 1, description: 'PromQL.' },
      time: {
        type: 'string',
        description: 'Evaluation time of an instant query (RFC 3339 or Unix seconds).',
      },
      range: {
        type: 'object',
        additionalProperties: false,
        required: ['step'],
        description: 'A range query (query_range): the `last` window up to now, or from `start` to `end`.',
        oneOf: [{ required: ['last'] }, { required: ['start'] }],
        properties: {
          last: duration,
          start: { type: 'string', description: 'RFC 3339 or Unix seconds.' },
          end: { type: 'string', description: 'RFC 3339 or Unix seconds (default: now).' },
          step: duration,
        },
      },
      reduce: {
        enum: ['last', 'min', 'max', 'avg', 'sum', 'amplitude', 'p50', 'p90', 'p95', 'p99'],
        default: 'last',
        description: 'How each series becomes one number; amplitude is max − min.',
      },
      pick: {
        enum: ['max', 'min'],
        description: 'Select the series whose reduced value is largest or smallest.',
      },
      token: { type: 'string', description: 'Bearer token, from secrets:.' },
      username: { type: 'string' },
      password: { type: 'string', description: 'Basic auth password, from secrets:.' },
      headers: stringMap,
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['resultType', 'series', 'latencyMs'],
    properties: {
      resultType: { enum: ['vector', 'matrix', 'scalar', 'string'] },
      series: {
        type: 'array',
        items: { type: 'object', properties: { labels, value: { type: 'number' } } },
      },
      picked: {
        type: 'object',
        description: 'The series `pick` selected (absent when no series came back).',
        properties: { labels, value: { type: 'number' } },
      },
      latencyMs: { type: 'number', minimum: 0 },
    },
  },
});

/** Every pending network and host action. */
export const pendingNetActions = [httpCheck, tcpCheck, sshCheck, sshExec, prometheusQuery];

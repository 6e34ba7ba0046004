import dns from 'node:dns';
import net from 'node:net';
import { ActionError, defineAction } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { errorCode } from '../shared/failure.js';
import { duration, latencyMs } from '../shared/schemas.js';
import { durationMs, stopwatch } from '../shared/time.js';
import { formatAnswers, normalizeAnswer, RECORD_TYPES } from './formatAnswers.js';

const ID = 'dns.check';

const dnsCheckInput = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    type: { enum: [...RECORD_TYPES], default: 'A' },
    expectAnswer: {
      description: 'Answers that must all be present (names compared without case or the final dot).',
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      ],
    },
    resolver: {
      type: 'string',
      minLength: 1,
      description: 'A DNS server: host, host:port or [ipv6]:port. Default: the system resolver.',
    },
    timeout: { ...duration, description: 'Per try, 2 tries (default 5s).' },
  },
} as const satisfies JSONSchema;

const dnsCheckOutput = {
  examples: [
    {
      name: 'web.example.com',
      type: 'A',
      answers: ['203.0.113.10'],
      ttl: 60,
      resolver: 'system',
      latencyMs: 4.2,
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['answers', 'latencyMs'],
  properties: {
    name: { type: 'string' },
    type: { enum: [...RECORD_TYPES] },
    answers: { type: 'array', items: { type: 'string' }, description: 'As `dig +short` prints them.' },
    ttl: {
      type: 'integer',
      description: 'The lowest TTL of A/AAAA answers, when a DNS server was asked.',
    },
    resolver: { type: 'string', description: '"system", or the server asked.' },
    latencyMs,
  },
} as const satisfies JSONSchema;

/** Input of `dns.check`. */
export type DnsCheckInput = FromSchema<typeof dnsCheckInput>;

/** Output of `dns.check`. */
export type DnsCheckOutput = FromSchema<typeof dnsCheckOutput>;

// How each resolver answer ends: `verdict` when it is a finding about the name (it does not exist,
// has no such record, its servers fail), otherwise the check could not be done (`error`).
const FAILURES: Record<
  string,
  { text: string; retryable: boolean; kind: 'error' | 'timeout' | 'network' | '5xx'; verdict?: true }
> = {
  ENOTFOUND: { text: 'NXDOMAIN: the name does not exist', retryable: false, kind: 'error', verdict: true },
  ENODATA: {
    text: 'NODATA: the name has no records of this type',
    retryable: false,
    kind: 'error',
    verdict: true,
  },
  // A recursive resolver answers SERVFAIL when the name's own servers fail: the DNS 5xx.
  ESERVFAIL: { text: 'SERVFAIL: the server failed to answer', retryable: true, kind: '5xx', verdict: true },
  EREFUSED: { text: 'REFUSED: the server refused the query', retryable: false, kind: 'error' },
  EFORMERR: {
    text: 'FORMERR: the server rejected the query as malformed',
    retryable: false,
    kind: 'error',
  },
  ETIMEOUT: { text: 'no answer from the resolver in time', retryable: true, kind: 'timeout' },
  ECONNREFUSED: { text: 'the resolver refused the connection', retryable: true, kind: 'network' },
  EBADRESP: { text: 'a malformed reply', retryable: true, kind: 'network' },
  ECANCELLED: { text: 'cancelled (the step timed out or was cancelled)', retryable: true, kind: 'timeout' },
  EAI_AGAIN: { text: 'temporary resolution failure', retryable: true, kind: 'network' },
};

/**
 * Builds `dns.check`: resolves a name (any common record type) and can require an expected answer.
 * The name is the target: NXDOMAIN, NODATA, SERVFAIL and a missing expected answer are its verdict,
 * `fail`. A resolver that does not answer, refuses or answers garbage is `error`: nothing was learnt
 * about the name.
 */
export function createDnsCheck(): ActionDefinition<DnsCheckInput, DnsCheckOutput> {
  return defineAction({
    id: ID,
    kind: 'probe',
    description:
      'Resolves a name (A, AAAA, CNAME, MX, NS, TXT, SRV, PTR, SOA, CAA); passes when it resolves and includes the expected answers.',
    idempotent: true,
    input: dnsCheckInput,
    output: dnsCheckOutput,
    run: (input, ctx) => check(input, ctx),
  });
}

async function check(input: DnsCheckInput, ctx: ActionContext): Promise<DnsCheckOutput> {
  const type = input.type ?? 'A';
  const what = `${type} ${input.name}`;
  const elapsed = stopwatch();
  let answers: string[];
  let ttl: number | undefined;
  let resolverName = 'system';
  let server: string | undefined;
  if (input.resolver !== undefined) {
    // The resolver's own name not resolving says nothing about the name checked: `error`.
    try {
      server = await serverAddress(input.resolver);
    } catch (error) {
      const code = errorCode(error);
      throw new ActionError(
        ID,
        `resolver ${input.resolver}: ${error instanceof Error ? error.message : String(error)}${code ? ` (${code})` : ''}`,
        { retryable: code === 'EAI_AGAIN', kind: code === 'EAI_AGAIN' ? 'network' : 'error' },
        { cause: error },
      );
    }
    resolverName = server;
  }
  try {
    if (input.resolver === undefined && (type === 'A' || type === 'AAAA')) {
      // The system resolver for addresses is getaddrinfo: /etc/hosts and nsswitch, as every program sees it.
      const found = await abortable(
        dns.promises.lookup(input.name, { all: true, family: type === 'A' ? 4 : 6 }),
        ctx,
      );
      answers = found.map((entry) => entry.address);
    } else {
      const resolver = new dns.promises.Resolver({ timeout: durationMs(input.timeout, 5000), tries: 2 });
      if (server !== undefined) resolver.setServers([server]);
      const cancel = () => resolver.cancel();
      ctx.signal.addEventListener('abort', cancel, { once: true });
      try {
        if (type === 'A' || type === 'AAAA') {
          const records =
            type === 'A'
              ? await resolver.resolve4(input.name, { ttl: true })
              : await resolver.resolve6(input.name, { ttl: true });
          answers = formatAnswers(type, records);
          if (records.length > 0) ttl = Math.min(...records.map((r) => r.ttl));
        } else {
          answers = formatAnswers(type, await resolver.resolve(input.name, type));
        }
      } finally {
        ctx.signal.removeEventListener('abort', cancel);
      }
    }
  } catch (error) {
    throw failure(what, resolverName, error);
  }
  const latency = elapsed();
  const expected = input.expectAnswer === undefined ? [] : [input.expectAnswer].flat();
  const have = new Set(answers.map((a) => normalizeAnswer(type, a)));
  const missing = expected.filter((e) => !have.has(normalizeAnswer(type, e)));
  if (missing.length > 0)
    throw new ActionError(
      ID,
      `${what} via ${resolverName}: expected ${missing.map((m) => JSON.stringify(m)).join(', ')} among the answers, got ${answers.length === 0 ? 'none' : answers.map((a) => JSON.stringify(a)).join(', ')}`,
      { retryable: false, kind: 'error' },
      { verdict: true },
    );
  return {
    name: input.name,
    type,
    answers,
    ...(ttl !== undefined && { ttl }),
    resolver: resolverName,
    latencyMs: latency,
  };
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address, as `setServers` wants it (an IP, names looked up). */
async function serverAddress(spec: string): Promise<string> {
  if (net.isIP(spec)) return spec;
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec) ?? /^([^:]+)(?::(\d+))?$/.exec(spec);
  if (!match) throw new TypeError(`resolver "${spec}" is not host, host:port or [ipv6]:port`);
  let host = match[1]!;
  const port = match[2];
  if (!net.isIP(host)) host = (await dns.promises.lookup(host)).address;
  if (port === undefined) return host;
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function failure(what: string, resolver: string, error: unknown): ActionError {
  const code = errorCode(error) ?? 'EUNKNOWN';
  const known = FAILURES[code];
  const reason = known?.text ?? (error instanceof Error ? error.message : String(error));
  return new ActionError(
    ID,
    `${what} via ${resolver}: ${reason} (${code})`,
    {
      retryable: known?.retryable ?? true,
      kind: known?.kind ?? 'error',
    },
    { cause: error, verdict: known?.verdict === true },
  );
}

function abortable<T>(promise: Promise<T>, ctx: ActionContext): Promise<T> {
  if (ctx.signal.aborted)
    return Promise.reject(Object.assign(new Error('cancelled'), { code: 'ECANCELLED' }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(Object.assign(new Error('cancelled'), { code: 'ECANCELLED' }));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => ctx.signal.removeEventListener('abort', onAbort));
  });
}

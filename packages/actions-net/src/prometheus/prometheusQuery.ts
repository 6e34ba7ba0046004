import { ActionError, defineAction, redactText } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { parseRetryAfter } from '@firstline/core/action-kit';
import { safeUrl } from '../http/httpUtil.js';
import { sendRequest } from '../http/sendRequest.js';
import { networkFailure } from '../shared/failure.js';
import { duration, httpUrl, latencyMs, stringMap, tlsOptions } from '../shared/schemas.js';
import { durationMs, stopwatch } from '../shared/time.js';
import { pickSeries, reduceSamples, REDUCERS, sampleValue } from './reduce.js';
import type { ReducedSeries, Reducer } from './reduce.js';

const ID = 'prometheus.query';

const seriesSchema = {
  type: 'object',
  properties: { labels: stringMap, value: { type: 'number' }, samples: { type: 'integer' } },
} as const satisfies JSONSchema;

const prometheusQueryInput = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'query'],
  not: { required: ['time', 'range'] },
  properties: {
    url: { ...httpUrl, description: "Prometheus' base URL (without /api/v1)." },
    query: { type: 'string', minLength: 1, description: 'PromQL.' },
    time: {
      type: 'string',
      description: 'Evaluation time of an instant query (RFC 3339 or Unix seconds; default now).',
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
      enum: [...REDUCERS],
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
    ...tlsOptions,
  },
} as const satisfies JSONSchema;

const prometheusQueryOutput = {
  examples: [
    {
      resultType: 'vector',
      series: [{ labels: { instance: 'web-1:9100', job: 'node' }, value: 0.93, samples: 1 }],
      picked: { labels: { instance: 'web-1:9100', job: 'node' }, value: 0.93, samples: 1 },
      latencyMs: 21.7,
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['resultType', 'series', 'latencyMs'],
  properties: {
    resultType: { enum: ['vector', 'matrix', 'scalar', 'string'] },
    series: {
      type: 'array',
      items: seriesSchema,
      description: 'Series without a finite sample are left out.',
    },
    picked: {
      ...seriesSchema,
      description: 'The series `pick` selected (absent when no series came back).',
    },
    latencyMs,
  },
} as const satisfies JSONSchema;

/** Input of `prometheus.query`. */
export type PrometheusQueryInput = FromSchema<typeof prometheusQueryInput>;

/** Output of `prometheus.query`. */
export type PrometheusQueryOutput = FromSchema<typeof prometheusQueryOutput>;

/** Options of {@link createPrometheusQuery}. */
export interface PrometheusQueryOptions {
  /** Sent as User-Agent. */
  userAgent?: string;
}

// errorType values of the Prometheus HTTP API, and whether trying again can help.
const RETRY: Record<string, { retryable: boolean; kind: 'timeout' | '5xx' | 'error' }> = {
  timeout: { retryable: true, kind: 'timeout' },
  unavailable: { retryable: true, kind: '5xx' },
  internal: { retryable: true, kind: '5xx' },
  canceled: { retryable: true, kind: 'error' },
};

/**
 * Builds `prometheus.query`: an instant or range query, each series reduced to one number, the
 * outlier picked. It never fails by itself: the verdict is the step's `expect` over the output.
 * Anything that stops the query (Prometheus down or answering 5xx, a bad query, refused credentials,
 * an unreadable answer) is `error`.
 */
export function createPrometheusQuery(
  options: PrometheusQueryOptions = {},
): ActionDefinition<PrometheusQueryInput, PrometheusQueryOutput> {
  return defineAction({
    id: ID,
    kind: 'probe',
    description:
      'Runs a PromQL query (instant, or range over a window), reduces each series to one number and can pick the outlier series.',
    idempotent: true,
    input: prometheusQueryInput,
    output: prometheusQueryOutput,
    run: (input, ctx) => query(input, ctx, options),
  });
}

async function query(
  input: PrometheusQueryInput,
  ctx: ActionContext,
  options: PrometheusQueryOptions,
): Promise<PrometheusQueryOutput> {
  const elapsed = stopwatch();
  const base = input.url.replace(/\/+$/, '');
  const url = new URL(`${base}/api/v1/${input.range ? 'query_range' : 'query'}`);
  const form = new URLSearchParams({ query: input.query, ...timeParams(input, ctx.clock.now()) });
  const headers: Record<string, string> = {
    ...input.headers,
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    ...(options.userAgent !== undefined && { 'user-agent': options.userAgent }),
  };
  if (input.token !== undefined) headers.authorization = `Bearer ${input.token}`;
  else if (input.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${input.username}:${input.password ?? ''}`).toString('base64')}`;
  const where = `Prometheus ${safeUrl(url)}`;
  let res;
  try {
    // POST: a long PromQL expression would not fit in a URL; Prometheus takes the same parameters as a form.
    res = await sendRequest({
      url,
      method: 'POST',
      headers,
      body: form.toString(),
      ...(input.insecure !== undefined && { insecure: input.insecure }),
      ...(input.ca !== undefined && { ca: input.ca }),
      signal: ctx.signal,
      maxBody: 64 * 1024 * 1024,
    });
  } catch (error) {
    // Prometheus is where the verdict comes from, not what is judged: its being down is `error`.
    throw networkFailure(ID, where, error, ctx.signal, false);
  }
  const body = parseJson(res.body.toString('utf8'));
  if (body?.status !== 'success')
    throw apiFailure(
      where,
      res.status,
      body,
      // Redacted before apiFailure cuts it to an excerpt: a cut secret would no longer match.
      redactText(ctx, res.body.toString('utf8')),
      res.headers['retry-after'],
      ctx.clock.now(),
    );
  for (const warning of body.warnings ?? []) ctx.logger.warn(`Prometheus warning: ${String(warning)}`);
  const data = body.data as { resultType?: string; result?: unknown } | undefined;
  const resultType = data?.resultType;
  if (
    resultType !== 'vector' &&
    resultType !== 'matrix' &&
    resultType !== 'scalar' &&
    resultType !== 'string'
  )
    throw new ActionError(ID, `${where} answered an unknown resultType ${String(resultType)}`, {
      retryable: false,
    });
  if (resultType === 'string')
    throw new ActionError(ID, `${where}: the query returns a string, not numbers`, { retryable: false });
  const series = toSeries(resultType, data?.result, input.reduce ?? 'last');
  const picked = input.pick ? pickSeries(series, input.pick) : undefined;
  return { resultType, series, ...(picked && { picked }), latencyMs: elapsed() };
}

function timeParams(input: PrometheusQueryInput, nowMs: number): Record<string, string> {
  const now = (nowMs / 1000).toFixed(3);
  if (!input.range) return { time: input.time ?? now };
  const step = String(durationMs(input.range.step, 0) / 1000);
  if (input.range.last !== undefined) {
    const start = ((nowMs - durationMs(input.range.last, 0)) / 1000).toFixed(3);
    return { start, end: input.range.end ?? now, step };
  }
  return { start: input.range.start ?? now, end: input.range.end ?? now, step };
}

type Sample = [number, string];
interface ApiBody {
  status?: string;
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: unknown[];
}

function toSeries(
  resultType: 'vector' | 'matrix' | 'scalar',
  result: unknown,
  reducer: Reducer,
): ReducedSeries[] {
  const entries: Array<{ labels: Record<string, string>; samples: Sample[] }> =
    resultType === 'scalar'
      ? [{ labels: {}, samples: [result as Sample] }]
      : (
          (result as
            Array<{ metric?: Record<string, string>; value?: Sample; values?: Sample[] }> | undefined) ?? []
        ).map((r) => ({
          labels: r.metric ?? {},
          samples: r.values ?? (r.value ? [r.value] : []),
        }));
  const out: ReducedSeries[] = [];
  for (const entry of entries) {
    // NaN and ±Inf cannot travel in JSON outputs; a series without one finite sample is left out.
    const values = entry.samples.map((s) => sampleValue(s[1])).filter(Number.isFinite);
    if (values.length === 0) continue;
    out.push({ labels: entry.labels, value: reduceSamples(values, reducer), samples: values.length });
  }
  return out;
}

function parseJson(text: string): ApiBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

function apiFailure(
  where: string,
  status: number,
  body: ApiBody | undefined,
  text: string,
  retryAfter: string | undefined,
  now: number,
): ActionError {
  if (status === 429) {
    const afterMs = parseRetryAfter(retryAfter, now);
    return new ActionError(ID, `${where}: throttled (HTTP 429)`, {
      retryable: true,
      kind: 'throttled',
      ...(afterMs !== undefined && { afterMs }),
    });
  }
  if (status === 401 || status === 403)
    return new ActionError(
      ID,
      `${where}: ${status === 401 ? 'unauthorized' : 'forbidden'} (HTTP ${status}); check token or username/password`,
      { retryable: false },
    );
  if (body?.status === 'error') {
    const advice =
      RETRY[body.errorType ?? ''] ??
      (status >= 500
        ? { retryable: true, kind: '5xx' as const }
        : { retryable: false, kind: 'error' as const });
    return new ActionError(
      ID,
      `${where}: ${body.errorType ?? 'error'}: ${body.error ?? 'no detail'} (HTTP ${status})`,
      advice,
    );
  }
  const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 160);
  return new ActionError(
    ID,
    `${where} answered HTTP ${status} without a Prometheus API body: ${excerpt || 'empty body'}`,
    {
      retryable: status >= 500,
      kind: status >= 500 ? '5xx' : 'error',
    },
  );
}

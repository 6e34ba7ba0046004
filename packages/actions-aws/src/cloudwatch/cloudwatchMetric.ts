import type { StandardUnit } from '@aws-sdk/client-cloudwatch';
import { ActionError, defineAction, parseDuration } from '@firstline/core';
import type { ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { callAws } from '../clients/callAws.js';
import type { AwsClients } from '../clients/createAwsClients.js';
import { allow } from '../iam/arn.js';
import { durationSchema, regionSchema, stringMapSchema } from '../schemas.js';
import { cloudWatchSdk } from '../clients/sdk.js';

const cloudwatchMetricInput = {
  type: 'object',
  additionalProperties: false,
  required: ['namespace', 'metric'],
  properties: {
    namespace: { type: 'string', minLength: 1, maxLength: 255 },
    metric: { type: 'string', minLength: 1, maxLength: 255 },
    dimensions: { ...stringMapSchema, maxProperties: 30 },
    stat: {
      type: 'string',
      pattern: '^(Average|Sum|Minimum|Maximum|SampleCount|(p|tm|wm|tc|ts)[0-9]{1,2}(\\.[0-9]+)?)$',
      default: 'Average',
    },
    period: { ...durationSchema, default: '1m' },
    window: {
      ...durationSchema,
      description:
        'How far back to look; the newest datapoint wins (default: 5 periods, at least 5m, since CloudWatch publishes late).',
    },
    unit: { type: 'string' },
    region: regionSchema,
  },
} as const satisfies JSONSchema;

const cloudwatchMetricOutput = {
  examples: [{ value: 12.5, unit: 'Percent', timestamp: '2024-04-05T09:14:00.000Z', datapoints: 5 }],
  type: 'object',
  additionalProperties: false,
  required: ['value', 'datapoints', 'timestamp'],
  properties: {
    value: { type: ['number', 'null'], description: 'null when the window holds no datapoint.' },
    unit: { type: 'string' },
    timestamp: { type: ['string', 'null'] },
    datapoints: { type: 'integer', minimum: 0 },
  },
} as const satisfies JSONSchema;

/** Input of `aws.cloudwatch.metric`. */
export type CloudwatchMetricInput = FromSchema<typeof cloudwatchMetricInput>;

/** Output of `aws.cloudwatch.metric`. */
export type CloudwatchMetricOutput = FromSchema<typeof cloudwatchMetricOutput>;

const ID = 'aws.cloudwatch.metric';

/**
 * `aws.cloudwatch.metric`: one statistic of a metric over a recent window (GetMetricData); the newest
 * datapoint is the value, judged by the step's `expect` ("output.value < 90"): the probe itself never
 * fails, and an empty window is `value: null`. The window defaults to five periods because CloudWatch
 * publishes with a delay (EC2 basic monitoring: every 5 minutes).
 */
export function cloudwatchMetricAction(
  aws: AwsClients,
): ActionDefinition<CloudwatchMetricInput, CloudwatchMetricOutput> {
  return defineAction({
    id: ID,
    kind: 'probe',
    description: 'Reads one statistic of a CloudWatch metric over a recent window (GetMetricData).',
    idempotent: true,
    input: cloudwatchMetricInput,
    output: cloudwatchMetricOutput,
    async run(input, ctx) {
      const cloudWatch = await aws.cloudWatch(aws.requireRegion(ID, input.region));
      const { GetMetricDataCommand } = await cloudWatchSdk();
      const periodSeconds = periodOf(input.period ?? '1m');
      const windowMs = input.window
        ? durationMs(input.window, 'window')
        : Math.max(periodSeconds * 5_000, 5 * 60_000);
      if (windowMs < periodSeconds * 1000)
        throw new ActionError(ID, `window ${input.window} is shorter than the period ${input.period}`, {
          retryable: false,
        });
      const end = ctx.clock.now();
      const out = await callAws(
        ID,
        'cloudwatch:GetMetricData',
        () =>
          cloudWatch.send(
            new GetMetricDataCommand({
              StartTime: new Date(end - windowMs),
              EndTime: new Date(end),
              ScanBy: 'TimestampDescending',
              MetricDataQueries: [
                {
                  Id: 'm0',
                  ReturnData: true,
                  MetricStat: {
                    Metric: {
                      Namespace: input.namespace,
                      MetricName: input.metric,
                      Dimensions: Object.entries(input.dimensions ?? {}).map(([Name, Value]) => ({
                        Name,
                        Value,
                      })),
                    },
                    Period: periodSeconds,
                    Stat: input.stat ?? 'Average',
                    ...(input.unit && { Unit: input.unit as StandardUnit }),
                  },
                },
              ],
            }),
            { abortSignal: ctx.signal },
          ),
        aws.policy(),
      );
      const result = out.MetricDataResults?.find((r) => r.Id === 'm0');
      for (const message of [...(out.Messages ?? []), ...(result?.Messages ?? [])])
        ctx.logger.warn('GetMetricData message', { code: message.Code, value: message.Value });
      // Without its datapoints the answer is no reading at all, not a `null` for `expect` to judge.
      if (result?.StatusCode === 'Forbidden' || result?.StatusCode === 'InternalError') {
        const detail = result.Messages?.map((m) => m.Value ?? m.Code).join('; ');
        throw new ActionError(
          ID,
          `cloudwatch:GetMetricData answered ${result.StatusCode} for ${input.namespace} ${input.metric}${detail ? `: ${detail}` : ''}`,
          result.StatusCode === 'InternalError' ? { retryable: true, kind: '5xx' } : { retryable: false },
        );
      }
      // TimestampDescending puts the newest first; sort anyway, a mock or proxy may not honour it.
      const points = (result?.Timestamps ?? [])
        .map((t, i) => ({ at: new Date(t).getTime(), value: result?.Values?.[i] }))
        .filter((p): p is { at: number; value: number } => typeof p.value === 'number')
        .sort((a, b) => b.at - a.at);
      const newest = points[0];
      return {
        value: newest ? newest.value : null,
        timestamp: newest ? new Date(newest.at).toISOString() : null,
        datapoints: points.length,
        ...(input.unit && { unit: input.unit }),
      };
    },
    permissions: () => [allow(['cloudwatch:GetMetricData'], '*')],
  });
}

/** CloudWatch accepts periods of 1, 5, 10 or 30 seconds (high resolution) or a multiple of 60. */
function periodOf(text: string): number {
  const seconds = durationMs(text, 'period') / 1000;
  if ([1, 5, 10, 30].includes(seconds) || (seconds >= 60 && seconds % 60 === 0)) return seconds;
  throw new ActionError(ID, `period ${text} is not 1s, 5s, 10s, 30s or a multiple of 1m`, {
    retryable: false,
  });
}

function durationMs(text: string, name: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new ActionError(ID, `${name} "${text}" is not a duration`, { retryable: false });
  return ms;
}

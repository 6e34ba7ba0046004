import { spawn } from 'node:child_process';
import { ActionError, defineAction } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { verdict } from '../shared/failure.js';
import { duration, latencyMs } from '../shared/schemas.js';
import { durationMs, round } from '../shared/time.js';
import { parsePing, percentile, pingProblem } from './parsePing.js';

const ID = 'icmp.ping';
const MAX_OUTPUT = 256 * 1024;

const icmpPingInput = {
  type: 'object',
  additionalProperties: false,
  required: ['host'],
  properties: {
    host: { type: 'string', minLength: 1, pattern: '^[^-\\s]\\S*$' },
    count: { type: 'integer', minimum: 1, maximum: 100, default: 3 },
    interval: {
      ...duration,
      description: 'Between echo requests (default 1s; ping allows users 200ms at least).',
    },
    timeout: { ...duration, description: 'How long to wait for each reply (default 2s).' },
    family: { enum: [4, 6], description: 'Force IPv4 or IPv6.' },
    maxLoss: {
      type: 'number',
      minimum: 0,
      maximum: 100,
      description: 'Highest acceptable loss in percent (default: fail only when no reply comes back).',
    },
  },
} as const satisfies JSONSchema;

const icmpPingOutput = {
  examples: [
    {
      host: 'web-1.internal',
      address: '10.0.1.23',
      sent: 3,
      received: 3,
      duplicates: 0,
      lossPercent: 0,
      minMs: 0.41,
      avgMs: 0.52,
      maxMs: 0.63,
      p90Ms: 0.63,
      rttsMs: [0.41, 0.52, 0.63],
      latencyMs: 0.52,
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['sent', 'received', 'lossPercent', 'latencyMs'],
  properties: {
    host: { type: 'string' },
    address: { type: 'string' },
    sent: { type: 'integer' },
    received: { type: 'integer' },
    duplicates: { type: 'integer' },
    lossPercent: { type: 'number', minimum: 0, maximum: 100 },
    minMs: { type: 'number' },
    avgMs: { type: 'number' },
    maxMs: { type: 'number' },
    p90Ms: { type: 'number' },
    rttsMs: { type: 'array', items: { type: 'number' }, description: 'Each reply, in order.' },
    latencyMs: { ...latencyMs, description: 'The average round trip.' },
  },
} as const satisfies JSONSchema;

/** Input of `icmp.ping`. */
export type IcmpPingInput = FromSchema<typeof icmpPingInput>;

/** Output of `icmp.ping`. */
export type IcmpPingOutput = FromSchema<typeof icmpPingOutput>;

/** Options of {@link createIcmpPing}. */
export interface IcmpPingOptions {
  /** The iputils `ping` binary (default `ping` on the PATH). */
  pingPath?: string;
}

/**
 * Builds `icmp.ping`: runs the system `ping` (no shell) and reports loss and min/avg/max/p90 round
 * trips. No reply, or more loss than `maxLoss`, is the host's verdict, `fail`; ping unable to run
 * (no permission, no binary), an unknown host name or no route from here is `error`.
 */
export function createIcmpPing(
  options: IcmpPingOptions = {},
): ActionDefinition<IcmpPingInput, IcmpPingOutput> {
  const pingPath = options.pingPath ?? 'ping';
  return defineAction({
    id: ID,
    kind: 'probe',
    description:
      'Pings a host with the system ping; passes when replies come back (and loss is within maxLoss), reporting round-trip times.',
    idempotent: true,
    input: icmpPingInput,
    output: icmpPingOutput,
    run: (input, ctx) => ping(pingPath, input, ctx),
  });
}

/** The arguments given to ping: numeric output, count, interval, per-reply wait and a deadline so it always ends. */
export function pingArgs(input: IcmpPingInput): string[] {
  const count = input.count ?? 3;
  const interval = durationMs(input.interval, 1000) / 1000;
  const wait = durationMs(input.timeout, 2000) / 1000;
  const deadline = Math.ceil(count * interval + wait);
  const family = input.family === undefined ? [] : [`-${input.family}`];
  const args = ['-n', ...family, '-c', String(count), '-i', String(interval), '-W', String(wait)];
  return [...args, '-w', String(deadline), input.host];
}

async function ping(pingPath: string, input: IcmpPingInput, ctx: ActionContext): Promise<IcmpPingOutput> {
  const { stdout, stderr, code } = await runPing(pingPath, pingArgs(input), ctx);
  const report = parsePing(stdout);
  const problem = pingProblem(stderr);
  if (report.transmitted === 0 && report.rtts.length === 0) {
    const why = problem ?? { code: `exit ${code ?? 'signal'}`, reason: 'no output' };
    throw new ActionError(ID, `ping ${input.host}: ${why.reason} (${why.code})`, {
      retryable: why.code === 'EAI_AGAIN' || why.code === 'ENETUNREACH',
      kind: why.code === 'ENETUNREACH' || why.code === 'EAI_AGAIN' ? 'network' : 'error',
    });
  }
  const sent = report.complete ? report.transmitted : Math.max(report.rtts.length, input.count ?? 3);
  const lossPercent = sent === 0 ? 100 : round(((sent - Math.min(report.received, sent)) / sent) * 100);
  const target = `${input.host}${report.address && report.address !== input.host ? ` (${report.address})` : ''}`;
  const counts = `${sent} sent, ${report.received} received, ${lossPercent}% loss`;
  // Echo requests went out: whatever came back (or did not) is the host's answer.
  if (report.rtts.length === 0)
    throw verdict(ID, `ping ${target}: no reply: ${counts}`, { retryable: true, kind: 'network' });
  if (input.maxLoss !== undefined && lossPercent > input.maxLoss)
    throw verdict(ID, `ping ${target}: ${counts}, more than maxLoss ${input.maxLoss}%`, {
      retryable: true,
      kind: 'network',
    });
  const rtts = report.rtts;
  const avg = round(rtts.reduce((a, b) => a + b, 0) / rtts.length);
  return {
    host: input.host,
    ...(report.address !== undefined && { address: report.address }),
    sent,
    received: report.received,
    duplicates: report.duplicates,
    lossPercent,
    minMs: Math.min(...rtts),
    avgMs: avg,
    maxMs: Math.max(...rtts),
    p90Ms: round(percentile(rtts, 90)),
    rttsMs: rtts,
    latencyMs: avg,
  };
}

function runPing(
  pingPath: string,
  args: string[],
  ctx: ActionContext,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    // C locale: ping's words and decimal point are what the parser reads.
    const child = spawn(pingPath, args, {
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: ctx.signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (ctx.signal.aborted) {
        reject(
          new ActionError(ID, `ping ${args.at(-1)}: aborted (the step timed out or was cancelled)`, {
            retryable: true,
            kind: 'timeout',
          }),
        );
      } else if (error.code === 'ENOENT') {
        reject(
          new ActionError(
            ID,
            `ping binary not found at "${pingPath}" (ENOENT): install iputils-ping or give netActions({ pingPath })`,
            {
              retryable: false,
            },
          ),
        );
      } else {
        reject(
          new ActionError(ID, `could not run ${pingPath}: ${error.message} (${error.code ?? 'error'})`, {
            retryable: false,
          }),
        );
      }
    });
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

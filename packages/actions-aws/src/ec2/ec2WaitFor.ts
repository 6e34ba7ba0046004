import { ActionError, defineAction, parseDuration } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { callAws } from '../clients/callAws.js';
import type { AwsClients } from '../clients/createAwsClients.js';
import { classifyAwsError, verdictError } from '../clients/toActionError.js';
import { pause } from '../clock.js';
import { allow } from '../iam/arn.js';
import { durationSchema, instanceIdsSchema, regionSchema } from '../schemas.js';
import { ec2Sdk } from '../clients/sdk.js';

/** What `aws.ec2.waitFor` waits for: an instance state, or both status checks passing. */
export type WaitTarget = 'running' | 'stopped' | 'status-ok';

const ec2WaitForInput = {
  type: 'object',
  additionalProperties: false,
  required: ['instanceIds', 'state'],
  properties: {
    instanceIds: instanceIdsSchema(100),
    state: { enum: ['running', 'stopped', 'status-ok'] },
    timeout: { ...durationSchema, default: '5m', description: "Keep it below the step's timeout." },
    interval: { ...durationSchema, default: '15s' },
    region: regionSchema,
  },
} as const satisfies JSONSchema;

const ec2WaitForOutput = {
  examples: [{ instanceIds: ['i-0abc1234def567890'], state: 'running', waitedMs: 45000, polls: 4 }],
  type: 'object',
  additionalProperties: false,
  required: ['instanceIds', 'state', 'waitedMs', 'polls'],
  properties: {
    instanceIds: { type: 'array', items: { type: 'string' } },
    state: { enum: ['running', 'stopped', 'status-ok'] },
    waitedMs: { type: 'integer', minimum: 0 },
    polls: { type: 'integer', minimum: 0 },
  },
} as const satisfies JSONSchema;

/** Input of `aws.ec2.waitFor`. */
export type Ec2WaitForInput = FromSchema<typeof ec2WaitForInput>;

/** Output of `aws.ec2.waitFor`. */
export type Ec2WaitForOutput = FromSchema<typeof ec2WaitForOutput>;

type Verdict = { done: true } | { done: false; why: string; hopeless?: boolean; unknown?: boolean };

const ID = 'aws.ec2.waitFor';

// The SDK waiters' failure acceptors: states from which the target can no longer be reached.
const HOPELESS: Record<WaitTarget, string[]> = {
  running: ['shutting-down', 'terminated', 'stopping'],
  stopped: ['pending', 'terminated'],
  'status-ok': ['shutting-down', 'terminated', 'stopping', 'stopped'],
};

/**
 * `aws.ec2.waitFor`: polls until every instance is running, stopped, or passes both status checks.
 * It polls on the run's clock (virtual in simulations) rather than the SDK's waiters, so a simulated
 * wait costs no real time and the step's signal stops it between polls as well as during one. An
 * instance in a state it cannot leave for the target, or not there by `timeout`, is the verdict
 * `fail`; one EC2 never knew in all that time is `error` (nothing to wait for).
 */
export function ec2WaitForAction(aws: AwsClients): ActionDefinition<Ec2WaitForInput, Ec2WaitForOutput> {
  return defineAction({
    id: ID,
    kind: 'probe',
    description:
      'Waits until EC2 instances are running, stopped, or pass both status checks (status-ok), polling on the run clock.',
    idempotent: true,
    input: ec2WaitForInput,
    output: ec2WaitForOutput,
    async run(input, ctx) {
      const timeoutMs = durationMs(input.timeout, 5 * 60_000, 'timeout');
      const intervalMs = Math.max(1, durationMs(input.interval, 15_000, 'interval'));
      const { clock } = ctx;
      const started = clock.now();
      const deadline = started + timeoutMs;
      for (let polls = 1; ; polls++) {
        const verdict = await check(aws, input, ctx);
        if (verdict.done)
          return {
            instanceIds: input.instanceIds,
            state: input.state,
            waitedMs: clock.now() - started,
            polls,
          };
        if (verdict.hopeless)
          throw verdictError(ID, `${verdict.why}: it cannot become ${input.state} without another change`);
        const left = deadline - clock.now();
        if (left <= 0) {
          const why = `not ${input.state} after ${input.timeout ?? '5m'} (${polls} polls): ${verdict.why}`;
          // An id EC2 never knew is a wrong input, not an instance that failed to get there.
          if (verdict.unknown) throw new ActionError(ID, why, { retryable: false });
          throw verdictError(ID, why, { retryable: false, kind: 'timeout' });
        }
        await pause(clock, Math.min(intervalMs, left), ctx.signal);
      }
    },
    permissions: (input) => [
      allow([input.state === 'status-ok' ? 'ec2:DescribeInstanceStatus' : 'ec2:DescribeInstances'], '*'),
    ],
  });
}

async function check(aws: AwsClients, input: Ec2WaitForInput, ctx: ActionContext): Promise<Verdict> {
  const ec2 = await aws.ec2(aws.requireRegion(ID, input.region));
  const { DescribeInstancesCommand, DescribeInstanceStatusCommand } = await ec2Sdk();
  const states = new Map<string, { state: string; system?: string; instance?: string }>();
  try {
    if (input.state === 'status-ok') {
      let token: string | undefined;
      do {
        const page = await callAws(
          ID,
          'ec2:DescribeInstanceStatus',
          () =>
            ec2.send(
              new DescribeInstanceStatusCommand({
                InstanceIds: input.instanceIds,
                IncludeAllInstances: true,
                ...(token && { NextToken: token }),
              }),
              { abortSignal: ctx.signal },
            ),
          aws.policy(),
        );
        for (const s of page.InstanceStatuses ?? [])
          states.set(s.InstanceId ?? '', {
            state: s.InstanceState?.Name ?? 'unknown',
            system: s.SystemStatus?.Status ?? 'unknown',
            instance: s.InstanceStatus?.Status ?? 'unknown',
          });
        token = page.NextToken || undefined;
      } while (token);
    } else {
      let token: string | undefined;
      do {
        const page = await callAws(
          ID,
          'ec2:DescribeInstances',
          () =>
            ec2.send(
              new DescribeInstancesCommand({
                InstanceIds: input.instanceIds,
                ...(token && { NextToken: token }),
              }),
              { abortSignal: ctx.signal },
            ),
          aws.policy(),
        );
        for (const r of page.Reservations ?? [])
          for (const i of r.Instances ?? [])
            states.set(i.InstanceId ?? '', { state: i.State?.Name ?? 'unknown' });
        token = page.NextToken || undefined;
      } while (token);
    }
  } catch (error) {
    // Right after a launch EC2 may not know the id yet (eventual consistency): the SDK waiters retry too.
    if (classifyAwsError((error as { cause?: unknown }).cause ?? error).code === 'InvalidInstanceID.NotFound')
      return {
        done: false,
        unknown: true,
        why: 'EC2 does not know the instance (InvalidInstanceID.NotFound)',
      };
    throw error;
  }
  const waiting: string[] = [];
  for (const id of input.instanceIds) {
    const s = states.get(id);
    if (!s) {
      waiting.push(`${id} not reported`);
      continue;
    }
    if (HOPELESS[input.state].includes(s.state))
      return { done: false, hopeless: true, why: `${id} is ${s.state}` };
    const ready =
      input.state === 'status-ok'
        ? s.state === 'running' && s.system === 'ok' && s.instance === 'ok'
        : s.state === input.state;
    if (!ready)
      waiting.push(
        input.state === 'status-ok'
          ? `${id} is ${s.state} (system ${s.system}, instance ${s.instance})`
          : `${id} is ${s.state}`,
      );
  }
  return waiting.length === 0 ? { done: true } : { done: false, why: waiting.join('; ') };
}

function durationMs(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new ActionError(ID, `${name} "${text}" is not a duration (20s, 5m)`, { retryable: false });
  return ms;
}

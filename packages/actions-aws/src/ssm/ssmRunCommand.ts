import type { GetCommandInvocationCommandOutput } from '@aws-sdk/client-ssm';
import { ActionError, defineAction, parseDuration, redactText } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { callAws } from '../clients/callAws.js';
import type { AwsClients } from '../clients/createAwsClients.js';
import { classifyAwsError, verdictError } from '../clients/toActionError.js';
import { pause } from '../clock.js';
import { allow, arnScope, instanceArn } from '../iam/arn.js';
import { durationSchema, instanceIdSchema, regionSchema } from '../schemas.js';
import { onAbortSchema, waitOrStop } from './stopOnAbort.js';
import { ssmSdk } from '../clients/sdk.js';

const ssmRunCommandInput = {
  type: 'object',
  additionalProperties: false,
  required: ['instanceId', 'commands'],
  properties: {
    instanceId: instanceIdSchema,
    commands: {
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      ],
    },
    workingDirectory: { type: 'string', minLength: 1 },
    executionTimeout: { ...durationSchema, default: '10m' },
    allowExitCodes: { type: 'array', minItems: 1, items: { type: 'integer' }, default: [0] },
    comment: { type: 'string', maxLength: 100 },
    interval: { ...durationSchema, default: '2s' },
    onAbort: onAbortSchema(
      'stop',
      'When the step is stopped (timeout, cancel) while the script runs: stop cancels it (CancelCommand), leave lets it finish.',
    ),
    region: regionSchema,
  },
} as const satisfies JSONSchema;

const ssmRunCommandOutput = {
  examples: [
    {
      commandId: '2b7d3f4e-1a2b-4c3d-9e8f-7a6b5c4d3e2f',
      instanceId: 'i-0abc1234def567890',
      status: 'Success',
      statusDetails: 'Success',
      exitCode: 0,
      stdout: 'web.service restarted\n',
      stderr: '',
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['commandId', 'instanceId', 'status', 'exitCode', 'stdout', 'stderr'],
  properties: {
    commandId: { type: 'string' },
    instanceId: { type: 'string' },
    status: { type: 'string' },
    statusDetails: { type: 'string' },
    exitCode: { type: 'integer' },
    stdout: { type: 'string' },
    stderr: { type: 'string' },
  },
} as const satisfies JSONSchema;

/** Input of `aws.ssm.runCommand`. */
export type SsmRunCommandInput = FromSchema<typeof ssmRunCommandInput>;

/** Output of `aws.ssm.runCommand`. */
export type SsmRunCommandOutput = FromSchema<typeof ssmRunCommandOutput>;

const ID = 'aws.ssm.runCommand';
const DOCUMENT = 'AWS-RunShellScript';
const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

/**
 * `aws.ssm.runCommand`: SendCommand with AWS-RunShellScript on one instance, then polls
 * GetCommandInvocation on the run's clock until the script ends. A script that ends without an
 * allowed exit code (or Failed, TimedOut, Cancelled) is the verdict `fail`. SendCommand takes no
 * client token: it is sent at most once per attempt (no SDK retries), a failure SSM may have acted on
 * is never retried, and a step retried after the command was accepted runs the script again, so make
 * the script safe to repeat. A step stopped while the script runs cancels it (CancelCommand), unless
 * `onAbort: leave`.
 */
export function ssmRunCommandAction(
  aws: AwsClients,
): ActionDefinition<SsmRunCommandInput, SsmRunCommandOutput> {
  return defineAction({
    id: ID,
    kind: 'remediation',
    description:
      'Runs shell commands on an instance with SSM Run Command (AWS-RunShellScript) and waits for the result; fails on a non-zero exit code.',
    idempotent: false,
    input: ssmRunCommandInput,
    output: ssmRunCommandOutput,
    async run(input, ctx) {
      const region = aws.requireRegion(ID, input.region);
      // No client token: the `once` client makes one attempt, and no ambiguous failure is retried.
      const ssm = await aws.ssm(region, 'once');
      const { CancelCommandCommand, SendCommandCommand } = await ssmSdk();
      const executionSeconds = Math.ceil(seconds(input.executionTimeout, 600));
      const sent = await callAws(
        ID,
        'ssm:SendCommand',
        () =>
          ssm.send(
            new SendCommandCommand({
              DocumentName: DOCUMENT,
              InstanceIds: [input.instanceId],
              Parameters: {
                commands: Array.isArray(input.commands) ? input.commands : [input.commands],
                executionTimeout: [String(executionSeconds)],
                ...(input.workingDirectory && { workingDirectory: [input.workingDirectory] }),
              },
              Comment: (input.comment ?? `firstline ${ctx.runId} ${ctx.stepId}`).slice(0, 100),
            }),
            { abortSignal: ctx.signal },
          ),
        aws.policy('once'),
      );
      const commandId = sent.Command?.CommandId;
      if (!commandId)
        throw new ActionError(ID, 'ssm:SendCommand returned no CommandId', { retryable: false });
      const what = `SSM command ${commandId} on ${input.instanceId} in ${region}`;
      const fields = { commandId, instanceId: input.instanceId, region };
      // Logged before the wait, so the trace names the command even if the step is stopped.
      ctx.logger.info(`sent ${what}`, fields);
      const invocation = await waitOrStop(
        ctx,
        { actionId: ID, what, fields, stopOperation: 'ssm:CancelCommand' },
        input.onAbort ?? 'stop',
        () => waitForInvocation(aws, input, commandId, ctx),
        (signal) =>
          callAws(
            ID,
            'ssm:CancelCommand',
            async () =>
              (await aws.ssm(region)).send(
                new CancelCommandCommand({ CommandId: commandId, InstanceIds: [input.instanceId] }),
                { abortSignal: signal },
              ),
            aws.policy(),
          ),
      );
      const output: SsmRunCommandOutput = {
        commandId,
        instanceId: input.instanceId,
        status: invocation.Status ?? 'Unknown',
        ...(invocation.StatusDetails && { statusDetails: invocation.StatusDetails }),
        exitCode: invocation.ResponseCode ?? -1,
        // Redacted before failureMessage cuts stderr to its tail (SSM itself cuts output at 24,000 chars).
        stdout: redactText(ctx, invocation.StandardOutputContent ?? ''),
        stderr: redactText(ctx, invocation.StandardErrorContent ?? ''),
      };
      const allowed = input.allowExitCodes ?? [0];
      const ok =
        allowed.includes(output.exitCode) && (output.status === 'Success' || output.status === 'Failed');
      // The script ran (or SSM gave up on it): its result is the remediation's verdict.
      if (!ok) throw verdictError(ID, failureMessage(output));
      return output;
    },
    describe: (input) => `run ${DOCUMENT} on ${input.instanceId}`,
    plan(input) {
      const count = Array.isArray(input.commands) ? input.commands.length : 1;
      const region = aws.requireRegion(ID, input.region);
      return Promise.resolve({
        summary: `would run ${count} shell command${count === 1 ? '' : 's'} on ${input.instanceId} with ${DOCUMENT} (SendCommand takes no client token: a retry runs them again)`,
        changes: [{ resource: `${input.instanceId} (${region})`, change: `run ${DOCUMENT}` }],
      });
    },
    permissions: (input) => {
      const scope = arnScope(aws, input.region);
      return [
        allow(
          ['ssm:SendCommand'],
          [
            `arn:${scope.partition}:ssm:${scope.region}::document/${DOCUMENT}`,
            instanceArn(scope, input.instanceId),
          ],
        ),
        // GetCommandInvocation and CancelCommand have no resource-level permissions.
        allow(
          input.onAbort === 'leave'
            ? ['ssm:GetCommandInvocation']
            : ['ssm:GetCommandInvocation', 'ssm:CancelCommand'],
          '*',
        ),
      ];
    },
  });
}

async function waitForInvocation(
  aws: AwsClients,
  input: SsmRunCommandInput,
  commandId: string,
  ctx: ActionContext,
): Promise<GetCommandInvocationCommandOutput> {
  const ssm = await aws.ssm(aws.requireRegion(ID, input.region));
  const { GetCommandInvocationCommand } = await ssmSdk();
  const intervalMs = Math.max(1, seconds(input.interval, 2) * 1000);
  for (;;) {
    try {
      const invocation = await callAws(
        ID,
        'ssm:GetCommandInvocation',
        () =>
          ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: input.instanceId }), {
            abortSignal: ctx.signal,
          }),
        aws.policy(),
      );
      if (TERMINAL.has(invocation.Status ?? '')) return invocation;
      ctx.logger.debug('command still running', { commandId, status: invocation.Status });
    } catch (error) {
      // For a moment after SendCommand the invocation does not exist yet.
      if (classifyAwsError((error as { cause?: unknown }).cause ?? error).code !== 'InvocationDoesNotExist')
        throw error;
    }
    await pause(ctx.clock, intervalMs, ctx.signal);
  }
}

function failureMessage(o: SsmRunCommandOutput): string {
  const tail = o.stderr.trim().slice(-300);
  const code = o.exitCode >= 0 ? ` with exit code ${o.exitCode}` : '';
  const details = o.statusDetails && o.statusDetails !== o.status ? ` (${o.statusDetails})` : '';
  return `command ${o.commandId} on ${o.instanceId} ended ${o.status}${details}${code}${tail ? `; stderr: ${tail}` : ''}`;
}

function seconds(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new ActionError(ID, `"${text}" is not a duration (20s, 5m)`, { retryable: false });
  return ms / 1000;
}

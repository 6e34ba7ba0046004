import type { AutomationExecution } from '@aws-sdk/client-ssm';
import { ActionError, defineAction, parseDuration, redactText } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, IamStatement, JSONSchema } from '@firstline/core';
import { callAws } from '../clients/callAws.js';
import type { AwsClients } from '../clients/createAwsClients.js';
import { verdictError } from '../clients/toActionError.js';
import { pause } from '../clock.js';
import { allow, arnScope } from '../iam/arn.js';
import type { ArnScope } from '../iam/arn.js';
import { durationSchema, regionSchema } from '../schemas.js';
import { clientTokenFor } from './clientToken.js';
import { onAbortSchema, waitOrStop } from './stopOnAbort.js';
import { ssmSdk } from '../clients/sdk.js';

const ssmStartAutomationInput = {
  type: 'object',
  additionalProperties: false,
  required: ['document'],
  properties: {
    document: {
      type: 'string',
      pattern: '^([a-zA-Z0-9_.-]{3,128}|arn:aws[a-z-]*:ssm:.+)$',
      description: 'Runbook name or ARN, e.g. AWSSupport-StartEC2RescueWorkflow.',
    },
    documentVersion: { type: 'string', pattern: '^(\\$DEFAULT|\\$LATEST|[0-9]+)$' },
    parameters: {
      type: 'object',
      description: 'Runbook parameters; SSM takes every value as a list of strings.',
      additionalProperties: { type: 'array', items: { type: 'string' } },
    },
    wait: {
      type: 'boolean',
      default: true,
      description: 'Wait for a terminal status (default) or return once started.',
    },
    timeout: {
      ...durationSchema,
      description: "Stop waiting after this long; keep it below the step's timeout.",
    },
    interval: { ...durationSchema, default: '10s' },
    onAbort: onAbortSchema(
      'leave',
      'When the step is stopped (timeout, cancel, host hand-back) while the runbook runs: leave it for a retry or resumed run to re-attach to, or stop it (StopAutomationExecution).',
    ),
    region: regionSchema,
  },
} as const satisfies JSONSchema;

const ssmStartAutomationOutput = {
  examples: [
    {
      executionId: '4f1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      status: 'Success',
      outputs: { 'RestartService.Output': ['web restarted'] },
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['executionId', 'status'],
  properties: {
    executionId: { type: 'string' },
    status: {
      type: 'string',
      description: 'Success, or the status it stopped in (Failed, TimedOut, Cancelled…).',
    },
    outputs: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  },
} as const satisfies JSONSchema;

/** Input of `aws.ssm.startAutomation`. */
export type SsmStartAutomationInput = FromSchema<typeof ssmStartAutomationInput>;

/** Output of `aws.ssm.startAutomation`. */
export type SsmStartAutomationOutput = FromSchema<typeof ssmStartAutomationOutput>;

const ID = 'aws.ssm.startAutomation';
const SUCCESS = new Set(['Success', 'CompletedWithSuccess']);
const FAILURE = new Set([
  'Failed',
  'TimedOut',
  'Cancelled',
  'Rejected',
  'ChangeCalendarOverrideRejected',
  'CompletedWithFailure',
  'Exited',
]);

/**
 * `aws.ssm.startAutomation`: StartAutomationExecution with a client token derived from the step's
 * idempotency key (one per step visit), then polls GetAutomationExecution on the run's clock until a
 * terminal status. The token makes every retry safe: the SDK's own retries and the step's `retry:`
 * resend it, and SSM answers with the execution it already started, so a retried step or a resumed
 * run re-attaches instead of starting a second one. A runbook that does not succeed (or is still
 * running after `timeout`) is the verdict `fail`. A step stopped while it runs leaves it running by
 * default, so the retry or the resumed run can re-attach; `onAbort: stop` stops it instead.
 */
export function ssmStartAutomationAction(
  aws: AwsClients,
): ActionDefinition<SsmStartAutomationInput, SsmStartAutomationOutput> {
  return defineAction({
    id: ID,
    kind: 'remediation',
    description:
      "Starts an SSM Automation runbook and waits for it to finish (bounded by the step's timeout); fails unless it succeeds.",
    idempotent: true,
    input: ssmStartAutomationInput,
    output: ssmStartAutomationOutput,
    async run(input, ctx) {
      const region = aws.requireRegion(ID, input.region);
      const ssm = await aws.ssm(region);
      const { StartAutomationExecutionCommand, StopAutomationExecutionCommand } = await ssmSdk();
      const clientToken = clientTokenFor(ctx.idempotencyKey);
      // Safe to repeat with its token: the SDK retries it (same request, same token), one layer only.
      const started = await callAws(
        ID,
        'ssm:StartAutomationExecution',
        () =>
          ssm.send(
            new StartAutomationExecutionCommand({
              DocumentName: input.document,
              ...(input.documentVersion && { DocumentVersion: input.documentVersion }),
              ...(input.parameters && { Parameters: input.parameters }),
              ClientToken: clientToken,
            }),
            { abortSignal: ctx.signal },
          ),
        aws.policy(),
      );
      const executionId = started.AutomationExecutionId;
      if (!executionId)
        throw new ActionError(ID, 'ssm:StartAutomationExecution returned no execution id', {
          retryable: false,
        });
      const what = `automation ${input.document} (${executionId}) in ${region}`;
      const fields = { executionId, document: input.document, region, clientToken };
      // Logged before the wait, so the trace names the execution even if the step is stopped.
      ctx.logger.info(`started ${what}`, fields);
      if (input.wait === false) {
        const execution = await getExecution(aws, input, executionId, ctx);
        return resultOf(executionId, execution);
      }
      return waitOrStop(
        ctx,
        { actionId: ID, what, fields, stopOperation: 'ssm:StopAutomationExecution' },
        input.onAbort ?? 'leave',
        () => waitForExecution(aws, input, executionId, region, ctx),
        (signal) =>
          callAws(
            ID,
            'ssm:StopAutomationExecution',
            () =>
              ssm.send(
                new StopAutomationExecutionCommand({ AutomationExecutionId: executionId, Type: 'Cancel' }),
                { abortSignal: signal },
              ),
            aws.policy(),
          ),
      );
    },
    describe: (input) => `start automation ${input.document}`,
    plan(input) {
      const region = aws.requireRegion(ID, input.region);
      const target = Object.entries(input.parameters ?? {})
        .filter(([key]) => /instanceid/i.test(key))
        .flatMap(([, values]) => values);
      const on = target.length ? ` on ${target.join(', ')}` : '';
      return Promise.resolve({
        summary: `would start automation ${input.document}${on} (client token from the step's idempotency key)`,
        changes: [{ resource: `automation ${input.document} (${region})`, change: `start execution${on}` }],
      });
    },
    permissions: (input) => automationPermissions(arnScope(aws, input.region), input),
  });
}

async function waitForExecution(
  aws: AwsClients,
  input: SsmStartAutomationInput,
  executionId: string,
  region: string,
  ctx: ActionContext,
): Promise<SsmStartAutomationOutput> {
  const { clock } = ctx;
  const intervalMs = Math.max(1, durationMs(input.interval) ?? 10_000);
  const timeoutMs = durationMs(input.timeout);
  const deadline = timeoutMs === undefined ? undefined : clock.now() + timeoutMs;
  for (;;) {
    const execution = await getExecution(aws, input, executionId, ctx);
    const status = execution.AutomationExecutionStatus ?? 'Unknown';
    if (SUCCESS.has(status)) return resultOf(executionId, execution);
    // The runbook ran and did not succeed: the remediation's verdict.
    if (FAILURE.has(status)) {
      const why = execution.FailureMessage ? `: ${oneLine(redactText(ctx, execution.FailureMessage))}` : '';
      throw verdictError(ID, `automation ${input.document} (${executionId}) ended ${status}${why}`);
    }
    const left = deadline === undefined ? intervalMs : deadline - clock.now();
    if (left <= 0)
      // Left running on purpose: stopping a rescue half-way can leave the instance worse off.
      throw verdictError(
        ID,
        `automation ${input.document} (${executionId}) in ${region} still ${status} after ${input.timeout}; it keeps running`,
        { retryable: false, kind: 'timeout' },
      );
    await pause(clock, Math.min(intervalMs, left), ctx.signal);
  }
}

async function getExecution(
  aws: AwsClients,
  input: SsmStartAutomationInput,
  executionId: string,
  ctx: ActionContext,
): Promise<AutomationExecution> {
  const ssm = await aws.ssm(aws.requireRegion(ID, input.region));
  const { GetAutomationExecutionCommand } = await ssmSdk();
  const out = await callAws(
    ID,
    'ssm:GetAutomationExecution',
    () =>
      ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: executionId }), {
        abortSignal: ctx.signal,
      }),
    aws.policy(),
  );
  if (!out.AutomationExecution)
    throw new ActionError(ID, `ssm:GetAutomationExecution returned nothing for ${executionId}`, {
      retryable: true,
      kind: '5xx',
    });
  return out.AutomationExecution;
}

function resultOf(executionId: string, execution: AutomationExecution): SsmStartAutomationOutput {
  const outputs = execution.Outputs && Object.keys(execution.Outputs).length ? execution.Outputs : undefined;
  return {
    executionId,
    status: execution.AutomationExecutionStatus ?? 'Unknown',
    ...(outputs && { outputs }),
  };
}

/** The IAM statements a runbook start needs: the definition, reading the execution, and passing its role. */
function automationPermissions(scope: ArnScope, input: SsmStartAutomationInput): IamStatement[] {
  const { partition, region, account } = scope;
  // An ARN names a shared runbook in another account: its automation-definition lives there.
  const shared = /^arn:[^:]+:ssm:([^:]*):([^:]*):document\/(.+)$/.exec(input.document);
  const definition = shared
    ? `arn:${partition}:ssm:${shared[1] || region}:${shared[2] || account}:automation-definition/${shared[3]}:*`
    : `arn:${partition}:ssm:${region}:${account}:automation-definition/${input.document}:*`;
  const statements = [
    allow(['ssm:StartAutomationExecution'], definition),
    allow(
      input.onAbort === 'stop'
        ? ['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution']
        : ['ssm:GetAutomationExecution'],
      `arn:${partition}:ssm:${region}:${account}:automation-execution/*`,
    ),
  ];
  const role = input.parameters?.AutomationAssumeRole?.[0];
  if (role) statements.push(allow(['iam:PassRole'], role));
  return statements;
}

function durationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new ActionError(ID, `"${text}" is not a duration (20s, 5m)`, { retryable: false });
  return ms;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 400 ? `${flat.slice(0, 397)}...` : flat;
}

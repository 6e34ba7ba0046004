import { defineAction, withPrecompiledValidators } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { logRetries, planOf } from '../shared/actionSupport.js';
import { baseUrlSchema, credentialSchema, stringList, stringMap } from '../shared/schemas.js';
import { redactingMessages } from '../shared/redactMessage.js';
import { RESENT_NOTE } from '../shared/resend.js';
import { preview } from '../shared/text.js';
import { createOpsgenieClient, opsgenieHost } from './createOpsgenieClient.js';
import type { OpsgenieClient, OpsgenieOptions, OpsgenieRegion } from './createOpsgenieClient.js';
import { precompiled } from '../actionValidators.generated.js';

/** Where a step sends its OpsGenie request, overriding the factory's defaults. */
export interface OpsgenieTarget {
  apiKey?: string;
  region?: OpsgenieRegion;
  baseUrl?: string;
}

const target = {
  apiKey: credentialSchema('API key, from secrets: (default: the one given to opsgenie()).'),
  region: {
    enum: ['us', 'eu'],
    description: 'Which OpsGenie API host (default: opsgenie() region, else us).',
  },
  baseUrl: baseUrlSchema('OpsGenie API URL, instead of the region host.'),
} as const satisfies Record<string, JSONSchema>;
const alias = {
  type: 'string',
  minLength: 1,
  maxLength: 512,
  description: 'One incident, one alert: an open alert with this alias is not duplicated.',
} as const;
const who = {
  source: { type: 'string', maxLength: 100, description: 'Shown as the source (default firstline).' },
  user: { type: 'string', maxLength: 100, description: 'Shown as the user who acted.' },
} as const;
const output = {
  examples: [{ requestId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120', alias: 'web-first-line:web-1' }],
  type: 'object',
  additionalProperties: false,
  required: ['requestId', 'alias'],
  properties: {
    requestId: { type: 'string', description: 'OpsGenie processes requests asynchronously; this tracks it.' },
    alias: { type: 'string' },
  },
} as const satisfies JSONSchema;
const opsgenieCreateAlertInput = {
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: {
    message: { type: 'string', minLength: 1, maxLength: 130 },
    alias,
    description: { type: 'string', maxLength: 15_000 },
    priority: { enum: ['P1', 'P2', 'P3', 'P4', 'P5'], default: 'P3' },
    tags: { ...stringList, maxItems: 20 },
    responders: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type'],
        anyOf: [{ required: ['id'] }, { required: ['name'] }, { required: ['username'] }],
        properties: {
          type: { enum: ['team', 'user', 'escalation', 'schedule'] },
          id: { type: 'string' },
          name: { type: 'string' },
          username: { type: 'string' },
        },
      },
    },
    details: stringMap,
    entity: { type: 'string', maxLength: 512 },
    note: { type: 'string', maxLength: 25_000 },
    source: who.source,
    ...target,
  },
} as const satisfies JSONSchema;

const opsgenieCloseAlertInput = {
  type: 'object',
  additionalProperties: false,
  required: ['alias'],
  properties: { alias, note: { type: 'string', maxLength: 25_000 }, ...who, ...target },
} as const satisfies JSONSchema;

const opsgenieAddNoteInput = {
  type: 'object',
  additionalProperties: false,
  required: ['alias', 'note'],
  properties: { alias, note: { type: 'string', minLength: 1, maxLength: 25_000 }, ...who, ...target },
} as const satisfies JSONSchema;

/** Input of `opsgenie.createAlert`. */
export type OpsgenieCreateAlertInput = FromSchema<typeof opsgenieCreateAlertInput>;

/** Input of `opsgenie.closeAlert`. */
export type OpsgenieCloseAlertInput = FromSchema<typeof opsgenieCloseAlertInput>;

/** Input of `opsgenie.addNote`. */
export type OpsgenieAddNoteInput = FromSchema<typeof opsgenieAddNoteInput>;

/** Output of every OpsGenie action: the accepted request and the alert's alias. */
export type OpsgenieOutput = FromSchema<typeof output>;

const NO_KEY = 'no OpsGenie API key: give opsgenie({ apiKey }) or the step an apiKey';

/**
 * The OpsGenie actions (`opsgenie.createAlert`, `opsgenie.closeAlert`, `opsgenie.addNote`). An alert
 * always has an alias: the step's, or one made from the run and step, so a retry or a resumed run
 * updates the same open alert instead of paging twice.
 *
 * @example
 * const actions = opsgenie({ apiKey: process.env.OPSGENIE_KEY, region: 'eu' });
 */
export function opsgenie(options: OpsgenieOptions & { client?: OpsgenieClient } = {}): ActionDefinition[] {
  const client = options.client ?? createOpsgenieClient(options);
  const call = (input: OpsgenieTarget, ctx: ActionContext, actionId: string) => ({
    ...(input.apiKey !== undefined && { apiKey: input.apiKey }),
    ...(input.region !== undefined && { region: input.region }),
    ...(input.baseUrl !== undefined && { baseUrl: input.baseUrl }),
    signal: ctx.signal,
    actionId,
    onRetry: logRetries(ctx, `OpsGenie ${actionId}`),
  });
  const missingKey = (input: OpsgenieTarget) =>
    input.apiKey === undefined && options.apiKey === undefined ? NO_KEY : undefined;
  const regionOf = (input: OpsgenieTarget) => new URL(opsgenieHost(input, options)).host;

  const createAlert = defineAction({
    id: 'opsgenie.createAlert',
    kind: 'notify',
    resendable: true,
    description: 'Creates an OpsGenie alert; an open alert with the same alias is updated, not duplicated.',
    idempotent: true,
    input: opsgenieCreateAlertInput,
    output,
    async run(input, ctx) {
      const { apiKey: _key, region: _region, baseUrl: _url, ...alert } = input;
      const aliasOf = alert.alias ?? defaultAlias(ctx);
      const accepted = await client.createAlert(
        {
          ...alert,
          alias: aliasOf,
          priority: alert.priority ?? 'P3',
          // Lets whoever gets paged find the run that paged them.
          details: { firstlineRun: ctx.runId, ...alert.details },
        },
        call(input, ctx, 'opsgenie.createAlert'),
      );
      return { requestId: accepted.requestId, alias: aliasOf };
    },
    describe: (input) =>
      `create OpsGenie alert ${input.priority ?? 'P3'}${input.alias ? ` (alias ${input.alias})` : ''}: ${preview(input.message)}`,
    plan(input, ctx) {
      const aliasOf = input.alias ?? defaultAlias(ctx);
      return Promise.resolve(
        planOf(
          `would create OpsGenie alert ${input.priority ?? 'P3'} (alias ${aliasOf}) on ${regionOf(input)}: ${preview(input.message)}`,
          `opsgenie:alert/${aliasOf}`,
          'create, or count again if open',
          missingKey(input),
        ),
      );
    },
  });

  const closeAlert = defineAction({
    id: 'opsgenie.closeAlert',
    kind: 'notify',
    resendable: true,
    description:
      'Closes the OpsGenie alert with an alias, e.g. when a later run finds the incident recovered.',
    idempotent: true,
    input: opsgenieCloseAlertInput,
    output,
    async run(input, ctx) {
      const accepted = await client.closeAlert(
        input.alias,
        bodyOf(input),
        call(input, ctx, 'opsgenie.closeAlert'),
      );
      return { requestId: accepted.requestId, alias: input.alias };
    },
    plan(input) {
      return Promise.resolve(
        planOf(
          `would close the OpsGenie alert with alias ${input.alias} on ${regionOf(input)}${input.note ? `: ${preview(input.note)}` : ''}`,
          `opsgenie:alert/${input.alias}`,
          'close',
          missingKey(input),
        ),
      );
    },
  });

  const addNote = defineAction({
    id: 'opsgenie.addNote',
    kind: 'notify',
    resendable: true,
    description: 'Adds a note to the OpsGenie alert with an alias (what the run found or did).',
    input: opsgenieAddNoteInput,
    output,
    async run(input, ctx) {
      const accepted = await client.addNote(
        input.alias,
        // A note has no key to find it by: a re-sent one says so.
        { ...bodyOf(input), note: ctx.resend ? `${input.note} ${RESENT_NOTE}` : input.note },
        call(input, ctx, 'opsgenie.addNote'),
      );
      return { requestId: accepted.requestId, alias: input.alias };
    },
    plan(input) {
      return Promise.resolve(
        planOf(
          `would add a note to the OpsGenie alert with alias ${input.alias} on ${regionOf(input)}: ${preview(input.note)}`,
          `opsgenie:alert/${input.alias}`,
          'add a note',
          missingKey(input),
        ),
      );
    },
  });

  return withPrecompiledValidators(
    precompiled,
    redactingMessages([createAlert, closeAlert, addNote] as ActionDefinition[]),
  );
}

/** The alias of an alert whose step named none: stable across the step's retries and a resumed run. */
function defaultAlias(ctx: ActionContext): string {
  // idempotencyKey is runId:stepId:visit: every retry of the step shares it.
  return `firstline:${ctx.idempotencyKey}`.slice(0, 512);
}

function bodyOf(input: { note?: string; source?: string; user?: string }) {
  return {
    ...(input.note !== undefined && { note: input.note }),
    ...(input.source !== undefined && { source: input.source }),
    ...(input.user !== undefined && { user: input.user }),
  };
}

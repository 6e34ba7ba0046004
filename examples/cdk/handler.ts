// The Lambda function FirstlineStack deploys. Everything is made here, at module scope, once per
// container: the AWS clients, the actions, the run store, the notifiers' keys read from Secrets
// Manager; each playbook is compiled on its first use. A warm invocation only handles its event.
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  awsActions,
  awsSecretResolvers,
  createAwsClients,
  secretsManagerSecretResolver,
} from '@firstline/actions-aws';
import type { AwsClients } from '@firstline/actions-aws';
import { netActions } from '@firstline/actions-net';
import { createLambdaHandler } from '@firstline/lambda';
import { notifiers } from '@firstline/notifiers';
import { dynamoRunStore } from '@firstline/store-dynamodb';

const config = readConfig(process.env);
// One set of clients for the actions and the secret resolvers: one connection pool per service.
const aws = createAwsClients({});
const secretEnv = config.secret ? await readSecretEnv(aws, config.secret) : {};

/**
 * The function's entry point: a CloudWatch alarm state change (EventBridge, SNS or SQS) runs the
 * playbook; `{ firstline: 'resumeDue' }` (the stack's rate(1 minute) rule) resumes runs whose wait ended.
 */
export const handler = createLambdaHandler({
  // The stack's afterBundling hook copies the playbook beside the bundle.
  playbooks: {
    [config.playbook]: fileURLToPath(new URL(`./playbooks/${config.playbook}.yaml`, import.meta.url)),
  },
  actions: [
    ...awsActions(aws),
    ...netActions(),
    ...notifiers({
      slack: { token: secretEnv.SLACK_TOKEN },
      opsgenie: { apiKey: secretEnv.OPSGENIE_API_KEY },
    }),
  ],
  store: dynamoRunStore({ table: config.table, client: new DynamoDBClient({}) }),
  // The stack's alarm, with the inputs the deployment fixed; instanceId and region come from the alarm.
  routes: [{ playbook: config.playbook, alarm: config.alarm, inputs: () => config.inputs }],
  secrets: awsSecretResolvers(aws),
  // `{ env: SLACK_TOKEN }` secrets find the Secrets Manager values, not only the function's variables.
  env: { ...process.env, ...secretEnv },
});

interface HandlerConfig {
  table: string;
  playbook: string;
  alarm: string;
  inputs: Record<string, unknown>;
  secret?: string;
}

// The stack sets these; a function deployed some other way fails at its cold start, saying what is missing.
function readConfig(env: NodeJS.ProcessEnv): HandlerConfig {
  const missing = ['FIRSTLINE_TABLE', 'FIRSTLINE_PLAYBOOK', 'FIRSTLINE_ALARM'].filter((name) => !env[name]);
  if (missing.length)
    throw new Error(
      `the Firstline function needs ${missing.join(', ')} in its environment (FirstlineStack sets them)`,
    );
  let inputs: unknown;
  try {
    inputs = JSON.parse(env.FIRSTLINE_INPUTS ?? '{}');
  } catch {
    throw new Error('FIRSTLINE_INPUTS is not JSON: it must be an object of playbook inputs');
  }
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs))
    throw new Error('FIRSTLINE_INPUTS must be a JSON object of playbook inputs');
  return {
    table: env.FIRSTLINE_TABLE!,
    playbook: env.FIRSTLINE_PLAYBOOK!,
    alarm: env.FIRSTLINE_ALARM!,
    inputs: inputs as Record<string, unknown>,
    ...(env.FIRSTLINE_SECRET && { secret: env.FIRSTLINE_SECRET }),
  };
}

// The secret is a JSON object whose keys are environment variable names (SLACK_TOKEN,
// OPSGENIE_API_KEY…). Read once per container: a rotated value is picked up by new containers.
async function readSecretEnv(clients: AwsClients, secret: string): Promise<Record<string, string>> {
  const text = await secretsManagerSecretResolver(clients)({ secretsManager: secret }, { name: secret });
  if (text === undefined)
    throw new Error(
      `Secrets Manager has no secret ${secret}: create it with a JSON object such as {"SLACK_TOKEN":"…","OPSGENIE_API_KEY":"…"}`,
    );
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // Never quote the text: it is a secret.
    throw new Error(`secret ${secret} is not a JSON object of environment variable names to values`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new Error(`secret ${secret} is not a JSON object of environment variable names to values`);
  return Object.fromEntries(
    Object.entries(data).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

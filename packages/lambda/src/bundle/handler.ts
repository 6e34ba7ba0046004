// The entry of the bundle `pnpm build` writes to dist/bundle/handler.mjs: a complete Lambda function
// (core, the AWS, network and notifier actions, the DynamoDB run store, their AWS SDK clients) in one
// minified file, configured by its environment. Everything is made at module scope, once per
// container; each playbook is compiled on its first use. A warm invocation only handles its event.
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsActions, awsSecretResolvers, createAwsClients } from '@firstline/actions-aws';
import { netActions } from '@firstline/actions-net';
import { notifiers } from '@firstline/notifiers';
import { dynamoRunStore } from '@firstline/store-dynamodb';
import { createLambdaHandler } from '../createLambdaHandler.js';
import { readBundleConfig, readSecretEnv } from './config.js';

const config = readBundleConfig(process.env);
// One set of clients for the actions and the secret resolvers: one connection pool per service.
const aws = createAwsClients({});
const secretEnv = config.secret ? await readSecretEnv(aws, config.secret) : {};

/**
 * The function's entry point (`handler.handler`): a CloudWatch alarm state change (EventBridge, SNS
 * or SQS) runs the playbook its routes name; `{ firstline: 'resumeDue' }` resumes runs whose wait ended.
 */
export const handler = createLambdaHandler({
  playbooks: Object.fromEntries(
    config.playbooks.map((name) => [
      name,
      config.playbookFile ?? fileURLToPath(new URL(`./playbooks/${name}.yaml`, import.meta.url)),
    ]),
  ),
  actions: [
    ...awsActions(aws),
    ...netActions(),
    ...notifiers({
      slack: { token: secretEnv.SLACK_TOKEN },
      opsgenie: { apiKey: secretEnv.OPSGENIE_API_KEY },
    }),
  ],
  store: dynamoRunStore({ table: config.table, client: new DynamoDBClient({}) }),
  // The deployment's alarms, with the inputs it fixed; instanceId and region come from the alarm.
  routes: config.routes.map(({ inputs, ...route }) => ({
    ...route,
    inputs: () => inputs,
    alertInputs: () => inputs,
  })),
  secrets: awsSecretResolvers(aws),
  // `{ env: SLACK_TOKEN }` secrets find the Secrets Manager values, not only the function's variables.
  env: { ...process.env, ...secretEnv },
  // The function URL's routes, each present when the deployment named its secret.
  ...(config.http && {
    http: {
      ...(config.http.slackSigningSecret && { slack: { signingSecret: config.http.slackSigningSecret } }),
      ...(config.http.alertmanagerToken && { alertmanager: { token: config.http.alertmanagerToken } }),
    },
  }),
});

// The entry of the bundle `pnpm build` writes to dist/bundle/action-runner.mjs: the action runner Lambda
// that state machines exported by @firstline/stepfunctions call for every step that is not a native task.
// The AWS, network and notifier actions, their SDK clients and the secret resolvers, made at module
// scope once per container. FIRSTLINE_SECRET (optional) names a Secrets Manager secret of environment
// variables, so `{ env: SLACK_TOKEN }` references find those values too.
import { awsActions, awsSecretResolvers, createAwsClients } from '@firstline/actions-aws';
import { netActions } from '@firstline/actions-net';
import { envSecretResolver } from '@firstline/core';
import { notifiers } from '@firstline/notifiers';
import { createActionRunnerHandler } from '../actionRunner.js';
import { readSecretEnv } from './config.js';

const aws = createAwsClients({});
const secretEnv = process.env.FIRSTLINE_SECRET ? await readSecretEnv(aws, process.env.FIRSTLINE_SECRET) : {};

/** The function's entry point (`action-runner.handler`): one action per invocation, `{ outcome, output }` back. */
export const handler = createActionRunnerHandler({
  actions: [
    ...awsActions(aws),
    ...netActions(),
    ...notifiers({
      slack: { token: secretEnv.SLACK_TOKEN },
      opsgenie: { apiKey: secretEnv.OPSGENIE_API_KEY },
    }),
  ],
  secrets: { ...awsSecretResolvers(aws), env: envSecretResolver({ ...process.env, ...secretEnv }) },
});

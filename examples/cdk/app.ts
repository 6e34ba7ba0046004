// The CDK app: `pnpm exec cdk synth` / `cdk deploy --all` in this directory (cdk.json runs it with tsx).
// Everything it needs comes from context (-c key=value, or cdk.json): see README.md.
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { firstlineInRegions } from '@firstline/cdk';
import { isFirstlineError } from '@firstline/core';

const app = new App();

/** A context value as a string; unset and empty are the same. */
function context(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A comma-separated context value as a list. */
const listOf = (value: string | undefined) =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

// No lookups: the account and regions are given (or come from the CLI's credentials), never guessed.
const account = context('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
const regions = listOf(context('regions') ?? context('region') ?? process.env.CDK_DEFAULT_REGION);
if (!account || !regions?.length)
  throw new Error(
    'give -c account=<12-digit id> -c regions=<region>,<region>…, or AWS credentials the CLI can read',
  );

const playbook = fileURLToPath(
  new URL(context('playbook') ?? '../playbooks/ec2-first-line.yaml', import.meta.url),
);
// Inputs the deployment fixes, from context: ec2-first-line's url and healthCheckId; an instanceId
// pins the reboot permission to that one instance (left out, it comes from each alarm).
const inputs = Object.fromEntries(
  ['instanceId', 'url', 'healthCheckId'].flatMap((name) => {
    const value = context(name);
    return value === undefined ? [] : [[name, value]];
  }),
);
const secretName = context('secretName') ?? 'firstline/notifiers';
// `stepfunctions`: the playbook as a Step Functions state machine with an action runner; default `lambda`.
const engine = context('engine') as 'lambda' | 'stepfunctions' | undefined;
// `-c slackSigningSecret=<secret name>`: a function URL for Slack's approval buttons (see
// docs/guides/approvals-slack.md); the secret holds the Slack app's signing secret.
const slackSigningSecret = context('slackSigningSecret');

try {
  firstlineInRegions(app, 'Firstline', {
    account,
    regions,
    responder: (stack) => ({
      playbooks: [{ file: playbook, alarms: listOf(context('alarms')) ?? ['cpu-*'], inputs }],
      ...(engine !== undefined && { engine }),
      // The notifiers' keys; `-c secretName=none` deploys without one (for playbooks that need no secret).
      ...(secretName !== 'none' && {
        environmentSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Notifiers', secretName),
      }),
      ...(slackSigningSecret !== undefined && {
        http: {
          slackSigningSecret: secretsmanager.Secret.fromSecretNameV2(
            stack,
            'SlackSigning',
            slackSigningSecret,
          ),
        },
      }),
    }),
  });
} catch (error) {
  // A bad playbook or prop: its message (file:line:col CODE …) and code, not a stack trace.
  if (!isFirstlineError(error)) throw error;
  console.error(`${error.code}: ${error.message}`);
  process.exit(1);
}

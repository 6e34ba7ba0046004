// The CDK app: `pnpm exec cdk synth` / `cdk deploy` in this directory (cdk.json runs it with tsx).
// Everything it needs comes from context (-c key=value, or cdk.json): see README.md.
import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { parsePlaybook } from '@firstline/core';
import type { Playbook } from '@firstline/core';
import { FirstlineStack } from './FirstlineStack.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const app = new App();

/** A context value as a string; unset and empty are the same. */
function context(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function required(key: string, what: string): string {
  const value = context(key);
  if (value === undefined) throw new Error(`missing context ${key} (${what}): cdk synth -c ${key}=…`);
  return value;
}

function numeric(key: string): number | undefined {
  const value = context(key);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new Error(`context ${key} must be a number, got ${value}`);
  return number;
}

function alarmOn(): 'cpu' | 'statusCheck' | undefined {
  const value = context('alarmOn');
  if (value === undefined || value === 'cpu' || value === 'statusCheck') return value;
  throw new Error(`context alarmOn must be cpu or statusCheck, got ${value}`);
}

// No lookups: the account and region are given (or come from the CLI's credentials), never guessed.
const account = context('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
const region = context('region') ?? process.env.CDK_DEFAULT_REGION;
if (!account || !region)
  throw new Error('give -c account=<12-digit id> -c region=<region>, or AWS credentials the CLI can read');

const playbookFile = resolve(here, context('playbook') ?? '../playbooks/ec2-first-line.yaml');
const document = parsePlaybook(readFileSync(playbookFile), { file: playbookFile }).data as Playbook;
// instanceId and region come from the alarm; any other input the playbook declares is context of
// the same name (ec2-first-line: url, healthCheckId).
const inputs: Record<string, string> = {};
for (const name of Object.keys(document.inputs ?? {})) {
  const value = name === 'instanceId' || name === 'region' ? undefined : context(name);
  if (value !== undefined) inputs[name] = value;
}
const name = basename(playbookFile, extname(playbookFile));

new FirstlineStack(app, context('stackName') ?? `Firstline-${name}-${region}`, {
  env: { account, region },
  instanceId: required('instanceId', 'the EC2 instance to watch and remediate'),
  playbookFile,
  inputs,
  // The notifiers' keys; `-c secretName=none` deploys without one (for playbooks that need no secret).
  secretName: context('secretName') === 'none' ? undefined : (context('secretName') ?? 'firstline/notifiers'),
  alarmOn: alarmOn(),
  cpuThreshold: numeric('cpuThreshold'),
  reservedConcurrency: numeric('reservedConcurrency'),
});

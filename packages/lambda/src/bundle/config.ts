// The bundled handler's settings: the function's environment, and the secret it names.
import { secretsManagerSecretResolver } from '@firstline/actions-aws';
import type { AwsClients } from '@firstline/actions-aws';

/** What the bundled handler reads from its environment (FIRSTLINE_* variables). */
export interface BundleConfig {
  /** The DynamoDB table of runs and locks (FIRSTLINE_TABLE). */
  table: string;
  /** The playbook's name (FIRSTLINE_PLAYBOOK). */
  playbook: string;
  /** The playbook's YAML file (FIRSTLINE_PLAYBOOK_FILE), else `playbooks/<name>.yaml` beside the bundle. */
  playbookFile?: string;
  /** The alarm routed to the playbook (FIRSTLINE_ALARM). */
  alarm: string;
  /** Inputs the deployment fixed (FIRSTLINE_INPUTS, a JSON object). */
  inputs: Record<string, unknown>;
  /** A Secrets Manager secret of environment variables for the notifiers (FIRSTLINE_SECRET). */
  secret?: string;
}

/** Reads the environment; a function deployed without the variables fails its cold start, saying what is missing. */
export function readBundleConfig(env: NodeJS.ProcessEnv): BundleConfig {
  const missing = ['FIRSTLINE_TABLE', 'FIRSTLINE_PLAYBOOK', 'FIRSTLINE_ALARM'].filter((name) => !env[name]);
  if (missing.length)
    throw new Error(
      `the Firstline function needs ${missing.join(', ')} in its environment (see @firstline/lambda's README, "The bundle")`,
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
    ...(env.FIRSTLINE_PLAYBOOK_FILE && { playbookFile: env.FIRSTLINE_PLAYBOOK_FILE }),
    ...(env.FIRSTLINE_SECRET && { secret: env.FIRSTLINE_SECRET }),
  };
}

/**
 * The secret is a JSON object whose keys are environment variable names (SLACK_TOKEN,
 * OPSGENIE_API_KEY…). Read once per container: a rotated value is picked up by new containers.
 */
export async function readSecretEnv(clients: AwsClients, secret: string): Promise<Record<string, string>> {
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

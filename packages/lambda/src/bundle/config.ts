// The bundled handler's settings: the function's environment, and the secret it names.
import { secretsManagerSecretResolver } from '@firstline/actions-aws';
import type { AwsClients } from '@firstline/actions-aws';
import { FirstlineError } from '@firstline/core';

/** One route of the bundled handler: alarms matching every criterion given run `playbook` with `inputs`. */
export interface BundleRoute {
  /** The playbook's name (its file is `playbooks/<name>.yaml` beside the bundle). */
  playbook: string;
  /** The alarm's name, a glob where `*` matches any run of characters. */
  alarm?: string;
  /** The alarm's metric namespace, a glob. */
  namespace?: string;
  /** The alarm's metric name, a glob. */
  metric?: string;
  /** Alertmanager alerts: the labels the alert must carry, each a glob (such a route takes alerts only). */
  labels?: Record<string, string>;
  /** Inputs the deployment fixed for this route's runs. */
  inputs: Record<string, unknown>;
}

/** A secret reference the bundle's environment names: `{ env }`, `{ ssm }` or `{ secretsManager }`. */
export type BundleSecretRef = { env: string } | { ssm: string } | { secretsManager: string };

/** What the bundled handler reads from its environment (FIRSTLINE_* variables). */
export interface BundleConfig {
  /** The DynamoDB table of runs and locks (FIRSTLINE_TABLE). */
  table: string;
  /** The playbooks' names (FIRSTLINE_PLAYBOOKS, else those FIRSTLINE_ROUTES names, else FIRSTLINE_PLAYBOOK). */
  playbooks: string[];
  /** The playbook's YAML file (FIRSTLINE_PLAYBOOK_FILE, one playbook only), else `playbooks/<name>.yaml` beside the bundle. */
  playbookFile?: string;
  /** Where alarms go: FIRSTLINE_ROUTES, or the one route FIRSTLINE_ALARM and FIRSTLINE_INPUTS make. */
  routes: BundleRoute[];
  /** A Secrets Manager secret of environment variables for the notifiers (FIRSTLINE_SECRET). */
  secret?: string;
  /** HTTP routes (a function URL): where their secrets are, as JSON secret references. */
  http?: {
    /** The Slack app's signing secret (FIRSTLINE_SLACK_SIGNING_SECRET_REF): `POST /slack/interactions`. */
    slackSigningSecret?: BundleSecretRef;
    /** Alertmanager's bearer token (FIRSTLINE_ALERTMANAGER_TOKEN_REF): `POST /alertmanager`. */
    alertmanagerToken?: BundleSecretRef;
  };
}

/**
 * Reads the environment; a function deployed without the variables fails its cold start, saying what is
 * missing. Two shapes: one playbook and one alarm (FIRSTLINE_PLAYBOOK, FIRSTLINE_ALARM, FIRSTLINE_INPUTS),
 * or several playbooks and routes (FIRSTLINE_ROUTES, a JSON list, and optionally FIRSTLINE_PLAYBOOKS).
 */
export function readBundleConfig(env: NodeJS.ProcessEnv): BundleConfig {
  const slackRef = readSecretRef(env, 'FIRSTLINE_SLACK_SIGNING_SECRET_REF');
  const tokenRef = readSecretRef(env, 'FIRSTLINE_ALERTMANAGER_TOKEN_REF');
  const common = {
    ...(env.FIRSTLINE_SECRET && { secret: env.FIRSTLINE_SECRET }),
    ...((slackRef || tokenRef) && {
      http: {
        ...(slackRef && { slackSigningSecret: slackRef }),
        ...(tokenRef && { alertmanagerToken: tokenRef }),
      },
    }),
  };
  if (env.FIRSTLINE_ROUTES) {
    if (!env.FIRSTLINE_TABLE)
      throw configError('the Firstline function needs FIRSTLINE_TABLE in its environment');
    const routes = readRoutes(env.FIRSTLINE_ROUTES);
    const playbooks = env.FIRSTLINE_PLAYBOOKS
      ? readNames(env.FIRSTLINE_PLAYBOOKS)
      : [...new Set(routes.map((r) => r.playbook))];
    const unknown = routes.filter((r) => !playbooks.includes(r.playbook)).map((r) => r.playbook);
    if (unknown.length)
      throw configError(`FIRSTLINE_ROUTES names ${unknown.join(', ')}, not in FIRSTLINE_PLAYBOOKS`);
    if (playbooks.length === 0) throw configError('FIRSTLINE_PLAYBOOKS names no playbook');
    if (env.FIRSTLINE_PLAYBOOK_FILE && playbooks.length > 1)
      throw configError('FIRSTLINE_PLAYBOOK_FILE names one file, but the function has several playbooks');
    return {
      table: env.FIRSTLINE_TABLE,
      playbooks,
      routes,
      ...(env.FIRSTLINE_PLAYBOOK_FILE && { playbookFile: env.FIRSTLINE_PLAYBOOK_FILE }),
      ...common,
    };
  }
  const missing = ['FIRSTLINE_TABLE', 'FIRSTLINE_PLAYBOOK', 'FIRSTLINE_ALARM'].filter((name) => !env[name]);
  if (missing.length)
    throw new Error(
      `the Firstline function needs ${missing.join(', ')} in its environment, or FIRSTLINE_ROUTES (see @firstline/lambda's README, "The bundle")`,
    );
  let inputs: unknown;
  try {
    inputs = JSON.parse(env.FIRSTLINE_INPUTS ?? '{}');
  } catch {
    throw new Error('FIRSTLINE_INPUTS is not JSON: it must be an object of playbook inputs');
  }
  if (!isObject(inputs)) throw new Error('FIRSTLINE_INPUTS must be a JSON object of playbook inputs');
  return {
    table: env.FIRSTLINE_TABLE!,
    playbooks: [env.FIRSTLINE_PLAYBOOK!],
    routes: [{ playbook: env.FIRSTLINE_PLAYBOOK!, alarm: env.FIRSTLINE_ALARM!, inputs }],
    ...(env.FIRSTLINE_PLAYBOOK_FILE && { playbookFile: env.FIRSTLINE_PLAYBOOK_FILE }),
    ...common,
  };
}

const ROUTE_KEYS = new Set(['playbook', 'alarm', 'namespace', 'metric', 'labels', 'inputs']);

/** A JSON secret reference from the environment variable `name`, or undefined when it is unset. */
function readSecretRef(env: NodeJS.ProcessEnv, name: string): BundleSecretRef | undefined {
  const text = env[name];
  if (!text) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw configError(`${name} is not JSON: it must be a secret reference such as {"secretsManager":"name"}`);
  }
  const keys = isObject(data) ? Object.keys(data) : [];
  const key = keys[0];
  if (
    !isObject(data) ||
    keys.length !== 1 ||
    (key !== 'env' && key !== 'ssm' && key !== 'secretsManager') ||
    typeof data[key] !== 'string' ||
    data[key] === ''
  )
    throw configError(`${name} must be one of {"env":NAME}, {"ssm":name}, {"secretsManager":name}`);
  return { [key]: data[key] } as BundleSecretRef;
}

function readRoutes(text: string): BundleRoute[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw configError(
      'FIRSTLINE_ROUTES is not JSON: it must be a list of { playbook, alarm?, namespace?, metric?, inputs? }',
    );
  }
  // Empty is allowed: with FIRSTLINE_PLAYBOOKS naming one playbook, it takes every alarm.
  if (!Array.isArray(data)) throw configError('FIRSTLINE_ROUTES must be a JSON list of routes');
  return data.map((route: unknown, i) => {
    const where = `FIRSTLINE_ROUTES[${i}]`;
    if (!isObject(route) || typeof route.playbook !== 'string' || route.playbook === '')
      throw configError(`${where} must be an object with a playbook name`);
    const extra = Object.keys(route).filter((key) => !ROUTE_KEYS.has(key));
    if (extra.length) throw configError(`${where} has unknown keys: ${extra.join(', ')}`);
    for (const key of ['alarm', 'namespace', 'metric'] as const)
      if (route[key] !== undefined && typeof route[key] !== 'string')
        throw configError(`${where}.${key} must be a string (a glob)`);
    if (route.inputs !== undefined && !isObject(route.inputs))
      throw configError(`${where}.inputs must be an object of playbook inputs`);
    const labels = route.labels;
    if (
      labels !== undefined &&
      (!isObject(labels) || !Object.values(labels).every((v) => typeof v === 'string'))
    )
      throw configError(`${where}.labels must be an object of label names to globs`);
    if (labels !== undefined && (route.alarm ?? route.namespace ?? route.metric) !== undefined)
      throw configError(`${where} has labels and alarm criteria: a route takes alerts or alarms, not both`);
    return {
      playbook: route.playbook,
      ...(typeof route.alarm === 'string' && { alarm: route.alarm }),
      ...(typeof route.namespace === 'string' && { namespace: route.namespace }),
      ...(typeof route.metric === 'string' && { metric: route.metric }),
      ...(labels !== undefined && { labels: labels as Record<string, string> }),
      inputs: isObject(route.inputs) ? route.inputs : {},
    };
  });
}

function readNames(text: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw configError('FIRSTLINE_PLAYBOOKS is not JSON: it must be a list of playbook names');
  }
  if (!Array.isArray(data) || !data.every((name) => typeof name === 'string' && name !== ''))
    throw configError('FIRSTLINE_PLAYBOOKS must be a JSON list of playbook names');
  return [...new Set(data as string[])];
}

function configError(message: string): FirstlineError {
  return new FirstlineError('E_HANDLER_CONFIG', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

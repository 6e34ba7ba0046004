import { coreActions } from '@firstline/core';
import type { AnyActionDefinition } from '@firstline/core';
import type { RunHost } from './commands/run.js';
import type { FirstlineConfig } from './config/defineConfig.js';
import { UsageError } from './context.js';

/** The actions and host services of the installed Firstline packages, as the CLI uses them. */
export interface Installed {
  /** Every AWS, network and notifier action (core's built-ins are always added by core). */
  actions: AnyActionDefinition[];
  /** Secret resolvers for `ssm:` and `secretsManager:` references. */
  host: RunHost;
}

/**
 * Loads the action packages. Configuration comes from the environment the way their own SDKs read
 * it (AWS region, credentials and AWS_ENDPOINT_URL from the standard chain; SLACK_TOKEN,
 * OPSGENIE_API_KEY, OPSGENIE_REGION, GITHUB_TOKEN as the notifiers' defaults, and their API hosts from
 * FIRSTLINE_SLACK_API_URL, FIRSTLINE_OPSGENIE_API_URL and GITHUB_API_URL, below a step's own
 * `baseUrl`); clients are created on first use, so a `validate` or `simulate` never touches the network.
 */
export async function installedActions(
  env: Record<string, string | undefined>,
  /** The project config's endpoints and region; each wins over its environment variable. */
  config: Pick<FirstlineConfig, 'endpoints' | 'region'> = {},
): Promise<Installed> {
  const { aws, net, notifiers } = await import('./actionPackages.js');
  const endpoints = config.endpoints ?? {};
  const region = config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const awsOptions = { ...(region && { region }), ...(endpoints.aws && { endpoint: endpoints.aws }) };
  return {
    actions: [
      ...aws.awsActions(awsOptions),
      ...net.netActions(),
      // Default credentials for steps that give none, from the conventional variables; a step's own
      // `token:`/`apiKey:` (from `secrets:`) wins. The notifiers scrub these from every error they raise.
      ...notifiers.notifiers({
        slack: definedOnly({
          token: env.SLACK_TOKEN,
          baseUrl: configured('slack') ?? endpoint(env, 'FIRSTLINE_SLACK_API_URL'),
        }),
        opsgenie: {
          ...definedOnly({
            apiKey: env.OPSGENIE_API_KEY,
            baseUrl: configured('opsgenie') ?? endpoint(env, 'FIRSTLINE_OPSGENIE_API_URL'),
          }),
          ...(env.OPSGENIE_REGION === 'eu' && { region: 'eu' as const }),
        },
        github: definedOnly({
          token: env.GITHUB_TOKEN,
          baseUrl: configured('github') ?? endpoint(env, 'GITHUB_API_URL'),
        }),
      }),
    ],
    host: { secrets: aws.awsSecretResolvers(awsOptions) },
  };

  /** A notifier host from the project config, refused like the variables' when it is not secure. */
  function configured(notifier: 'slack' | 'opsgenie' | 'github'): string | undefined {
    return secureUrl(`endpoints.${notifier} in the project config`, endpoints[notifier]);
  }

  /** An API host from the environment: HTTPS, or plain HTTP to loopback only (tokens never go out in clear). */
  function endpoint(vars: typeof env, name: string): string | undefined {
    return secureUrl(name, vars[name]);
  }

  /** `url` when it is safe to send a token to; a usage error (exit 2) naming `name` when not. */
  function secureUrl(name: string, url: string | undefined): string | undefined {
    if (url === undefined || url === '' || notifiers.isSecureUrl(url)) return url;
    throw new UsageError(
      `${name} must be an https:// URL, or http:// to 127.0.0.1, localhost or [::1]: ${url}`,
      'the notifiers send their tokens to it',
    );
  }
}

/** The object without its undefined values (empty strings count as unset, as in the env resolver). */
function definedOnly<T extends Record<string, string | undefined>>(
  values: T,
): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '')) as Partial<
    Record<keyof T, string>
  >;
}

/**
 * Every installed action (core's built-ins included) as the reference docs show them: nothing read
 * from the environment (no region, account or credentials), so the output is the same on any machine.
 * `docs/reference/actions.md` is `renderActionsMarkdown(await referenceActions())`.
 */
export async function referenceActions(): Promise<AnyActionDefinition[]> {
  // Core's built-ins by name, not `import('@firstline/core')`: a dynamic import of the whole package
  // would make the bundle put every module of core in one chunk that `validate` loads too.
  const { aws, net, notifiers } = await import('./actionPackages.js');
  return [...coreActions, ...aws.awsActions({ env: {} }), ...net.netActions(), ...notifiers.notifiers()];
}

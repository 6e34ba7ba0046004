import { FirstlineError } from '../errors.js';
import { credentialKind } from '../format/credentials.js';
import type { SecretRef } from '../format/playbook.generated.js';
import { formatPath } from '../load/sourceMap.js';
import { createRedactor } from './redact.js';
import { MIN_SECRET_LENGTH } from './redactForms.js';

/** Reads one secret reference; resolves to its value, or undefined when there is no such secret. */
export type SecretResolver = (
  ref: SecretRef,
  context: { name: string; signal?: AbortSignal },
) => Promise<string | undefined>;

/** Resolvers by reference kind; `env` is built in, the AWS kinds come from `@firstline/actions-aws`. */
export interface SecretResolvers {
  env?: SecretResolver;
  ssm?: SecretResolver;
  secretsManager?: SecretResolver;
}

type SecretKind = keyof SecretResolvers;

const PROVIDERS: Record<SecretKind, string> = {
  env: 'envSecretResolver',
  ssm: 'ssmSecretResolver',
  secretsManager: 'secretsManagerSecretResolver',
};

/** Resolves `{ env: NAME }` references from `env` (default: `process.env` when called); empty counts as unset. */
export function envSecretResolver(env?: Record<string, string | undefined>): SecretResolver {
  return (ref) => {
    if (!('env' in ref)) return Promise.resolve(undefined);
    const value = (env ?? process.env)[ref.env];
    return Promise.resolve(value === '' ? undefined : value);
  };
}

type Resolution = { name: string; value: string } | { name: string; problem: string; thrown?: boolean };

/**
 * Resolves a playbook's `secrets:` concurrently. Throws one `E_SECRET_UNRESOLVED` error naming every
 * secret that could not be resolved and why, then one `E_SECRET_TOO_SHORT` naming every value shorter
 * than 6 characters (too short to redact without shredding ordinary text); no value ever appears in either.
 */
export async function resolveSecrets(
  specs: Record<string, SecretRef> | undefined,
  options: { resolvers?: SecretResolvers; signal?: AbortSignal },
): Promise<Record<string, string>> {
  const { signal } = options;
  const resolvers: SecretResolvers = { env: envSecretResolver(), ...definedOnly(options.resolvers) };
  signal?.throwIfAborted();
  const results = await Promise.all(
    Object.entries(specs ?? {}).map(([name, ref]) => resolveOne(name, ref, resolvers, signal)),
  );
  // A cancelled run is a cancellation, not a list of secrets that failed because of it.
  signal?.throwIfAborted();

  const values = results.flatMap((r) => ('value' in r ? [r.value] : []));
  const problems = results.flatMap((r) =>
    'problem' in r
      ? [`${formatPath(['secrets', r.name])}: ${r.thrown ? redact(r.problem, values) : r.problem}`]
      : [],
  );
  if (problems.length) {
    const count = problems.length === 1 ? 'a secret' : `${problems.length} secrets`;
    // No `cause`: the resolvers' own errors are unredacted and would be printed with this one.
    throw new FirstlineError('E_SECRET_UNRESOLVED', `${count} could not be resolved: ${problems.join('; ')}`);
  }
  const short = results.flatMap((r) =>
    'value' in r && r.value.length < MIN_SECRET_LENGTH
      ? [
          `${formatPath(['secrets', r.name])} is ${r.value.length === 1 ? '1 character' : `${r.value.length} characters`}`,
        ]
      : [],
  );
  if (short.length)
    throw new FirstlineError(
      'E_SECRET_TOO_SHORT',
      `${short.join('; ')}: a secret needs at least ${MIN_SECRET_LENGTH} characters, or redaction could not tell it from ordinary text`,
    );
  return Object.fromEntries(results.flatMap((r) => ('value' in r ? [[r.name, r.value] as const] : [])));
}

async function resolveOne(
  name: string,
  ref: SecretRef,
  resolvers: SecretResolvers,
  signal: AbortSignal | undefined,
): Promise<Resolution> {
  const kind = kindOf(ref);
  if (!kind)
    return {
      name,
      problem: 'not a secret reference; write { env: NAME }, { ssm: name } or { secretsManager: name }',
    };
  const resolver = resolvers[kind];
  if (!resolver)
    return {
      name,
      problem: `no resolver for ${kind} references; pass one (the AWS actions package provides ${PROVIDERS[kind]})`,
    };
  let value: unknown;
  try {
    value = await resolver(ref, { name, signal });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name, problem: `reading ${describeRef(ref)} failed: ${message}`, thrown: true };
  }
  // An empty secret is useless to an action and would make redaction replace nothing with everything.
  if (value === undefined || value === null || value === '') return { name, problem: notFound(ref) };
  if (typeof value !== 'string')
    return { name, problem: `the ${kind} resolver returned ${typeName(value)} instead of a string` };
  return { name, value };
}

function kindOf(ref: unknown): SecretKind | undefined {
  if (typeof ref !== 'object' || ref === null) return undefined;
  if (typeof (ref as { env?: unknown }).env === 'string') return 'env';
  if (typeof (ref as { ssm?: unknown }).ssm === 'string') return 'ssm';
  if (typeof (ref as { secretsManager?: unknown }).secretsManager === 'string') return 'secretsManager';
  return undefined;
}

function describeRef(ref: SecretRef): string {
  if ('env' in ref) return `environment variable ${ref.env}`;
  const region = ref.region ? ` in ${ref.region}` : '';
  if ('ssm' in ref) return `SSM parameter ${ref.ssm}${region}`;
  const key = ref.key ? ` (key ${ref.key})` : '';
  return `Secrets Manager secret ${ref.secretsManager}${key}${region}`;
}

function notFound(ref: SecretRef): string {
  if ('env' in ref) return `environment variable ${ref.env} is not set (or is empty)`;
  return `${describeRef(ref)} was not found or is empty`;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? `an ${type}` : `a ${type}`;
}

/**
 * Hides resolved secret values, in every form the run's redactor knows, in a resolver's error message.
 * A message still holding something credential-shaped is withheld.
 */
function redact(message: string, values: string[]): string {
  const out = createRedactor(values).string(message);
  const kind = credentialKind(out);
  return kind ? `(message withheld: it contains what looks like ${kind})` : out;
}

function definedOnly(resolvers: SecretResolvers | undefined): SecretResolvers {
  // `{ env: undefined }` must not switch the built-in env resolver off.
  return Object.fromEntries(Object.entries(resolvers ?? {}).filter(([, r]) => r !== undefined));
}

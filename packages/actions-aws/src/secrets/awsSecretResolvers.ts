import type { SecretResolver, SecretResolvers } from '@firstline/core';
import { createAwsClients } from '../clients/createAwsClients.js';
import type { AwsClients, AwsOptions } from '../clients/createAwsClients.js';
import { classifyAwsError } from '../clients/toActionError.js';
import { secretsManagerSdk, ssmSdk } from '../clients/sdk.js';

// Secret values never appear in an error thrown here: messages name the reference, AWS's error
// code and, for a JSON secret, its key names; parse errors are not passed on (Node quotes the text).

/** Options of the AWS secret resolvers: the same as awsActions(), or the clients of an awsActions() call. */
export type AwsSecretResolverOptions = AwsOptions | AwsClients;

/** Resolves `{ ssm: name, region? }` from Parameter Store (SecureString decrypted); ParameterNotFound → undefined. */
export function ssmSecretResolver(options?: AwsSecretResolverOptions): SecretResolver {
  const aws = clientsOf(options);
  return async (ref, { signal }) => {
    if (!('ssm' in ref)) return undefined;
    const region = regionFor(aws, ref.region, `SSM parameter ${ref.ssm}`);
    try {
      const ssm = await aws.ssm(region);
      const { GetParameterCommand } = await ssmSdk();
      const out = await ssm.send(new GetParameterCommand({ Name: ref.ssm, WithDecryption: true }), {
        abortSignal: signal,
      });
      return out.Parameter?.Value;
    } catch (error) {
      const failure = classifyAwsError(error);
      if (failure.code === 'ParameterNotFound' || failure.code === 'ParameterVersionNotFound')
        return undefined;
      throw new Error(`ssm:GetParameter ${ref.ssm} in ${region} failed: ${failure.code}: ${failure.message}`);
    }
  };
}

/**
 * Resolves `{ secretsManager: id, key?, region? }` from Secrets Manager: the SecretString, or with
 * `key` one field of a JSON secret. An unknown secret resolves to undefined; a missing key throws.
 */
export function secretsManagerSecretResolver(options?: AwsSecretResolverOptions): SecretResolver {
  const aws = clientsOf(options);
  return async (ref, { signal }) => {
    if (!('secretsManager' in ref)) return undefined;
    const id = ref.secretsManager;
    const region = regionFor(aws, ref.region, `Secrets Manager secret ${id}`);
    let text: string | undefined;
    try {
      const secretsManager = await aws.secretsManager(region);
      const { GetSecretValueCommand } = await secretsManagerSdk();
      const out = await secretsManager.send(new GetSecretValueCommand({ SecretId: id }), {
        abortSignal: signal,
      });
      if (out.SecretString === undefined && out.SecretBinary !== undefined)
        throw new Error(
          `Secrets Manager secret ${id} is binary; only SecretString secrets can be referenced`,
        );
      text = out.SecretString;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('Secrets Manager secret')) throw error;
      const failure = classifyAwsError(error);
      if (failure.code === 'ResourceNotFoundException') return undefined;
      throw new Error(
        `secretsmanager:GetSecretValue ${id} in ${region} failed: ${failure.code}: ${failure.message}`,
      );
    }
    if (text === undefined || ref.key === undefined) return text;
    return pickKey(text, id, ref.key);
  };
}

/** Both AWS resolvers sharing one client cache, for `runPlaybook(doc, { secrets: awsSecretResolvers() })`. */
export function awsSecretResolvers(
  options?: AwsSecretResolverOptions,
): Required<Pick<SecretResolvers, 'ssm' | 'secretsManager'>> {
  const aws = clientsOf(options);
  return { ssm: ssmSecretResolver(aws), secretsManager: secretsManagerSecretResolver(aws) };
}

function pickKey(text: string, id: string, key: string): string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`Secrets Manager secret ${id} is not JSON, so key "${key}" cannot be read from it`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new Error(
      `Secrets Manager secret ${id} is not a JSON object, so key "${key}" cannot be read from it`,
    );
  const record = data as Record<string, unknown>;
  if (!Object.hasOwn(record, key)) {
    const keys = Object.keys(record).sort();
    throw new Error(
      `Secrets Manager secret ${id} has no key "${key}" (its keys: ${keys.length ? keys.join(', ') : 'none'})`,
    );
  }
  const value = record[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(
    `key "${key}" of Secrets Manager secret ${id} holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object'}, not a string`,
  );
}

function clientsOf(options: AwsSecretResolverOptions | undefined): AwsClients {
  return options && 'requireRegion' in options ? options : createAwsClients(options);
}

function regionFor(aws: AwsClients, explicit: string | undefined, what: string): string {
  const region = aws.regionOf(explicit);
  if (!region)
    throw new Error(
      `no AWS region for ${what}: add region to the reference, pass { region }, or set AWS_REGION`,
    );
  return region;
}

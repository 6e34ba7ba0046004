import { afterEach, describe, expect, it } from 'vitest';
import { isFirstlineError } from '../errors.js';
import type { FirstlineError } from '../errors.js';
import type { SecretRef } from '../format/playbook.generated.js';
import { envSecretResolver, resolveSecrets } from './secrets.js';
import type { SecretResolver } from './secrets.js';

async function failure(promise: Promise<unknown>): Promise<FirstlineError> {
  try {
    await promise;
  } catch (error) {
    expect(isFirstlineError(error)).toBe(true);
    expect((error as FirstlineError).code).toBe('E_SECRET_UNRESOLVED');
    return error as FirstlineError;
  }
  throw new Error('expected E_SECRET_UNRESOLVED');
}

describe('envSecretResolver', () => {
  const envName = 'FIRSTLINE_TEST_SECRET_ENV';
  afterEach(() => {
    delete process.env[envName];
  });

  it('reads the given environment, treating empty as unset', async () => {
    const resolve = envSecretResolver({ A: 'fake-token-a', EMPTY: '' });
    await expect(resolve({ env: 'A' }, { name: 'a' })).resolves.toBe('fake-token-a');
    await expect(resolve({ env: 'EMPTY' }, { name: 'e' })).resolves.toBeUndefined();
    await expect(resolve({ env: 'NONE' }, { name: 'n' })).resolves.toBeUndefined();
    await expect(resolve({ ssm: '/a' }, { name: 'a' })).resolves.toBeUndefined();
  });

  it('reads process.env when called, not when created', async () => {
    const resolve = envSecretResolver();
    process.env[envName] = 'fake-late-value';
    await expect(resolve({ env: envName }, { name: 'x' })).resolves.toBe('fake-late-value');
  });
});

describe('resolveSecrets', () => {
  const env = { SLACK_TOKEN: 'fake-token-123', EMPTY: '' };
  const envOnly = { env: envSecretResolver(env) };

  it('resolves nothing when there are no secrets', async () => {
    await expect(resolveSecrets(undefined, {})).resolves.toEqual({});
    await expect(resolveSecrets({}, {})).resolves.toEqual({});
  });

  it('resolves env references', async () => {
    await expect(
      resolveSecrets({ slackToken: { env: 'SLACK_TOKEN' } }, { resolvers: envOnly }),
    ).resolves.toEqual({ slackToken: 'fake-token-123' });
  });

  it('uses the built-in env resolver when none is given', async () => {
    const name = 'FIRSTLINE_TEST_BUILTIN_ENV';
    process.env[name] = 'fake-builtin-value';
    try {
      await expect(resolveSecrets({ s: { env: name } }, { resolvers: { env: undefined } })).resolves.toEqual({
        s: 'fake-builtin-value',
      });
    } finally {
      delete process.env[name];
    }
  });

  it('names a missing or empty environment variable', async () => {
    const missing = await failure(
      resolveSecrets({ slackToken: { env: 'NOT_THERE' } }, { resolvers: envOnly }),
    );
    expect(missing.message).toBe(
      'a secret could not be resolved: secrets.slackToken: environment variable NOT_THERE is not set (or is empty)',
    );
    const empty = await failure(resolveSecrets({ blank: { env: 'EMPTY' } }, { resolvers: envOnly }));
    expect(empty.message).toContain('secrets.blank: environment variable EMPTY is not set');
  });

  it('uses custom resolvers for ssm and Secrets Manager, passing the name and signal', async () => {
    const seen: unknown[] = [];
    const ssm: SecretResolver = async (ref, context) => {
      await Promise.resolve();
      seen.push([ref, context.name, context.signal]);
      return 'ssm' in ref ? `fake-ssm-${ref.ssm}` : undefined;
    };
    const secretsManager: SecretResolver = async (ref) => {
      await Promise.resolve();
      return 'secretsManager' in ref ? `fake-sm-${ref.secretsManager}-${ref.key ?? ''}` : undefined;
    };
    const signal = new AbortController().signal;
    const specs: Record<string, SecretRef> = {
      db: { ssm: '/prod/db', region: 'eu-west-1' },
      api: { secretsManager: 'prod/api', key: 'token' },
      slack: { env: 'SLACK_TOKEN' },
    };
    await expect(
      resolveSecrets(specs, { resolvers: { ...envOnly, ssm, secretsManager }, signal }),
    ).resolves.toEqual({ db: 'fake-ssm-/prod/db', api: 'fake-sm-prod/api-token', slack: 'fake-token-123' });
    expect(seen).toEqual([[{ ssm: '/prod/db', region: 'eu-west-1' }, 'db', signal]]);
  });

  it('resolves concurrently', async () => {
    const started: string[] = [];
    const release: Array<() => void> = [];
    const slow: SecretResolver = (ref, { name }) => {
      started.push(name);
      return new Promise((resolve) => release.push(() => resolve(`fake-${name}`)));
    };
    const pending = resolveSecrets({ a: { ssm: '/a' }, b: { ssm: '/b' } }, { resolvers: { ssm: slow } });
    await Promise.resolve();
    // Both are in flight before either has finished.
    expect(started).toEqual(['a', 'b']);
    release.forEach((fn) => fn());
    await expect(pending).resolves.toEqual({ a: 'fake-a', b: 'fake-b' });
  });

  it('says which resolver is missing for AWS references', async () => {
    const error = await failure(
      resolveSecrets(
        { db: { ssm: '/prod/db' }, api: { secretsManager: 'prod/api' } },
        { resolvers: envOnly },
      ),
    );
    expect(error.message).toContain(
      'secrets.db: no resolver for ssm references; pass one (the AWS actions package provides ssmSecretResolver)',
    );
    expect(error.message).toContain(
      'secrets.api: no resolver for secretsManager references; pass one (the AWS actions package provides secretsManagerSecretResolver)',
    );
  });

  it('reports not-found, non-string and thrown results of custom resolvers', async () => {
    const ssm: SecretResolver = (ref) => {
      if ('ssm' in ref && ref.ssm === '/gone') return Promise.resolve(undefined);
      if ('ssm' in ref && ref.ssm === '/number') return Promise.resolve(42 as unknown as string);
      return Promise.reject(new Error('AccessDeniedException: not allowed'));
    };
    const error = await failure(
      resolveSecrets(
        {
          gone: { ssm: '/gone' },
          number: { ssm: '/number' },
          denied: { ssm: '/denied', region: 'eu-west-1' },
        },
        { resolvers: { ssm } },
      ),
    );
    expect(error.message).toBe(
      '3 secrets could not be resolved: ' +
        'secrets.gone: SSM parameter /gone was not found or is empty; ' +
        'secrets.number: the ssm resolver returned a number instead of a string; ' +
        'secrets.denied: reading SSM parameter /denied in eu-west-1 failed: AccessDeniedException: not allowed',
    );
    expect(error.cause).toBeUndefined();
  });

  it('lists every failure, of every kind, in one error', async () => {
    const error = await failure(
      resolveSecrets(
        { a: { env: 'NOT_THERE' }, ok: { env: 'SLACK_TOKEN' }, b: { ssm: '/x' }, c: { env: 'EMPTY' } },
        { resolvers: envOnly },
      ),
    );
    expect(error.message.startsWith('3 secrets could not be resolved: ')).toBe(true);
    expect(error.message).toMatch(/secrets\.a: .*; secrets\.b: .*; secrets\.c: /);
    expect(error.message).not.toContain('secrets.ok');
  });

  it('never includes a resolved value in the error, even when a resolver echoes one', async () => {
    const ssm: SecretResolver = () =>
      Promise.reject(new Error('cannot use fake-token-123 or fake-token-1234 as a parameter name'));
    const sm: SecretResolver = () => Promise.resolve('fake-token-1234');
    const error = await failure(
      resolveSecrets(
        { slack: { env: 'SLACK_TOKEN' }, api: { secretsManager: 'prod/api' }, db: { ssm: '/prod/db' } },
        { resolvers: { ...envOnly, ssm, secretsManager: sm } },
      ),
    );
    expect(error.message).not.toContain('fake-token-123');
    expect(error.message).toContain('cannot use [redacted] or [redacted] as a parameter name');
  });

  it('withholds a resolver message that still holds something credential-shaped', async () => {
    const fakeSlack = `xoxb-${'0'.repeat(10)}-fake`;
    const ssm: SecretResolver = () => Promise.reject(new Error(`bad value ${fakeSlack}`));
    const error = await failure(resolveSecrets({ db: { ssm: '/prod/db' } }, { resolvers: { ssm } }));
    expect(error.message).not.toContain(fakeSlack);
    expect(error.message).toContain('message withheld: it contains what looks like a Slack token');
  });

  it('rethrows the abort reason instead of reporting secrets when cancelled', async () => {
    const controller = new AbortController();
    const ssm: SecretResolver = (_ref, { signal }) => {
      controller.abort(new Error('run cancelled'));
      return Promise.reject(signal?.reason as Error);
    };
    await expect(
      resolveSecrets({ db: { ssm: '/prod/db' } }, { resolvers: { ssm }, signal: controller.signal }),
    ).rejects.toThrow('run cancelled');

    const aborted = AbortSignal.abort(new Error('already cancelled'));
    await expect(resolveSecrets({ s: { env: 'SLACK_TOKEN' } }, { signal: aborted })).rejects.toThrow(
      'already cancelled',
    );
  });

  it('rejects something that is not a secret reference', async () => {
    const error = await failure(resolveSecrets({ odd: { vault: 'x' } as unknown as SecretRef }, {}));
    expect(error.message).toContain('secrets.odd: not a secret reference');
  });
});

describe('resolveSecrets: minimum length', () => {
  it('refuses values under 6 characters with E_SECRET_TOO_SHORT, naming them but never their value', async () => {
    const resolvers = { env: envSecretResolver({ PIN: 'x9Q2', ONE: 'Z', OK: 'abcdef' }) };
    const error: unknown = await resolveSecrets(
      { pin: { env: 'PIN' }, one: { env: 'ONE' }, ok: { env: 'OK' } },
      { resolvers },
    ).catch((e: unknown) => e);
    expect(isFirstlineError(error)).toBe(true);
    expect((error as FirstlineError).code).toBe('E_SECRET_TOO_SHORT');
    const message = (error as Error).message;
    expect(message).toContain('secrets.pin is 4 characters; secrets.one is 1 character');
    expect(message).toContain('at least 6 characters');
    expect(message).not.toContain('x9Q2');
    expect(message).not.toContain('secrets.ok');
  });

  it('accepts a value of exactly 6 characters', async () => {
    const resolvers = { env: envSecretResolver({ OK: 'abcdef' }) };
    await expect(resolveSecrets({ ok: { env: 'OK' } }, { resolvers })).resolves.toEqual({ ok: 'abcdef' });
  });
});

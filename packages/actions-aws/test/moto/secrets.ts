import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { defineAction, runPlaybook } from '@firstline/core';
import type { ActionDefinition } from '@firstline/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { awsSecretResolvers, secretsManagerSecretResolver, ssmSecretResolver } from '../../src/index.js';
import { motoOptions, sdkConfig } from '../support.js';

// The ssm: and secretsManager: secret resolvers against a real moto_server, alone and through a run.

const SSH_KEY = 'fake-ssh-private-key-123';
const API_KEY = 'fake-opsgenie-key-456';

/** The ssm: and secretsManager: secret resolvers against moto, alone and through a run. */
export function secretsSuite(url: string): void {
  describe('AWS secret resolvers against moto', () => {
    const ssm = new SSMClient(sdkConfig(url));
    const secretsManager = new SecretsManagerClient(sdkConfig(url));
    const resolvers = awsSecretResolvers(motoOptions(url));
    const context = { name: 'test' };

    beforeEach(async () => {
      await ssm.send(
        new PutParameterCommand({ Name: '/firstline/ssh/private-key', Value: SSH_KEY, Type: 'SecureString' }),
      );
      await secretsManager.send(
        new CreateSecretCommand({
          Name: 'firstline/opsgenie',
          SecretString: JSON.stringify({ apiKey: API_KEY, region: 'eu', retries: 3, nested: { a: 1 } }),
        }),
      );
      await secretsManager.send(
        new CreateSecretCommand({ Name: 'firstline/plain', SecretString: 'fake-plain-789' }),
      );
    }, 20_000);
    afterAll(() => {
      ssm.destroy();
      secretsManager.destroy();
    });

    it('ssm: decrypts a SecureString; an unknown parameter is undefined', async () => {
      await expect(resolvers.ssm({ ssm: '/firstline/ssh/private-key' }, context)).resolves.toBe(SSH_KEY);
      await expect(resolvers.ssm({ ssm: '/firstline/nope' }, context)).resolves.toBeUndefined();
      // Not an ssm reference: not this resolver's business.
      await expect(resolvers.ssm({ env: 'HOME' }, context)).resolves.toBeUndefined();
    });

    it('ssm: a reference in another region reads that region', async () => {
      const resolve = ssmSecretResolver(motoOptions(url));
      await expect(
        resolve({ ssm: '/firstline/ssh/private-key', region: 'eu-west-1' }, context),
      ).resolves.toBeUndefined();
    });

    it('secretsManager: the whole SecretString, or one key of a JSON secret', async () => {
      await expect(resolvers.secretsManager({ secretsManager: 'firstline/plain' }, context)).resolves.toBe(
        'fake-plain-789',
      );
      await expect(
        resolvers.secretsManager({ secretsManager: 'firstline/opsgenie', key: 'apiKey' }, context),
      ).resolves.toBe(API_KEY);
      await expect(
        resolvers.secretsManager({ secretsManager: 'firstline/opsgenie', key: 'retries' }, context),
      ).resolves.toBe('3');
      await expect(
        resolvers.secretsManager({ secretsManager: 'firstline/missing' }, context),
      ).resolves.toBeUndefined();
    });

    it('secretsManager: a missing key, a non-JSON secret or an object value throw without the value', async () => {
      const resolve = secretsManagerSecretResolver(motoOptions(url));
      const missing = await resolve({ secretsManager: 'firstline/opsgenie', key: 'apikey' }, context).catch(
        (e: unknown) => e as Error,
      );
      expect(missing).toBeInstanceOf(Error);
      expect((missing as Error).message).toBe(
        'Secrets Manager secret firstline/opsgenie has no key "apikey" (its keys: apiKey, nested, region, retries)',
      );
      expect((missing as Error).message).not.toContain(API_KEY);

      const plain = await resolve({ secretsManager: 'firstline/plain', key: 'apiKey' }, context).catch(
        (e: unknown) => e as Error,
      );
      expect((plain as Error).message).toBe(
        'Secrets Manager secret firstline/plain is not JSON, so key "apiKey" cannot be read from it',
      );
      expect((plain as Error).message).not.toContain('fake-plain-789');

      const nested = await resolve({ secretsManager: 'firstline/opsgenie', key: 'nested' }, context).catch(
        (e: unknown) => e as Error,
      );
      expect((nested as Error).message).toBe(
        'key "nested" of Secrets Manager secret firstline/opsgenie holds an object, not a string',
      );
    });

    it('through runPlaybook: resolved values reach the action and are redacted from the trace', async () => {
      const seen: unknown[] = [];
      const use = defineAction<unknown, { echoed: unknown }>({
        id: 'test.secret.use',
        kind: 'probe',
        description: 'Echoes its input.',
        input: { type: 'object' },
        run: (input) => {
          seen.push(input);
          return Promise.resolve({ echoed: input });
        },
      }) as ActionDefinition;
      const playbook = {
        firstline: 1,
        name: 'secrets',
        secrets: {
          sshKey: { ssm: '/firstline/ssh/private-key' },
          opsgenieKey: { secretsManager: 'firstline/opsgenie', key: 'apiKey' },
        },
        steps: [
          {
            id: 'use',
            action: 'test.secret.use',
            with: { key: '{{ secrets.sshKey }}', api: '{{ secrets.opsgenieKey }}' },
          },
        ],
      };
      const result = await runPlaybook(playbook, { actions: [use], secrets: resolvers });
      expect(seen).toEqual([{ key: SSH_KEY, api: API_KEY }]);
      const trace = JSON.stringify(result.trace) + JSON.stringify(result.output);
      expect(trace).not.toContain(SSH_KEY);
      expect(trace).not.toContain(API_KEY);

      // A missing secret stops the run before anything runs, naming it and the resolver's reason.
      const broken = {
        ...playbook,
        secrets: {
          sshKey: { ssm: '/firstline/gone' },
          opsgenieKey: { secretsManager: 'firstline/opsgenie', key: 'nope' },
        },
      };
      const failure = await runPlaybook(broken, { actions: [use], secrets: resolvers }).catch(
        (e: unknown) => e as Error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toContain('has no key "nope"');
      expect((failure as Error).message).toContain('SSM parameter /firstline/gone was not found');
      expect((failure as Error).message).not.toContain(API_KEY);
    });
  });
}

// Shared helpers for the integration tests: the moto endpoint, moto resets, client
// options with dummy credentials, a recording notify action, and small playbooks run through the engine.
import { defineAction, runPlaybook } from '@firstline/core';
import type { ActionDefinition, RunOptions, RunResult } from '@firstline/core';
import { inject } from 'vitest';
import type { AwsOptions } from '../src/index.js';

/** The region every moto test uses. */
export const REGION = 'us-east-1';

/** Obviously fake credentials: moto needs signed requests, not real keys. */
export const FAKE_CREDENTIALS = { accessKeyId: 'fake-access-key', secretAccessKey: 'fake-secret-key' };

/** The moto endpoint, or undefined when moto_server is not installed (the integration suite then skips). */
export function motoEndpoint(): string | undefined {
  const endpoint = inject('motoEndpoint');
  if (!endpoint)
    console.warn('!! moto_server missing: SKIPPING the AWS integration tests (see the banner above)');
  return endpoint || undefined;
}

/** Wipes every resource in the moto server, so each test starts from an empty account. */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
}

/** Factory options for moto: its endpoint, dummy credentials, and one attempt (moto answers unknown operations with a 500). */
export function motoOptions(endpoint: string, extra: AwsOptions = {}): AwsOptions {
  return { region: REGION, endpoint, credentials: FAKE_CREDENTIALS, maxAttempts: 1, ...extra };
}

/** Client config for setting up moto state directly with the SDK. */
export function sdkConfig(endpoint: string) {
  return { region: REGION, endpoint, credentials: FAKE_CREDENTIALS, maxAttempts: 1 };
}

/** A notify action that records each input it receives (the stand-in for Slack in end-to-end runs). */
export function recordingNotify(id = 'test.notify.record'): {
  action: ActionDefinition;
  received: unknown[];
} {
  const received: unknown[] = [];
  const action = defineAction<unknown, { delivered: true }>({
    id,
    kind: 'notify',
    description: 'Records what it would have sent.',
    input: { type: 'object' },
    run: (input) => {
      received.push(input);
      return Promise.resolve({ delivered: true });
    },
  });
  return { action, received };
}

/** Runs a one-step playbook with `action` and `with`, live, through the engine. */
export function runStep(
  actions: ActionDefinition[],
  action: string,
  withInput: Record<string, unknown>,
  options: Omit<RunOptions, 'actions'> & { expect?: string; timeout?: string } = {},
): Promise<RunResult> {
  const { expect, timeout, ...rest } = options;
  return runPlaybook(
    {
      firstline: 1,
      name: 'one-step',
      steps: [
        {
          id: 'step',
          action,
          with: withInput,
          ...(expect && { expect }),
          ...(timeout && { timeout }),
        },
      ],
    },
    { actions, ...rest },
  );
}

import { defineAction } from '@firstline/core';
import type { ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { latencyMs } from '../shared/schemas.js';
import { sshConnection } from './sshSchema.js';
import { sshConnect } from './sshConnect.js';
import type { SshConnectionInput, SshOptions } from './sshConnect.js';

const sshCheckInput = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'user'],
  properties: sshConnection,
} as const satisfies JSONSchema;

const sshCheckOutput = {
  examples: [
    {
      latencyMs: 184.2,
      hostKeyFingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
      hostKeyType: 'ssh-ed25519',
      serverVersion: 'SSH-2.0-OpenSSH_9.6',
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['latencyMs'],
  properties: {
    latencyMs: {
      ...latencyMs,
      description: 'Until logged in: connect, key exchange and authentication.',
    },
    hostKeyFingerprint: { type: 'string' },
    hostKeyType: { type: 'string' },
    serverVersion: { type: 'string' },
  },
} as const satisfies JSONSchema;

/** Output of `ssh.check`. */
export type SshCheckOutput = FromSchema<typeof sshCheckOutput>;

/** Builds `ssh.check`: logs in over SSH (host key verified) and disconnects. */
export function createSshCheck(
  options: SshOptions = {},
): ActionDefinition<SshConnectionInput, SshCheckOutput> {
  return defineAction({
    id: 'ssh.check',
    kind: 'probe',
    description:
      'Connects and authenticates over SSH, verifying the host key; passes when the login succeeds.',
    idempotent: true,
    input: sshCheckInput,
    output: sshCheckOutput,
    async run(input, ctx) {
      const session = await sshConnect('ssh.check', input, ctx, options);
      session.client.end();
      return {
        latencyMs: session.latencyMs,
        hostKeyFingerprint: session.hostKeyFingerprint,
        hostKeyType: session.hostKeyType,
        ...(session.serverVersion !== undefined && { serverVersion: session.serverVersion }),
      };
    },
  });
}

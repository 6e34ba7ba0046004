import type { FromSchema, JSONSchema } from '@firstline/core';
import { duration, port } from '../shared/schemas.js';

/**
 * How every SSH action connects. The host key is verified by default, against a known_hosts file
 * or a pinned fingerprint; accepting an unknown key takes an explicit `insecureHostKey: true`.
 */
export const sshConnection = {
  host: { type: 'string', minLength: 1 },
  port: { ...port, default: 22 },
  user: { type: 'string', minLength: 1 },
  privateKey: { type: 'string', minLength: 1, description: 'PEM or OpenSSH private key, from secrets:.' },
  passphrase: { type: 'string', description: "The private key's passphrase, from secrets:." },
  hostKey: {
    type: 'string',
    pattern: '^SHA256:[A-Za-z0-9+/]{43}=?$',
    description: "The server's pinned host key fingerprint, as ssh-keygen -lf prints it.",
  },
  knownHosts: {
    type: 'string',
    minLength: 1,
    description: 'A known_hosts file (default ~/.ssh/known_hosts).',
  },
  insecureHostKey: { type: 'boolean', default: false, description: 'Accept any host key: for labs only.' },
  connectTimeout: { ...duration, description: 'Until logged in (default 10s).' },
} as const satisfies Record<string, JSONSchema>;

/** The connection inputs as one object schema: what {@link SshConnectionInput} is read from. */
export const sshConnectionInput = {
  type: 'object',
  required: ['host', 'user'],
  properties: sshConnection,
} as const satisfies JSONSchema;

/** How every SSH action connects: the inputs shared by `ssh.check` and `ssh.exec`. */
export type SshConnectionInput = FromSchema<typeof sshConnectionInput>;

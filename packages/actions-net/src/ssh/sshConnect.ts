import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Client, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import { ActionError } from '@firstline/core';
import type { ActionContext } from '@firstline/core';
import { errorCode, networkFailure, verdict } from '../shared/failure.js';
import { durationMs, stopwatch } from '../shared/time.js';
import {
  algorithmsFor,
  entriesFor,
  fingerprintOf,
  keyTypeOf,
  knownHostName,
  parseKnownHosts,
} from './hostKeys.js';
import type { KnownHostEntry } from './hostKeys.js';
import type { SshConnectionInput } from './sshSchema.js';

/** How every SSH action connects (see sshSchema.ts, where it is declared once). */
export type { SshConnectionInput } from './sshSchema.js';

/** Settings of the SSH actions that do not belong in a playbook. */
export interface SshOptions {
  /** known_hosts used when the input names none (default ~/.ssh/known_hosts). */
  knownHosts?: string;
}

/** A logged-in connection and what was learnt on the way. */
export interface SshSession {
  client: Client;
  hostKeyFingerprint: string;
  hostKeyType: string;
  serverVersion?: string;
  latencyMs: number;
}

/** `user@host:port`, the way messages and plans name a login. */
export function loginName(input: SshConnectionInput): string {
  return `${input.user}@${input.host}:${input.port ?? 22}`;
}

type Verdict = { ok: true } | { ok: false; message: string };

/**
 * Connects and authenticates, verifying the host key first: against the pinned `hostKey`, else the
 * known_hosts file; any key only with `insecureHostKey: true`. A refused key is never retryable.
 */
export async function sshConnect(
  actionId: string,
  input: SshConnectionInput,
  ctx: ActionContext,
  options: SshOptions,
): Promise<SshSession> {
  const port = input.port ?? 22;
  const login = loginName(input);
  const policy = await hostKeyPolicy(actionId, input, port, options);
  // ssh2 is imported on the first connection (before the stopwatch starts), so loading the actions to read a playbook does not load it.
  const ssh2 = await import('ssh2');
  // A bundle split into chunks (the CLI's) may hand back the CommonJS exports as `default` only.
  const SshClient = ssh2.Client ?? (ssh2 as unknown as { default: typeof ssh2 }).default.Client;
  const elapsed = stopwatch();
  let seen: { fingerprint: string; type: string } | undefined;
  let verdict: Verdict | undefined;
  const client = new SshClient();
  const config: ConnectConfig = {
    host: input.host,
    port,
    username: input.user,
    readyTimeout: durationMs(input.connectTimeout, 10_000),
    hostVerifier: (key: Buffer) => {
      seen = { fingerprint: fingerprintOf(key), type: keyTypeOf(key) };
      verdict = policy.verify(key, seen);
      return verdict.ok;
    },
    ...(policy.algorithms && { algorithms: { serverHostKey: policy.algorithms } }),
  };
  if (input.privateKey !== undefined) config.privateKey = unescapeKey(input.privateKey);
  if (input.passphrase !== undefined) config.passphrase = input.passphrase;
  return new Promise<SshSession>((resolve, reject) => {
    const onAbort = () => {
      client.destroy();
      reject(networkFailure(actionId, login, ctx.signal.reason, ctx.signal));
    };
    if (ctx.signal.aborted) return onAbort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => {
      ctx.signal.removeEventListener('abort', onAbort);
      // ssh2 keeps the server's software version privately; it is only informative, so read it defensively.
      const version = (client as unknown as { _remoteVer?: unknown })._remoteVer;
      resolve({
        client,
        hostKeyFingerprint: seen?.fingerprint ?? 'unknown',
        hostKeyType: seen?.type ?? 'unknown',
        ...(typeof version === 'string' && { serverVersion: version }),
        latencyMs: elapsed(),
      });
    });
    client.once('error', (error: Error & { level?: string }) => {
      ctx.signal.removeEventListener('abort', onAbort);
      client.destroy();
      if (verdict && !verdict.ok) reject(new ActionError(actionId, verdict.message, { retryable: false }));
      else reject(connectFailure(actionId, login, error, ctx.signal));
    });
    try {
      client.connect(config);
    } catch (error) {
      ctx.signal.removeEventListener('abort', onAbort);
      // ssh2 throws here for a key it cannot parse; its message names the problem, never the key.
      const detail = error instanceof Error ? error.message : String(error);
      reject(
        new ActionError(actionId, `${login}: the private key cannot be used: ${detail}`, {
          retryable: false,
        }),
      );
    }
  });
}

interface HostKeyPolicy {
  algorithms?: ServerHostKeyAlgorithm[];
  verify(key: Buffer, seen: { fingerprint: string; type: string }): Verdict;
}

async function hostKeyPolicy(
  actionId: string,
  input: SshConnectionInput,
  port: number,
  options: SshOptions,
): Promise<HostKeyPolicy> {
  const login = loginName(input);
  if (input.insecureHostKey) return { verify: () => ({ ok: true }) };
  if (input.hostKey !== undefined) {
    const pinned = input.hostKey.replace(/=+$/, '');
    return {
      verify: (_key, seen) =>
        seen.fingerprint === pinned
          ? { ok: true }
          : {
              ok: false,
              message: `host key mismatch for ${login}: the server presented ${seen.type} ${seen.fingerprint}, but hostKey pins ${pinned}; not connecting (a man-in-the-middle, or the host was rebuilt)`,
            },
    };
  }
  const path = input.knownHosts ?? options.knownHosts ?? join(homedir(), '.ssh', 'known_hosts');
  let entries: KnownHostEntry[] = [];
  let missing = false;
  try {
    entries = entriesFor(parseKnownHosts(await readFile(path, 'utf8')), input.host, port);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT')
      throw new ActionError(actionId, `cannot read known_hosts ${path} (${errorCode(error) ?? 'error'})`, {
        retryable: false,
      });
    missing = true;
  }
  const trusted = entries.filter((e) => !e.revoked);
  const name = knownHostName(input.host, port);
  const hint = (fingerprint: string) =>
    `add it to ${path} (ssh-keyscan -p ${port} ${input.host}) or pin it with hostKey: ${fingerprint}; insecureHostKey: true accepts any key, for labs only`;
  return {
    // Offer only the key types known_hosts has for this host, as OpenSSH does, or the server may
    // pick another of its keys and look like a mismatch.
    ...(trusted.length > 0 && { algorithms: [...new Set(trusted.flatMap((e) => algorithmsFor(e.keyType)))] }),
    verify: (key, seen) => {
      const same = (e: KnownHostEntry) => e.key.equals(key);
      const revoked = entries.find((e) => e.revoked && same(e));
      if (revoked)
        return {
          ok: false,
          message: `host key of ${login} is revoked (${seen.type} ${seen.fingerprint}, ${path}:${revoked.line}); not connecting`,
        };
      if (trusted.some(same)) return { ok: true };
      if (trusted.length > 0)
        return {
          ok: false,
          message: `host key mismatch for ${login}: the server presented ${seen.type} ${seen.fingerprint}, which is not the key ${path} has for ${name} (line ${trusted.map((e) => e.line).join(', ')}); not connecting (a man-in-the-middle, or the host was rebuilt)`,
        };
      return {
        ok: false,
        message: `unknown host key for ${login}: the server presented ${seen.type} ${seen.fingerprint}, and ${path} ${missing ? 'does not exist' : `has no entry for ${name}`}; ${hint(seen.fingerprint)}`,
      };
    },
  };
}

/**
 * The outcome of a failed login: the host not answering, refusing or breaking off before the SSH
 * handshake is its verdict (`fail`); our key refused, a handshake that cannot agree on algorithms
 * and a name that does not resolve are `error` (as is a host key refused, decided before this).
 */
function connectFailure(
  actionId: string,
  login: string,
  error: Error & { level?: string },
  signal: AbortSignal,
): ActionError {
  switch (error.level) {
    case 'client-authentication':
      return new ActionError(
        actionId,
        `${login}: authentication failed (the server refused the key: ${error.message})`,
        {
          retryable: false,
          kind: 'error',
        },
      );
    case 'client-timeout':
      return verdict(actionId, `${login}: no SSH handshake within the connect timeout (ETIMEDOUT)`, {
        retryable: true,
        kind: 'timeout',
      });
    case 'protocol':
      // Connected, then closed or garbled before the SSH banner: the server is not serving SSH.
      return verdict(actionId, `${login}: SSH protocol failure: ${error.message}`, {
        retryable: true,
        kind: 'network',
      });
    case 'handshake':
      return new ActionError(actionId, `${login}: SSH handshake failure: ${error.message}`, {
        retryable: false,
      });
    case 'client-dns':
      return new ActionError(actionId, `${login}: ${error.message} (ENOTFOUND)`, { retryable: false });
    default:
      return networkFailure(actionId, login, error, signal);
  }
}

// A key kept in an environment variable often has its newlines written as "\n".
function unescapeKey(key: string): string {
  return !key.includes('\n') && key.includes('\\n') ? key.replace(/\\n/g, '\n') : key;
}

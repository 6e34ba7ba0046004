import { createHash, createHmac } from 'node:crypto';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { globMatch } from '@firstline/core';

/** The OpenSSH fingerprint of a host key blob: `SHA256:` and unpadded base64, as `ssh-keygen -lf` prints it. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`…). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return length > 0 && length < 64 && blob.length >= 4 + length
    ? blob.toString('latin1', 4, 4 + length)
    : 'unknown';
}

/** One host key line of a known_hosts file. */
export interface KnownHostEntry {
  /** `@revoked` keys are refused; `@cert-authority` lines are not host keys and are skipped by the parser. */
  revoked: boolean;
  /** The host patterns, comma-separated in the file, or one hashed `|1|salt|hash` entry. */
  patterns: string[];
  keyType: string;
  key: Buffer;
  /** 1-based line number, for messages. */
  line: number;
}

/**
 * Parses a known_hosts file: plain and hashed (`|1|salt|hash`) host entries, `[host]:port` patterns,
 * `*`/`?` wildcards and `!` negation, `@revoked` markers. Comments, blank lines, `@cert-authority`
 * lines and lines that do not parse are skipped (as ssh does).
 */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      const marker = fields.shift();
      if (marker === '@cert-authority') return;
      if (marker !== '@revoked') return;
      revoked = true;
    }
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) return;
    const key = Buffer.from(keyBase64, 'base64');
    if (keyTypeOf(key) !== keyType) return;
    entries.push({ revoked, patterns: hosts.split(','), keyType, key, line: index + 1 });
  });
  return entries;
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}

/** The entries whose patterns match `host` on `port`, negations and hashed names included. */
export function entriesFor(entries: readonly KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const name = knownHostName(host, port);
  return entries.filter((entry) => matches(entry.patterns, name));
}

function matches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('|1|')) {
      if (hashedMatch(pattern, name)) matched = true;
      continue;
    }
    const negated = pattern.startsWith('!');
    const body = (negated ? pattern.slice(1) : pattern).toLowerCase();
    if (!globMatch(body, name, { question: true })) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function hashedMatch(pattern: string, name: string): boolean {
  const [, , salt, hash] = pattern.split('|');
  if (!salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

/** The host key algorithms ssh2 may negotiate for a known_hosts key type (RSA keys sign with SHA-2 too). */
export function algorithmsFor(keyType: string): ServerHostKeyAlgorithm[] {
  return (
    keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType]
  ) as ServerHostKeyAlgorithm[];
}

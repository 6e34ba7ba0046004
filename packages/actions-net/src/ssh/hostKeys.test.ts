import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entriesFor, fingerprintOf, keyTypeOf, knownHostName, parseKnownHosts } from './hostKeys.js';

// A key blob as the SSH wire format lays it out: string type, then the key material.
function blob(type: string, material = randomBytes(32)): Buffer {
  const name = Buffer.from(type);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(name.length);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(material.length);
  return Buffer.concat([header, name, length, material]);
}
const ed = blob('ssh-ed25519');
const rsa = blob('ssh-rsa', randomBytes(64));
const other = blob('ssh-ed25519');
const line = (hosts: string, key: Buffer) => `${hosts} ${keyTypeOf(key)} ${key.toString('base64')}`;
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('parseKnownHosts and entriesFor', () => {
  it('matches plain names, comma lists and [host]:port (port 22 is written without brackets)', () => {
    const entries = parseKnownHosts(
      [line('web-1,10.0.0.5', ed), line('[10.0.0.5]:2222', rsa), '# comment', '', 'garbage line'].join('\n'),
    );
    expect(entries).toHaveLength(2);
    expect(entriesFor(entries, '10.0.0.5', 22).map((e) => e.keyType)).toEqual(['ssh-ed25519']);
    expect(entriesFor(entries, 'WEB-1', 22)).toHaveLength(1);
    expect(entriesFor(entries, '10.0.0.5', 2222).map((e) => e.keyType)).toEqual(['ssh-rsa']);
    expect(entriesFor(entries, '10.0.0.6', 22)).toEqual([]);
  });

  it('matches hashed |1|salt|hash names, with and without a port', () => {
    const entries = parseKnownHosts(
      [line(hashed('db-1'), ed), line(hashed('[db-1]:2200'), other)].join('\n'),
    );
    expect(entriesFor(entries, 'db-1', 22)[0]?.key.equals(ed)).toBe(true);
    expect(entriesFor(entries, 'db-1', 2200)[0]?.key.equals(other)).toBe(true);
    expect(entriesFor(entries, 'db-2', 22)).toEqual([]);
  });

  it('supports wildcards and negation, @revoked, and skips @cert-authority', () => {
    const entries = parseKnownHosts(
      [
        line('*.prod.internal,!bastion.prod.internal', ed),
        `@revoked ${line('app-?.prod.internal', other)}`,
        `@cert-authority ${line('*', rsa)}`,
      ].join('\n'),
    );
    expect(entries).toHaveLength(2);
    expect(entriesFor(entries, 'api.prod.internal', 22)).toHaveLength(1);
    expect(entriesFor(entries, 'bastion.prod.internal', 22)).toEqual([]);
    const app = entriesFor(entries, 'app-1.prod.internal', 22);
    expect(app.map((e) => e.revoked)).toEqual([false, true]);
    expect(app[1]?.line).toBe(2);
  });

  it('skips lines whose key type does not match the blob', () => {
    expect(parseKnownHosts(`host ssh-rsa ${ed.toString('base64')}`)).toEqual([]);
  });
});

describe('fingerprints', () => {
  it('prints SHA256 fingerprints as ssh-keygen -l does (unpadded base64)', () => {
    expect(fingerprintOf(Buffer.from('abc'))).toBe('SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0');
    expect(keyTypeOf(ed)).toBe('ssh-ed25519');
    expect(keyTypeOf(Buffer.alloc(2))).toBe('unknown');
    expect(knownHostName('Host', 22)).toBe('host');
    expect(knownHostName('host', 2222)).toBe('[host]:2222');
  });
});

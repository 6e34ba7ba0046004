import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { CertificateUnavailable, createCertificateCache } from './certificateCache.js';

let pem: string;
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'firstline-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=cache-test',
      ],
      { stdio: 'ignore' },
    );
    pem = readFileSync(join(dir, 'c.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A cache over a certificate source that answers every URL but `bad`, counting what it is asked. */
function setup(options: { maxEntries?: number; fetchesPerMinute?: number } = {}) {
  const asked: string[] = [];
  let now = 0;
  const cache = createCertificateCache({
    fetch: (url) => {
      asked.push(url);
      return url === 'bad' ? Promise.reject(new Error('answered 404')) : Promise.resolve(pem);
    },
    now: () => now,
    ...options,
  });
  return { cache, asked, advance: (ms: number) => void (now += ms) };
}

test('the least recently used certificate is dropped beyond maxEntries', async () => {
  const { cache, asked } = setup({ maxEntries: 2, fetchesPerMinute: 100 });
  await cache('a');
  await cache('b');
  await cache('a'); // a is now the most recent
  await cache('c'); // drops b
  await cache('a');
  expect(asked).toEqual(['a', 'b', 'c']);
  await cache('b');
  expect(asked).toEqual(['a', 'b', 'c', 'b']);
});

test('concurrent asks share one fetch; a failure is remembered for a minute, then retried', async () => {
  const { cache, asked, advance } = setup();
  await Promise.all([cache('a'), cache('a'), cache('a')]);
  expect(asked).toEqual(['a']);
  await expect(cache('bad')).rejects.toThrow('answered 404');
  await expect(cache('bad')).rejects.toThrow(/answered 404 \(not retried yet\)/);
  expect(asked).toEqual(['a', 'bad']);
  advance(60_000);
  await expect(cache('bad')).rejects.toBeInstanceOf(CertificateUnavailable);
  expect(asked).toEqual(['a', 'bad', 'bad']);
});

test('new fetches beyond the budget are refused unfetched, as throttled, until the next minute', async () => {
  const { cache, asked, advance } = setup({ fetchesPerMinute: 2 });
  await cache('a');
  await cache('b');
  const over = await cache('c').catch((error: unknown) => error);
  expect(over).toBeInstanceOf(CertificateUnavailable);
  expect((over as CertificateUnavailable).throttled).toBe(true);
  await cache('a'); // cached ones still answer
  expect(asked).toEqual(['a', 'b']);
  advance(60_000);
  await cache('c');
  expect(asked).toEqual(['a', 'b', 'c']);
});

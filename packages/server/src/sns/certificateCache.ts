import { X509Certificate } from 'node:crypto';

/** Limits of {@link createCertificateCache}. */
export interface CertificateCacheOptions {
  /** GETs the certificate (PEM) at a canonical SNS certificate URL. */
  fetch: (url: string) => Promise<string>;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Certificates kept, least recently used dropped first (default 32; SNS signs with one or two per region). */
  maxEntries?: number;
  /** How long a failed fetch is remembered and not retried, in ms (default 60 000). */
  failureTtlMs?: number;
  /** New fetches allowed per minute, over all URLs (default 10); beyond that a URL is not fetched. */
  fetchesPerMinute?: number;
}

/** Why a certificate could not be had: fetching it failed, or the fetch budget is spent. */
export class CertificateUnavailable extends Error {
  constructor(
    message: string,
    /** True when the fetch budget is spent (worth retrying later), false when the fetch failed. */
    readonly throttled: boolean,
  ) {
    super(message);
    this.name = 'CertificateUnavailable';
  }
}

/** A certificate fetched or being fetched, or a fetch that failed and is not retried until `until`. */
type Entry =
  { kind: 'cert'; cert: Promise<X509Certificate> } | { kind: 'failed'; error: string; until: number };

/**
 * The SNS signing certificates a server has fetched, keyed by canonical URL: a bounded LRU of good
 * ones, failures remembered for a short while, one fetch in flight per URL, and a budget of new
 * fetches per minute, so forged messages naming ever new certificate URLs cost at most that budget.
 */
export function createCertificateCache(
  options: CertificateCacheOptions,
): (url: string) => Promise<X509Certificate> {
  const maxEntries = options.maxEntries ?? 32;
  const failureTtlMs = options.failureTtlMs ?? 60_000;
  const fetchesPerMinute = options.fetchesPerMinute ?? 10;
  // Map keeps insertion order: re-inserting on use makes the first key the least recently used.
  const entries = new Map<string, Entry>();
  let windowStart = Number.NEGATIVE_INFINITY;
  let windowFetches = 0;

  const remember = (url: string, entry: Entry) => {
    entries.delete(url);
    entries.set(url, entry);
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  };

  return (url) => {
    const now = options.now();
    const entry = entries.get(url);
    if (entry?.kind === 'failed' && entry.until > now)
      return Promise.reject(new CertificateUnavailable(`${entry.error} (not retried yet)`, false));
    if (entry?.kind === 'cert') {
      remember(url, entry);
      return entry.cert;
    }
    if (now - windowStart >= 60_000) {
      windowStart = now;
      windowFetches = 0;
    }
    if (windowFetches >= fetchesPerMinute)
      return Promise.reject(
        new CertificateUnavailable(
          `${fetchesPerMinute} certificates were already fetched this minute; not fetching another`,
          true,
        ),
      );
    windowFetches += 1;
    const cert = options
      .fetch(url)
      .then((pem) => new X509Certificate(pem))
      .catch((error: unknown) => {
        throw new CertificateUnavailable(error instanceof Error ? error.message : String(error), false);
      });
    const fetched: Entry = { kind: 'cert', cert };
    remember(url, fetched);
    // A failed fetch is remembered in its place, unless the entry was dropped or replaced meanwhile.
    cert.catch((error: CertificateUnavailable) => {
      if (entries.get(url) === fetched)
        remember(url, { kind: 'failed', error: error.message, until: options.now() + failureTtlMs });
    });
    return cert;
  };
}

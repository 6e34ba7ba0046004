import { createVerify } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import { HttpError } from '../http/httpError.js';
import { CertificateUnavailable, createCertificateCache } from './certificateCache.js';

/** An SNS HTTP(S) delivery body: a notification or a (un)subscription confirmation. */
export interface SnsMessage {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  Token?: string;
  SubscribeURL?: string;
  UnsubscribeURL?: string;
}

/**
 * Hosts SNS signs from and confirms subscriptions at: sns.<region>.amazonaws.com, and
 * sns.cn-<area>-<n>.amazonaws.com.cn. The region must look like one (`us-east-1`, `us-gov-west-1`):
 * `sns.s3.amazonaws.com` or `sns.x.amazonaws.com` are not SNS.
 */
export const SNS_HOST =
  /^sns\.(?:[a-z]{2}(?:-gov)?-[a-z]+-[0-9]{1,2}\.amazonaws\.com|cn-[a-z]+-[0-9]{1,2}\.amazonaws\.com\.cn)$/;

/** The path of an SNS signing certificate: `/SimpleNotificationService-<id>.pem`. */
const CERT_PATH = /^\/SimpleNotificationService-[A-Za-z0-9]{1,64}\.pem$/;

/** Default of {@link SnsVerifierOptions.maxAgeMs}: SNS retries a delivery for at most an hour. */
export const SNS_MAX_AGE_MS = 3_600_000;
// A Timestamp this far in the future is still clock skew, not a forgery.
const FUTURE_SKEW_MS = 300_000;

// The fields each message type signs, in the documented order. A Notification signs Subject only
// when it has one.
const SIGNED: Record<SnsMessage['Type'], readonly (keyof SnsMessage)[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** Options of {@link createSnsVerifier}. */
export interface SnsVerifierOptions {
  /** GETs the signing certificate (PEM) at an https URL on an SNS host. */
  fetchCertificate: (url: string) => Promise<string>;
  /** When given, messages from any other topic are refused. */
  topicArns?: readonly string[];
  /** Milliseconds since the epoch, for the certificate's validity period and the Timestamp. */
  now: () => number;
  /** Oldest `Timestamp` accepted, in ms (default {@link SNS_MAX_AGE_MS}: one hour); older is a replay. */
  maxAgeMs?: number;
  /** Signing certificates kept (default 32), least recently used dropped first. */
  maxCertificates?: number;
  /** New certificate fetches per minute over all URLs (default 10); more answer 503. */
  certificateFetchesPerMinute?: number;
}

/**
 * Makes the check AWS documents for SNS HTTP(S) deliveries: the shape, the topic, the Timestamp
 * (within `maxAgeMs`), the SigningCertURL (exactly `https://sns.<region>.amazonaws.com/SimpleNotificationService-<id>.pem`,
 * no query, port or fragment), the certificate (fetched once per URL into a bounded cache, failures
 * remembered for a minute, within its validity period) and the RSA signature over the canonical
 * string (SHA1 for SignatureVersion 1, SHA256 for 2). Any failure is a 403 (400 for a body that is
 * not an SNS message, 503 when the certificate fetch budget is spent); nothing is run.
 */
export function createSnsVerifier(options: SnsVerifierOptions): (body: unknown) => Promise<SnsMessage> {
  const topics = options.topicArns && new Set(options.topicArns);
  const maxAgeMs = options.maxAgeMs ?? SNS_MAX_AGE_MS;
  const certificate = createCertificateCache({
    fetch: options.fetchCertificate,
    now: options.now,
    ...(options.maxCertificates !== undefined && { maxEntries: options.maxCertificates }),
    ...(options.certificateFetchesPerMinute !== undefined && {
      fetchesPerMinute: options.certificateFetchesPerMinute,
    }),
  });

  return async (body) => {
    const message = snsShape(body);
    if (topics && !topics.has(message.TopicArn))
      throw refused(`topic ${message.TopicArn} is not one this server accepts (sns.topicArns)`);
    const now = options.now();
    const sent = Date.parse(message.Timestamp);
    if (Number.isNaN(sent)) throw refused(`Timestamp ${JSON.stringify(message.Timestamp)} is not a time`);
    if (now - sent > maxAgeMs || sent - now > FUTURE_SKEW_MS)
      throw refused(
        `Timestamp ${message.Timestamp} is not within ${Math.round(maxAgeMs / 60_000)} min of now; an old message is not processed again`,
      );
    const url = canonicalCertUrl(message.SigningCertURL);
    let cert: X509Certificate;
    try {
      cert = await certificate(url);
    } catch (error) {
      if (error instanceof CertificateUnavailable && error.throttled)
        throw new HttpError(
          503,
          'E_OVERLOADED',
          `cannot get the signing certificate at ${url} now: ${error.message}`,
          { retryAfterSeconds: 60 },
          { 'Retry-After': '60' },
        );
      throw refused(`cannot get the signing certificate at ${url}: ${(error as Error).message}`);
    }
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo))
      throw refused(`the signing certificate at ${url} is outside its validity period`);
    const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    verifier.update(canonicalString(message), 'utf8');
    let valid = false;
    try {
      valid = verifier.verify(cert.publicKey, message.Signature, 'base64');
    } catch {
      valid = false;
    }
    if (!valid) throw refused('the SNS message signature does not verify; the message was not processed');
    return message;
  };
}

/** The string SNS signs: `Name\nvalue\n` for each signed field of the message's type, in order. */
export function canonicalString(message: SnsMessage): string {
  return SIGNED[message.Type]
    .filter((field) => message[field] !== undefined)
    .map((field) => `${field}\n${message[field]}\n`)
    .join('');
}

/**
 * The SigningCertURL when it is exactly the canonical form of an SNS certificate URL; anything else
 * (a query, fragment, port, credentials, upper case, another path or host) is refused, so one
 * certificate has one cache key and forged variants cannot each cost a fetch.
 */
function canonicalCertUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('SigningCertURL is not a URL');
  }
  const canonical = `https://${url.hostname}${url.pathname}`;
  if (
    url.protocol !== 'https:' ||
    !SNS_HOST.test(url.hostname) ||
    !CERT_PATH.test(url.pathname) ||
    raw !== canonical
  )
    throw refused(
      `SigningCertURL ${JSON.stringify(raw.slice(0, 200))} is not an https .pem URL on an SNS host (https://sns.<region>.amazonaws.com/SimpleNotificationService-<id>.pem, nothing more)`,
    );
  return canonical;
}

function refused(message: string): HttpError {
  return new HttpError(403, 'E_SIGNATURE_INVALID', message);
}

function snsShape(body: unknown): SnsMessage {
  const bad = (message: string) => new HttpError(400, 'E_BAD_REQUEST', message);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad('body must be an SNS message object');
  const m = body as Record<string, unknown>;
  if (
    m.Type !== 'Notification' &&
    m.Type !== 'SubscriptionConfirmation' &&
    m.Type !== 'UnsubscribeConfirmation'
  )
    throw bad(
      `Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation, not ${JSON.stringify(m.Type)}`,
    );
  const required = ['MessageId', 'TopicArn', 'Message', 'Timestamp', 'Signature', 'SigningCertURL'];
  if (m.Type !== 'Notification') required.push('Token', 'SubscribeURL');
  for (const field of required)
    if (typeof m[field] !== 'string' || m[field] === '') throw bad(`${field} must be a non-empty string`);
  for (const field of ['Subject', 'UnsubscribeURL'])
    if (m[field] !== undefined && m[field] !== null && typeof m[field] !== 'string')
      throw bad(`${field} must be a string`);
  if (m.SignatureVersion !== '1' && m.SignatureVersion !== '2')
    throw new HttpError(
      403,
      'E_SIGNATURE_INVALID',
      `SignatureVersion must be "1" or "2", not ${JSON.stringify(m.SignatureVersion)}`,
    );
  // SNS sends "Subject": null for a notification without one; it is then not part of the signature.
  const { Subject, ...rest } = m;
  return { ...rest, ...(typeof Subject === 'string' && { Subject }) } as unknown as SnsMessage;
}

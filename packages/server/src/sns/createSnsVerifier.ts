import { createVerify, X509Certificate } from 'node:crypto';
import { HttpError } from '../http/httpError.js';

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

/** Hosts SNS signs from and confirms subscriptions at: sns.<region>.amazonaws.com(.cn). */
export const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

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
  /** Milliseconds since the epoch, for the certificate's validity period. */
  now: () => number;
}

/**
 * Makes the check AWS documents for SNS HTTP(S) deliveries: the shape, the topic, the
 * SigningCertURL (https, on an SNS host), the certificate (fetched once per URL and cached, within
 * its validity period) and the RSA signature over the canonical string (SHA1 for SignatureVersion 1,
 * SHA256 for 2). Any failure is a 403 (400 for a body that is not an SNS message); nothing is run.
 */
export function createSnsVerifier(options: SnsVerifierOptions): (body: unknown) => Promise<SnsMessage> {
  const certificates = new Map<string, Promise<X509Certificate>>();
  const topics = options.topicArns && new Set(options.topicArns);

  const certificate = (url: string): Promise<X509Certificate> => {
    let cert = certificates.get(url);
    if (!cert) {
      cert = options.fetchCertificate(url).then((pem) => new X509Certificate(pem));
      certificates.set(url, cert);
      // A failed fetch is not cached: the next delivery tries again.
      cert.catch(() => certificates.delete(url));
    }
    return cert;
  };

  return async (body) => {
    const message = snsShape(body);
    if (topics && !topics.has(message.TopicArn))
      throw refused(`topic ${message.TopicArn} is not one this server accepts (sns.topicArns)`);
    let url: URL;
    try {
      url = new URL(message.SigningCertURL);
    } catch {
      throw refused('SigningCertURL is not a URL');
    }
    if (
      url.protocol !== 'https:' ||
      !SNS_HOST.test(url.hostname) ||
      url.port !== '' ||
      !url.pathname.endsWith('.pem')
    )
      throw refused(`SigningCertURL ${url.origin}${url.pathname} is not an https .pem URL on an SNS host`);
    let cert: X509Certificate;
    try {
      cert = await certificate(url.href);
    } catch (error) {
      throw refused(`cannot get the signing certificate at ${url.href}: ${(error as Error).message}`);
    }
    const now = options.now();
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo))
      throw refused(`the signing certificate at ${url.href} is outside its validity period`);
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

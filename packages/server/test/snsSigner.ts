// Signs SNS messages the way SNS does, with a throwaway RSA key and self-signed certificate made by
// openssl at test time (no private key is committed). The canonical string is written out here from
// the AWS documentation, independently of the server's own, so a mistake there cannot hide.
import { execFile } from 'node:child_process';
import { createSign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './support.js';

/** A throwaway signing identity and what SNS would call its SigningCertURL. */
export interface TestSigner {
  certificate: string;
  certUrl: string;
  /** Signs a message (its fields as SNS sends them), setting SignatureVersion, SigningCertURL and Signature. */
  sign(message: Record<string, unknown>, version?: '1' | '2'): Record<string, unknown>;
}

// "Message, MessageId, Subject (if included), Timestamp, TopicArn, Type" for notifications; "Message,
// MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type" for (un)subscription confirmations.
const NOTIFICATION = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const CONFIRMATION = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];

/** Makes a key and certificate with openssl (on PATH in the Debian image CI uses). */
export async function createTestSigner(
  certUrl = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem',
): Promise<TestSigner> {
  const { dir, remove } = await tempDir();
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=sns.amazonaws.com',
    ]);
    const privateKey = await readFile(key, 'utf8');
    const certificate = await readFile(cert, 'utf8');
    return {
      certificate,
      certUrl,
      sign(message, version = '1') {
        const fields = message.Type === 'Notification' ? NOTIFICATION : CONFIRMATION;
        const text = fields
          .filter((field) => typeof message[field] === 'string')
          .map((field) => `${field}\n${message[field] as string}\n`)
          .join('');
        const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
        signer.update(text, 'utf8');
        return {
          ...message,
          SignatureVersion: version,
          SigningCertURL: certUrl,
          Signature: signer.sign(privateKey, 'base64'),
        };
      },
    };
  } finally {
    await remove();
  }
}

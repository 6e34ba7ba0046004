import { get } from 'node:https';

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 65_536;

/**
 * GETs an https URL and resolves with its body: what fetching an SNS signing certificate or
 * confirming a subscription takes. Anything but a 200 within 10 s and 64 KiB is an error; redirects
 * are not followed (the URL's host was checked, a redirect's would not be).
 */
export function httpsGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: TIMEOUT_MS }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${url} answered ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) {
          request.destroy(new Error(`GET ${url}: the answer is over ${MAX_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out after ${TIMEOUT_MS} ms`)));
    request.on('error', reject);
  });
}

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FirstlineError } from '@firstline/core';

/** Where run records are kept, as `--store` (or the config, or `$FIRSTLINE_STORE`) names it. */
export type StoreLocation =
  | { kind: 'dir'; dir: string }
  | {
      kind: 'dynamodb';
      table: string;
      /** The table's region (default: the AWS chain's, `AWS_REGION`). */
      region?: string;
      /** Another endpoint than AWS's (DynamoDB Local, moto). */
      endpoint?: string;
    };

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
// DynamoDB's rule for table names.
const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

const bad = (value: string, why: string) =>
  new FirstlineError(
    'E_STORE_URL',
    `store ${JSON.stringify(value)}: ${why} (give a directory, or dynamodb://<table>?region=<region>&endpoint=<url>)`,
  );

/**
 * Reads a store location: `dynamodb://<table>` with optional `region` and `endpoint` parameters, a
 * `file://` URL, or a directory (relative to `cwd`). Anything else with a scheme is E_STORE_URL, as is
 * a DynamoDB URL with a bad table name, region, endpoint or an unknown parameter.
 *
 * @example
 * parseStore('dynamodb://firstline-runs?region=eu-west-1', cwd) // { kind: 'dynamodb', table: 'firstline-runs', region: 'eu-west-1' }
 */
export function parseStore(value: string, cwd: string): StoreLocation {
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (value.trim() === '') throw bad(value, 'it is empty');
    return { kind: 'dir', dir: resolve(cwd, value) };
  }
  if (scheme === 'file') {
    try {
      return { kind: 'dir', dir: fileURLToPath(value) };
    } catch {
      throw bad(value, 'it is not a file URL of a directory');
    }
  }
  if (scheme !== 'dynamodb') throw bad(value, `${scheme}:// is not a kind of store`);
  const rest = value.slice(SCHEME.exec(value)![0].length);
  const queryAt = rest.indexOf('?');
  const table = decodeURIComponent(queryAt < 0 ? rest : rest.slice(0, queryAt)).replace(/\/$/, '');
  if (!TABLE.test(table))
    throw bad(value, `${JSON.stringify(table)} is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)`);
  const location: StoreLocation = { kind: 'dynamodb', table };
  for (const [name, given] of new URLSearchParams(queryAt < 0 ? '' : rest.slice(queryAt + 1))) {
    if (name === 'region') {
      if (!REGION.test(given)) throw bad(value, `region ${JSON.stringify(given)} is not an AWS region`);
      location.region = given;
    } else if (name === 'endpoint') {
      if (!/^https?:\/\/[^/?#\s]+/.test(given) || !URL.canParse(given))
        throw bad(value, `endpoint ${JSON.stringify(given)} is not an http(s) URL`);
      location.endpoint = given;
    } else throw bad(value, `unknown parameter ${JSON.stringify(name)}: only region and endpoint`);
  }
  return location;
}

/** A store location as the CLI shows it: the directory as given relative to `cwd`, or the URL. */
export function storeUrl(location: StoreLocation): string {
  if (location.kind === 'dir') return location.dir;
  // Readable, not encoded: only what would break the query is escaped.
  const escape = (value: string) => value.replace(/[&#%\s]/g, encodeURIComponent);
  const params = [
    ...(location.region !== undefined ? [`region=${escape(location.region)}`] : []),
    ...(location.endpoint !== undefined ? [`endpoint=${escape(location.endpoint)}`] : []),
  ].join('&');
  return `dynamodb://${location.table}${params === '' ? '' : `?${params}`}`;
}

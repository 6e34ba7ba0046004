import { FirstlineError } from '@firstline/core';
import { didYouMean } from '@firstline/core';
import type { ConfigEndpoints, FirstlineConfig } from './defineConfig.js';

const KEYS = ['actions', 'plugins', 'store', 'endpoints', 'region'] as const;
const ENDPOINTS = ['aws', 'slack', 'opsgenie', 'github'] as const;
/** An AWS region code: us-east-1, eu-west-3, us-gov-west-1, ap-southeast-4. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Checks a loaded config module's default export against {@link FirstlineConfig}: every problem at
 * once, each naming the config file, as one `E_CONFIG_INVALID` (unknown keys with a did-you-mean).
 * Action definitions are checked one by one where they are collected.
 */
export function checkConfig(value: unknown, shown: string): FirstlineConfig {
  if (!isRecord(value))
    throw invalid(shown, [
      `the default export must be an object, e.g. export default defineConfig({ plugins: ['./actions.ts'] }); got ${kindOf(value)}`,
    ]);
  const problems: string[] = [];
  for (const key of Object.keys(value)) {
    if (!(KEYS as readonly string[]).includes(key))
      problems.push(`unknown key "${key}"${didYouMean(key, KEYS)} (known: ${KEYS.join(', ')})`);
  }
  const { actions, plugins, store, endpoints, region } = value;
  if (actions !== undefined && !Array.isArray(actions))
    problems.push(`actions must be an array of action definitions; got ${kindOf(actions)}`);
  if (plugins !== undefined) {
    if (!Array.isArray(plugins))
      problems.push(`plugins must be an array of module names or paths; got ${kindOf(plugins)}`);
    else
      plugins.forEach((plugin: unknown, i) => {
        if (typeof plugin !== 'string' || plugin.trim() === '')
          problems.push(
            `plugins[${i}] must be a package name or a path like "./actions.ts"; got ${kindOf(plugin)}`,
          );
      });
  }
  if (store !== undefined && (typeof store !== 'string' || store.trim() === ''))
    problems.push(`store must be a directory path or a dynamodb:// URL; got ${kindOf(store)}`);
  if (region !== undefined && (typeof region !== 'string' || !REGION.test(region)))
    problems.push(`region must be an AWS region code like "eu-west-1"; got ${kindOf(region)}`);
  if (endpoints !== undefined) problems.push(...endpointProblems(endpoints));
  if (problems.length > 0) throw invalid(shown, problems);
  return value;
}

function endpointProblems(endpoints: unknown): string[] {
  if (!isRecord(endpoints))
    return [`endpoints must be an object like { aws: 'http://localhost:5000' }; got ${kindOf(endpoints)}`];
  const problems: string[] = [];
  for (const [key, url] of Object.entries(endpoints)) {
    if (!(ENDPOINTS as readonly string[]).includes(key)) {
      problems.push(
        `unknown endpoint "${key}"${didYouMean(key, ENDPOINTS)} (known: ${ENDPOINTS.join(', ')})`,
      );
    } else if (!isHttpUrl(url)) {
      problems.push(`endpoints.${key as keyof ConfigEndpoints} must be an http(s) URL; got ${kindOf(url)}`);
    }
  }
  return problems;
}

/** `E_CONFIG_INVALID` with one line per problem, each starting with the config file. */
export function invalid(shown: string, problems: readonly string[]): FirstlineError {
  return new FirstlineError('E_CONFIG_INVALID', problems.map((p) => `${shown}: ${p}`).join('\n'));
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a wrong value for a message: `"eu"`, `a number (3)`, `an array`. */
export function kindOf(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `a ${typeof value} (${String(value)})`;
  return typeof value;
}

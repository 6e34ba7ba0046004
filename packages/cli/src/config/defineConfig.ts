import type { AnyActionDefinition } from '@firstline/core';

/** Base URLs the installed action packages call instead of the services' public ones. */
export interface ConfigEndpoints {
  /** Every AWS service (moto, LocalStack, a VPC endpoint): `awsActions({ endpoint })`. */
  aws?: string;
  /** The Slack Web API base URL (default https://slack.com/api/). */
  slack?: string;
  /** The OpsGenie API base URL (default https://api.opsgenie.com, or the EU one). */
  opsgenie?: string;
  /** The GitHub REST API base URL, e.g. a GitHub Enterprise server's `https://ghe.example.com/api/v3`. */
  github?: string;
}

/**
 * A project's `firstline.config.ts` (or `.mts`, `.mjs`, `.js`): found upward from the playbook, or
 * given with `--config`; every command reads it. Relative paths are resolved from the config file's
 * directory, not the working directory.
 */
export interface FirstlineConfig {
  /** Your own action definitions (made with `defineAction`), added to the installed ones. */
  actions?: readonly AnyActionDefinition[];
  /**
   * Modules to take action definitions from: package names or paths relative to this file (`.ts` or
   * `.js`). Every export that is an action definition, or an array of them, is added (the default
   * export too).
   */
  plugins?: readonly string[];
  /**
   * Where run records are kept, a directory or `dynamodb://<table>?region=…`: the default of `--store`
   * for run, resume, cancel, runs and report.
   */
  store?: string;
  /** Base URLs for the installed AWS and notifier actions (a stand-in, a proxy, GitHub Enterprise). */
  endpoints?: ConfigEndpoints;
  /** The AWS region for steps that name none (before AWS_REGION and AWS_DEFAULT_REGION). */
  region?: string;
}

/**
 * Declares a project config; an identity helper that gives the file its types.
 *
 * @example
 * import { defineConfig } from '@firstline/cli';
 * import { flushCache } from './actions/flushCache.js';
 * export default defineConfig({ actions: [flushCache], store: '.firstline/runs' });
 */
export function defineConfig(config: FirstlineConfig): FirstlineConfig {
  return config;
}

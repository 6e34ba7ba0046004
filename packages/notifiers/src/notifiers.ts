import type { ActionDefinition } from '@firstline/core';
import type { GithubOptions } from './github/createGithubClient.js';
import { github } from './github/githubActions.js';
import type { OpsgenieOptions } from './opsgenie/createOpsgenieClient.js';
import { opsgenie } from './opsgenie/opsgenieActions.js';
import type { SlackOptions } from './slack/createSlackClient.js';
import { slack } from './slack/slackActions.js';

/** Options of {@link notifiers}: each service's factory options. */
export interface NotifiersOptions {
  slack?: SlackOptions;
  opsgenie?: OpsgenieOptions;
  github?: GithubOptions;
}

/**
 * Every notifier action (Slack, OpsGenie, GitHub) in one list, for `runPlaybook({ actions })`.
 *
 * @example
 * const actions = [...awsActions({ region }), ...notifiers({ slack: { token }, opsgenie: { apiKey, region: 'eu' } })];
 */
export function notifiers(options: NotifiersOptions = {}): ActionDefinition[] {
  return [...slack(options.slack), ...opsgenie(options.opsgenie), ...github(options.github)];
}

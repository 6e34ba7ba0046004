// Loaded with a dynamic import by createGithubClient, so importing the notifiers (to validate or
// simulate a playbook) does not load Octokit and its plugins.
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/**
 * Octokit with the retry and throttling plugins, as every GitHub call uses it. Typed as Octokit: the
 * plugins add only constructor options (`retry`, `throttle`), which Octokit's options admit.
 */
export const GithubOctokit: typeof Octokit = Octokit.plugin(retry, throttling);

// @firstline/notifiers: Slack, OpsGenie and GitHub notifications for Firstline playbooks.
export { notifiers } from './notifiers.js';
export type { NotifiersOptions } from './notifiers.js';

export { slack } from './slack/slackActions.js';
export type {
  SlackPostInput,
  SlackPostOutput,
  SlackReplyInput,
  SlackUpdateInput,
} from './slack/slackActions.js';
export { createSlackClient } from './slack/createSlackClient.js';
export type {
  SlackCallOptions,
  SlackClient,
  SlackMessage,
  SlackOptions,
  SlackPosted,
} from './slack/createSlackClient.js';
export { approvalBlocks } from './slack/approvalBlocks.js';
export type { SlackApproval } from './slack/approvalBlocks.js';
export {
  APPROVE_ACTION_ID,
  DENY_ACTION_ID,
  OPEN_ACTION_ID,
  parseSlackInteraction,
  verifySlackRequest,
} from './slack/slackInteractions.js';
export type { SlackInteraction, SlackRequestToVerify } from './slack/slackInteractions.js';
export { runSummaryBlocks, runSummaryMessage, runSummaryText } from './slack/runSummaryBlocks.js';
export type { RunSummaryOptions, SlackRunMessage } from './slack/runSummaryBlocks.js';

export { opsgenie } from './opsgenie/opsgenieActions.js';
export type {
  OpsgenieAddNoteInput,
  OpsgenieCloseAlertInput,
  OpsgenieCreateAlertInput,
  OpsgenieOutput,
  OpsgenieTarget,
} from './opsgenie/opsgenieActions.js';
export { createOpsgenieClient, OPSGENIE_HOSTS } from './opsgenie/createOpsgenieClient.js';
export type {
  OpsgenieAccepted,
  OpsgenieAlert,
  OpsgenieCallOptions,
  OpsgenieClient,
  OpsgenieOptions,
  OpsgenieRegion,
  OpsgenieResponder,
} from './opsgenie/createOpsgenieClient.js';

export { github } from './github/githubActions.js';
export type {
  GithubCommentInput,
  GithubCreateIssueInput,
  GithubFindIssueInput,
  GithubStateInput,
  GithubTarget,
} from './github/githubActions.js';
export { createGithubClient } from './github/createGithubClient.js';
export type {
  GithubCallOptions,
  GithubClient,
  GithubIssue,
  GithubIssueQuery,
  GithubOptions,
} from './github/createGithubClient.js';
export { GITHUB_BODY_LIMIT, runMarkdown } from './github/runMarkdown.js';
export type { RunMarkdownOptions } from './github/runMarkdown.js';

export { parseRetryAfter, realSleep } from './shared/retry.js';
export type { RetryNotice, RetryOptions, Sleep } from './shared/retry.js';
export type { Fetch } from './shared/http.js';
export type { ActionKinds } from './shared/runFacts.js';
export { isSecureUrl } from './shared/schemas.js';

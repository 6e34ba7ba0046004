// @firstline/server: a small node:http service that starts Firstline runs from Alertmanager webhooks,
// CloudWatch alarms over SNS HTTP(S) subscriptions and authenticated direct POSTs.
export { CONNECTION_DEFAULTS, serve } from './serve.js';
export type { ConnectionLimits, FirstlineServer, ServeOptions } from './serve.js';
export { createRequestHandler } from './createRequestHandler.js';
export type { HandlerOptions, RequestHandler, SnsOptions } from './createRequestHandler.js';
export type { AuthOption } from './http/checkBearer.js';
export type { ConsoleOptions } from './console/consoleHandler.js';
export type { ConsoleAuthOptions, ConsoleUser } from './console/consoleAuth.js';
export type { HttpErrorCode } from './http/httpError.js';
export { isAlarmRoute, matchesPattern } from './routes/serverRoute.js';
export type { AlarmRoute, AlertmanagerRoute, Pattern, ServerRoute } from './routes/serverRoute.js';
export { parseAlertmanagerPayload } from './alertmanager/alertmanagerPayload.js';
export type { AlertmanagerAlert, AlertmanagerPayload } from './alertmanager/alertmanagerPayload.js';
export { alertRunId } from './alertmanager/alertmanagerEndpoint.js';
export type { AlertmanagerTrigger } from './alertmanager/alertmanagerEndpoint.js';
export { alarmRunId } from './sns/snsEndpoint.js';
export { canonicalString, createSnsVerifier, SNS_HOST } from './sns/createSnsVerifier.js';
export type { SnsMessage, SnsVerifierOptions } from './sns/createSnsVerifier.js';
/** The triggers runs get: the same shapes the CLI and the Lambda handler give (classifyTrigger). */
export type { AlarmTrigger, CloudWatchAlarmTrigger, Trigger } from '@firstline/actions-aws/triggers';
export type { RunStatus } from './runs/runStatus.js';
export type { AcceptedRun } from './runs/createRunService.js';

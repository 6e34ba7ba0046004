// @firstline/lambda: the AWS Lambda handler. Alarm events (EventBridge, SNS, SQS) are routed to
// playbooks; runs that outlive an invocation are stored and resumed by a later one.
export { createLambdaHandler, RUN_PAST_DEADLINE } from './createLambdaHandler.js';
export { matchAlertRoute, matchRoute, routeAlert, routeEvent } from './routeEvent.js';
export type { RouteDecision } from './routeEvent.js';
export { ACCEPTED_EVENTS } from './classifyEvent.js';
export { runIdFor } from './startOrReplay.js';
export type { HttpApiEvent, HttpResponse } from './http/httpEvent.js';
export { DEFAULT_MAX_BODY_BYTES } from './http/handleHttp.js';
export type {
  AlertmanagerHttpOptions,
  DirectInvocation,
  HandlerAnswer,
  HandlerResult,
  HttpOptions,
  IgnoredEvent,
  LambdaContext,
  LambdaHandler,
  LambdaHandlerOptions,
  Route,
  RunSummary,
  SecretReference,
  SlackHttpOptions,
  SQSBatchResponse,
} from './types.js';
export {
  ActionRunnerError,
  createActionRunner,
  createActionRunnerHandler,
  RUNNER_ERROR_NAMES,
} from './actionRunner.js';
export type {
  ActionRunnerOptions,
  ActionRunnerRequest,
  ActionRunnerResult,
  RunnerInvocation,
  RunnerInvoke,
  RunnerSecretSlot,
} from './actionRunner.js';

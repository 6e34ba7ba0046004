// @firstline/lambda: the AWS Lambda handler. Alarm events (EventBridge, SNS, SQS) are routed to
// playbooks; runs that outlive an invocation are stored and resumed by a later one.
export { createLambdaHandler, RUN_PAST_DEADLINE } from './createLambdaHandler.js';
export { matchRoute, routeEvent } from './routeEvent.js';
export type { RouteDecision } from './routeEvent.js';
export { ACCEPTED_EVENTS } from './classifyEvent.js';
export { runIdFor } from './startOrReplay.js';
export type {
  DirectInvocation,
  HandlerResult,
  IgnoredEvent,
  LambdaContext,
  LambdaHandler,
  LambdaHandlerOptions,
  Route,
  RunSummary,
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

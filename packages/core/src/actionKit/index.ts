// @firstline/core/action-kit: what an action's author needs, in one import. Everything here is pure or
// runs on the context the engine hands the action (its clock, its signal), so it works the same in a
// real run, a simulation and a test.

export { sleep } from './sleep.js';
export { parseRetryAfter, retryAdviceForStatus, retryAfterHeader, RETRY_AFTER_MAX_MS } from './retryAfter.js';
export type { HeaderBag } from './retryAfter.js';
export { actionFailed, couldNotCheck, verdict } from './errors.js';
export type { FailureOptions } from './errors.js';

export { ActionError, isFirstlineError } from '../errors.js';
export type { RetryAdvice } from '../errors.js';
export { defineAction } from '../actions/defineAction.js';
export type { SchemaActionDefinition } from '../actions/defineAction.js';
export type { FromSchema } from '../actions/fromSchema.js';
export { cutRedacted, redactText } from '../actions/redactText.js';
export type {
  ActionContext,
  ActionDefinition,
  ActionKind,
  Clock,
  IamStatement,
  JSONSchema,
  Logger,
  Plan,
} from '../actions/types.js';

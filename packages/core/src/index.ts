export { ActionError, FirstlineError, isFirstlineError, PlaybookInvalid } from './errors.js';
export type { FirstlineErrorCode, RetryAdvice } from './errors.js';

export { playbookSchema } from './validate/schemaCheck.js';
export type * from './format/types.js';
export { RUN_OUTCOMES } from './format/types.js';
export {
  DEFAULT_RUN_TIMEOUT_MS,
  DEFAULT_STEP_TIMEOUT_MS,
  MAX_RUN_TIMEOUT_MS,
  formatDuration,
  parseDuration,
} from './format/duration.js';
export {
  RUN_FIELDS,
  SCOPE_ROOTS,
  STEP_FIELDS,
  analyzeExpression,
  compileExpression,
  isTemplate,
  normalizeExpression,
  parseTemplate,
} from './format/expressions.js';
export type {
  ExpressionReference,
  ExpressionSyntaxError,
  ParsedTemplate,
  TemplatePart,
} from './format/expressions.js';

export { hashData } from './load/hash.js';
export {
  loadPlaybook,
  parsePlaybook,
  playbookFromData,
  tryLoadPlaybook,
  tryParsePlaybook,
} from './load/loadPlaybook.js';
export type { LoadedPlaybook, LoadOptions, ParseResult, PlaybookSource } from './load/loadPlaybook.js';
export { LOAD_LIMITS } from './load/limits.js';
export type { LoadLimits } from './load/limits.js';
export { SourceMap, formatPath } from './load/sourceMap.js';
export type { PathSegment, Position } from './load/sourceMap.js';

export { ISSUE_CODES, formatIssue, sortIssues } from './validate/issues.js';
export type { Issue, IssueCode, ValidationResult } from './validate/issues.js';
export { checkPlaybook, validatePlaybook } from './validate/validatePlaybook.js';
export type { CheckResult, ValidateOptions } from './validate/validatePlaybook.js';

export { defineAction } from './actions/defineAction.js';
export { createActionRegistry } from './actions/registry.js';
export type { ActionRegistry, ActionRegistryOptions, AnyActionDefinition } from './actions/registry.js';
export { coreActions, coreFail, coreLog } from './actions/builtins.js';
export type {
  ActionContext,
  ActionDefinition,
  ActionKind,
  Clock,
  IamStatement,
  JSONSchema,
  Logger,
  Plan,
} from './actions/types.js';

// The public API: what playbook users, action authors and hosts need. The machinery under it (the IR,
// the machine's own types, store and expression internals) is exported from ./internal.ts instead, as
// `@firstline/core/internal`, for Firstline's own packages only.
export {
  ActionError,
  FirstlineError,
  InputInvalid,
  isFirstlineError,
  MissingValue,
  PlaybookInvalid,
} from './errors.js';
export type { FirstlineErrorCode, InputProblem, MissingValueDetail, RetryAdvice } from './errors.js';

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
export { TRIGGER_FIELDS } from './format/expressions.js';
export { compileLinear, regexProblem } from './format/linearRegex.js';

export {
  isLoadedPlaybook,
  loadPlaybook,
  parsePlaybook,
  playbookFromData,
  tryLoadPlaybook,
  tryParsePlaybook,
} from './load/loadPlaybook.js';
export type { LoadedPlaybook, LoadOptions, ParseResult, PlaybookSource } from './load/loadPlaybook.js';
export { LOAD_LIMITS } from './load/limits.js';
export type { LoadLimits } from './load/limits.js';
export { formatPath } from './load/sourceMap.js';
export type { PathSegment, Position } from './load/sourceMap.js';

export { ISSUE_CODES, formatIssue, sortIssues } from './validate/issues.js';
export type { Issue, IssueCode, ValidationResult } from './validate/issues.js';
export { checkPlaybook, validatePlaybook } from './validate/validatePlaybook.js';
export { closest, didYouMean } from './validate/suggest.js';
export type { CheckResult, ValidateOptions } from './validate/validatePlaybook.js';

export { defineAction } from './actions/defineAction.js';
export type { SchemaActionDefinition } from './actions/defineAction.js';
export type { FromSchema } from './actions/fromSchema.js';
export { cutRedacted, redactText } from './actions/redactText.js';
export { createActionRegistry } from './actions/registry.js';
export { withPrecompiledValidator, withPrecompiledValidators } from './actions/precompiled.js';
export type { GeneratedValidators } from './actions/precompiled.js';
export type { CompiledSchema, PrecompiledValidators } from './actions/schemaValidators.js';
export type {
  ActionRegistry,
  ActionRegistryOptions,
  AnyActionDefinition,
  InputSchemaError,
} from './actions/registry.js';
export { coreActions, coreFail, coreLog } from './actions/builtins.js';
export { outputExampleProblems } from './actions/outputExamples.js';
export type {
  ActionContext,
  ActionDefinition,
  ActionKind,
  StepFunctionsJsonPathTask,
  StepFunctionsTask,
  Clock,
  IamStatement,
  JSONSchema,
  Logger,
  Plan,
} from './actions/types.js';

export { compiledOf, compilePlaybook, isCompiledPlaybook } from './compile/compilePlaybook.js';
export type { CompiledPlaybook, CompileOptions } from './compile/compilePlaybook.js';
export { BUDGET_SPENT, describePath, enumeratePaths } from './analysis/enumeratePaths.js';
export type {
  EnumeratePathsOptions,
  OutcomePath,
  PathEnumeration,
  PathStep,
} from './analysis/enumeratePaths.js';
export type { Inconclusive } from './compile/inconclusive.js';

export { runPlaybook } from './runtime/runPlaybook.js';
export type { RunnablePlaybook, RunOptions } from './runtime/runPlaybook.js';
export type { HostOptions } from './runtime/hostOptions.js';
export { simulatePlaybook } from './runtime/simulatePlaybook.js';
export type { SimulateOptions, SimulationResult } from './runtime/simulatePlaybook.js';
export { cancelRun, decideApproval, pendingApproval, resumeRun } from './runtime/resumeRun.js';
export type { DecideResult, ResumeOptions } from './runtime/resumeRun.js';
export { resumeDue } from './runtime/resumeDue.js';
export type { ResumeDueOptions, ResumeDueResult } from './runtime/resumeDue.js';
export type { ScriptedOutcome, ScriptedOutcomes } from './runtime/modes.js';
export { completeOutput, synthesize, synthesizeOutput } from './runtime/synthesize/index.js';
export type { SynthesisSeed, SynthesisSource, Synthesized } from './runtime/synthesize/index.js';
export {
  createFastClock,
  createVirtualClock,
  driveVirtualClock,
  systemClock,
  VIRTUAL_CLOCK_START,
} from './runtime/clock.js';
export { createMemoryStore } from './runtime/stores/memoryStore.js';
export { createFileStore } from './runtime/stores/fileStore.js';
export { applyRecordChange, checkRecordChange } from './runtime/stores/recordChange.js';
export { runListing, triggerLine } from './runtime/listing/runListing.js';
export type { RunListingOptions } from './runtime/listing/runListing.js';
export {
  checkRunQuery,
  compareListings,
  decodeRunCursor,
  DEFAULT_RUN_PAGE,
  encodeRunCursor,
  matchesRunQuery,
  MAX_RUN_PAGE,
  pageOfListings,
} from './runtime/listing/runQuery.js';
export type { CheckedRunQuery, RunCursor } from './runtime/listing/runQuery.js';
export { checkRunId, isRunId, RUN_ID_PATTERN } from './data/runId.js';
export { checkDataShape, DATA_LIMITS, DataShapeInvalid } from './data/dataShape.js';
export type { DataLimits } from './data/dataShape.js';
export { renderTrace, formatClockDuration, formatOffset, traceTable } from './runtime/renderTrace.js';
export { runChanges } from './runtime/runChanges.js';
export { buildRunReport } from './report/runReport.js';
export type {
  BuildReportOptions,
  ReportChange,
  ReportRow,
  ReportSource,
  ReportStep,
  ReportTime,
  ReportValue,
  RunReport,
} from './report/runReport.js';
export { reportMarkdown } from './report/reportMarkdown.js';
export { reportHtml } from './report/reportHtml.js';
export { formatHumanDuration } from './format/humanDuration.js';
export type { ActionInfo, ActionLookup, RunChange } from './runtime/runChanges.js';
export type { RenderTraceOptions, RunSummary, TraceFormat } from './runtime/renderTrace.js';
export { createRedactor, REDACTED } from './runtime/redact.js';
export type { Redactor } from './runtime/redact.js';
export { envSecretResolver, resolveSecrets } from './runtime/secrets.js';
export type { SecretResolver, SecretResolvers } from './runtime/secrets.js';
export { prepareInputs } from './runtime/inputs.js';
export type {
  BudgetResult,
  BudgetUse,
  JournalEntry,
  LeaseHolder,
  LockResult,
  ApprovalDecision,
  ApprovalOutcome,
  ApprovalRequest,
  ApprovalState,
  RunMode,
  RunListing,
  RunPage,
  RunQuery,
  RunRecord,
  RunRecordChange,
  RunRecordField,
  RunResult,
  RunStore,
  SkipReason,
  StepRecord,
  TraceEvent,
  TraceEventType,
  TraceListener,
  VirtualClock,
} from './runtime/types.js';
export { globMatch } from './util/globMatch.js';
export type { GlobOptions } from './util/globMatch.js';

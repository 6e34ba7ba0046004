// `@firstline/core/internal`: the machinery under the public API, exported for Firstline's own packages
// (the CLI's path analysis, the DynamoDB store's budget writes). No stability promise: anything here may
// change in any release. A playbook user, action author or host needs only `@firstline/core`.

export { buildIR } from './compile/buildIR.js';
export type {
  ActionNode,
  BudgetSettings,
  GotoNode,
  IRNode,
  JudgeNode,
  LockSettings,
  NodePlace,
  ParallelNode,
  PlaybookIR,
  PollNode,
  RetrySettings,
  Target,
  WaitNode,
} from './compile/ir.js';
export type { MachineOutput, RunContext, RunEvent, StepInput } from './runtime/types.js';

export { applySpend, checkBudgetUse } from './runtime/stores/budget.js';
export type { BudgetState } from './runtime/stores/budget.js';
export { LOCK_POLL_MS } from './runtime/safety.js';

export {
  EXPRESSION_LIMITS,
  EXPRESSION_STACK_LIMIT,
  EXPRESSION_TIME_LIMIT_MS,
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
export { duplicateKeyOffsets } from './load/duplicateKeys.js';
export { nestingExceeded } from './load/nesting.js';
export { SourceMap, pointerToSegments } from './load/sourceMap.js';
export { UNSAFE_KEYS } from './data/dataShape.js';

export { describeCall } from './actions/describeCall.js';
export { changesSomething, compactInput } from './runtime/runChanges.js';

export { standIns } from './runtime/simulatePlaybook.js';
export { createScript, scriptedInvoke } from './runtime/modes.js';
export type { ScriptedOutcome, ScriptedOutcomes } from './runtime/modes.js';
export { complete, synthesize } from './runtime/synthesize/index.js';
export { classify } from './runtime/retry.js';

export { playbookGraph } from './graph/playbookGraph.js';
export type { GraphEdge, GraphNode, GraphNodeKind, PlaybookGraph } from './graph/playbookGraph.js';
export { BAD_OUTCOMES, GOOD_OUTCOME_SET, toMermaid } from './graph/toMermaid.js';
export type { MermaidOptions } from './graph/toMermaid.js';

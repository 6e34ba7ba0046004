// @firstline/cli: the `firstline` command as a library. Every command is a function over a CliContext,
// and runCli runs a whole command line, so a Lambda, a service or a test can do what the CLI does.
export { runCli } from './runCli.js';
export type { RunCliOptions } from './runCli.js';
export { createProgram, VERSION } from './program.js';
export type { ProgramResult } from './program.js';
export { EXIT, UsageError } from './context.js';
export type { CliContext } from './context.js';
export { colorEnabled, createCapturingIo, paletteFor, processIo } from './io.js';
export type { CliIo, Palette } from './io.js';
export { defineConfig } from './config/defineConfig.js';
export type { ConfigEndpoints, FirstlineConfig } from './config/defineConfig.js';
export { CONFIG_NAMES, findConfig } from './config/findConfig.js';
export { loadConfig } from './config/loadConfig.js';
export type { LoadedConfig } from './config/loadConfig.js';
export type { ConfigAction } from './config/collectActions.js';
export { initCommand } from './commands/init.js';
export type { InitFlags } from './commands/init.js';
export { installedActions, referenceActions } from './installedActions.js';
export type { Installed } from './installedActions.js';
export { validateCommand, expandTargets } from './commands/validate.js';
export type { FileValidation, ValidateFlags } from './commands/validate.js';
export { simulateCommand } from './commands/simulate.js';
export type { SimulateFlags } from './commands/simulate.js';
export { resumeCommand, runCommand } from './commands/run.js';
export { cancelCommand } from './commands/cancel.js';
export type { CancelFlags } from './commands/cancel.js';
export type { RunFlags, RunHost, StoreFlags } from './commands/run.js';
export { readReportSource, renderReport, reportCommand } from './commands/report.js';
export type { ReportFlags, ReportSource } from './commands/report.js';
export { monitorCommand } from './commands/monitor.js';
export type { MonitorFlags, MonitorHost } from './commands/monitor.js';
export { loadMonitorConfig, parseMonitorConfig, DEFAULT_METRICS_PORT } from './monitor/loadMonitorConfig.js';
export type { LoadedMonitorConfig } from './monitor/loadMonitorConfig.js';
export { MONITOR_CONFIG_SCHEMA } from './monitor/schemaProblems.js';
export type { MonitorConfig, MonitorTarget } from './monitor/monitorConfig.generated.js';
export { MonitorConfigInvalid } from './monitor/MonitorConfigInvalid.js';
export type { MonitorConfigProblem } from './monitor/MonitorConfigInvalid.js';
export { pathsCommand } from './commands/paths.js';
export type { PathsFlags } from './commands/paths.js';
export { schemaCommand } from './commands/schema.js';
export type { SchemaFlags } from './commands/schema.js';
export { editorSchema, lenient, EDITOR_SCHEMA_ID, SCHEMA_EXPORT } from './schema/editorSchema.js';
export { permissionsCommand } from './commands/permissions.js';
export type { PermissionsFlags, PolicyDocument } from './commands/permissions.js';
export { actionsCommand, catalogueActions } from './commands/actions.js';
export type { ActionsFlags } from './commands/actions.js';
export {
  actionEntry,
  exampleStep,
  firstSentence,
  renderActionsMarkdown,
  renderActionTable,
  renderActionText,
  sortedActions,
} from './render/actionCatalogue.js';
export type { ActionEntry } from './render/actionCatalogue.js';
export { exampleWith, fieldRows, samplePermissions, typeText } from './render/actionSchema.js';
export type { FieldRow } from './render/actionSchema.js';
export { graphCommand, GRAPH_FORMATS } from './commands/graph.js';
export type { GraphOptions } from './commands/graph.js';
export { toMermaid } from '@firstline/core/internal';
export { toDot } from './graph/toDot.js';
export { toGraphJson } from './graph/toGraphJson.js';
export { playbookGraph } from '@firstline/core/internal';
export type { GraphEdge, GraphNode, GraphNodeKind, PlaybookGraph } from '@firstline/core/internal';
export { testCommand } from './commands/test.js';
export type { TestOptions } from './commands/test.js';
export { isScenarioInvalid, ScenarioInvalid } from './scenarios/ScenarioInvalid.js';
export type { ScenarioProblem } from './scenarios/ScenarioInvalid.js';
export { runScenarioSuite } from './scenarios/runScenarioSuite.js';
export type { ScenarioReport, TestReport } from './scenarios/runScenarioSuite.js';
export { readOutcomes, readRunInputs, OUTCOME_KEYWORDS } from './options/runInputs.js';
export type { RunInputFlags } from './options/runInputs.js';
export { DataFileInvalid, readDataFile } from './options/readData.js';
export { GOOD_OUTCOMES, renderOutcome, renderRunReport } from './render/simulation.js';
export type { RunReportOptions } from './render/simulation.js';
export { createProgress } from './render/progress.js';
export type { Progress, ProgressOptions } from './render/progress.js';

// The commands besides `validate`, `simulate`, `export asl` and `monitor`, imported together when one
// of them runs: one lazy import rather than one per command keeps the bundle's chunks few (each file a
// command loads costs a read, a compile and a link), while `validate` still loads none of them.
// `simulate` (the bundle's `simulate` group: scripts/bundle.mjs --group) is imported on its own, so
// it does not compile the other commands' code (report renderers, run listings, scenarios).
export { actionsCommand } from './actions.js';
export { cancelCommand } from './cancel.js';
export { decideCommand } from './approve.js';
export { graphCommand } from './graph.js';
export { initCommand } from './init.js';
export { pathsCommand } from './paths.js';
export { permissionsCommand } from './permissions.js';
export { reportCommand } from './report.js';
export { resumeCommand, resumeDueCommand, runCommand } from './run.js';
export { runsCommand } from './runs.js';
export { schemaCommand } from './schema.js';
export { simulateCommand } from './simulate.js';
export { testCommand } from './test.js';

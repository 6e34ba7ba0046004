// @firstline/stepfunctions: playbooks as Amazon States Language definitions for AWS Step Functions.

export { exportAsl } from './exportAsl.js';
export { AslUnsupported } from './unsupported.js';
export { ACTION_RUNNER_PLACEHOLDER, TABLE_PLACEHOLDER } from './types.js';
export type { AslDefinition, AslExport, AslState, ExportAslOptions } from './types.js';

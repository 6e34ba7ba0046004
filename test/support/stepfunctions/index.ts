// The Step Functions test harness: run ASL definitions locally (runAslLocally) or on moto's Step
// Functions (runAslOnMoto) and compare what they did. See README.md beside this file.
export { runAslLocally } from './runAslLocally.js';
export { StatesError } from './jsonataFields.js';
export type { RunAslLocallyOptions } from './options.js';
export type {
  AslDefinition,
  AslHistoryEntry,
  AslLocalRunResult,
  AslRetry,
  AslRunResult,
  AslRunStatus,
  AslState,
  AslTaskCall,
  AslTaskHandler,
  AslWait,
} from './types.js';
export { enableMotoStepFunctions, runAslOnMoto } from './runAslOnMoto.js';
export type { AslMotoRunResult, RunAslOnMotoOptions } from './runAslOnMoto.js';
export { createOneInstanceGroup } from './motoGroup.js';

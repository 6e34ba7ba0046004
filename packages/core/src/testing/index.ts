// @firstline/core/testing: what action and store authors test with. It imports vitest (an optional peer
// dependency of core), so it is a subpath of its own: importing @firstline/core never loads vitest.
export { createTestContext, isVirtualClock } from './context.js';
export type { LogLine, TestContext, TestContextOptions } from './context.js';
export { runAction } from './runAction.js';
export type { RunActionOptions, RunActionResult } from './runAction.js';
export { planAction } from './planAction.js';
export type { PlanActionResult } from './planAction.js';
export type { StepCallOptions } from './stepCall.js';
export { describeRunStore, makeRecord } from './storeContract.js';
export { describeRecordDeltas, finish as finishRecord, step as advanceRecord } from './storeDeltas.js';
export type { DeltaStoreUnderTest } from './storeDeltas.js';
export type { RunStoreContractOptions, StoreUnderTest } from './storeContract.js';
export { expectScenario, simulateScenario } from './scenario.js';
export type { ExpectScenarioOptions, ScenarioExpectation, ScenarioOptions, ScenarioRun } from './scenario.js';

// @firstline/cdk: Firstline deployed with the AWS CDK. FirstlineResponder runs playbooks in Lambda (or,
// with engine 'stepfunctions', as Step Functions state machines with an action runner) with
// least-privilege roles, the run store, alarm routes and alarms on itself; firstlineInRegions puts one
// in a stack per region.
export { FirstlineResponder } from './FirstlineResponder.js';
export { FirstlineResponderStack, firstlineInRegions } from './FirstlineResponderStack.js';
export type { FirstlineInRegionsProps, ResponderPropsIn } from './FirstlineResponderStack.js';
export type { FirstlineResponderProps, ResponderHttp, ResponderPlaybook } from './types.js';
export type { CheckedPlaybook } from './responderPlaybooks.js';
export type { PlaybookMachine } from './stepFunctionsEngine.js';
export { alarmNameFilter } from './alarmPattern.js';
export { bindInputs } from './bindInputs.js';
export { runStoreTable } from './runStoreTable.js';

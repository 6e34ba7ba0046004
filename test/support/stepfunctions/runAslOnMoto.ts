// Runs a definition on moto's Step Functions through the real AWS SDK: create the state machine,
// start an execution, poll DescribeExecution until it ends (moto interprets the definition in a
// background thread once `execute_state_machine` is on), and read the execution history. moto's
// interpreter is a port of LocalStack's: JSONPath only; its `aws-sdk:` Tasks call moto itself.
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { FirstlineError } from '@firstline/core';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AslDefinition, AslHistoryEntry, AslRunResult, AslTaskCall } from './types.js';

/** Where and how `runAslOnMoto` runs a definition. */
export interface RunAslOnMotoOptions {
  /** The moto_server endpoint, e.g. `http://127.0.0.1:5000`. */
  endpoint: string;
  /** The region; default `us-east-1`. */
  region?: string;
  /** The execution role (moto does not check it); default a role in moto's account 123456789012. */
  roleArn?: string;
  /** The state machine's name; default a new unique one per call. */
  name?: string;
  /** How long to wait for the execution to end, in ms of real time; default 20,000. */
  timeLimitMs?: number;
  /** The pause between two DescribeExecution polls, in ms; default 50. */
  pollIntervalMs?: number;
}

/** What a run on moto returns: a run result plus moto's raw execution history. */
export interface AslMotoRunResult extends AslRunResult {
  /** The execution's ARN. */
  executionArn: string;
  /** The Task calls moto made (from its TaskScheduled events), as `runAslLocally` reports its handler calls. */
  calls: AslTaskCall[];
  /** GetExecutionHistory's events, oldest first. */
  events: HistoryEvent[];
}

/** Obviously fake credentials: moto wants signed requests, not real keys. */
const FAKE_CREDENTIALS = { accessKeyId: 'fake-access-key', secretAccessKey: 'fake-secret-key' };
let counter = 0;

/** Turns on moto's Step Functions interpreter (off by default: executions then never run a state). */
export async function enableMotoStepFunctions(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
  });
  if (!response.ok)
    throw new FirstlineError(
      'E_CONFIG_INVALID',
      `moto at ${endpoint} refused its Step Functions config: ${response.status}`,
    );
}

/** The states entered, from an execution history (`TaskStateEntered` → `{ name, type: 'Task' }`). */
function statesEntered(events: HistoryEvent[]): AslHistoryEntry[] {
  return events.flatMap((event) => {
    const match = /^(\w+?)StateEntered$/.exec(event.type ?? '');
    const name = event.stateEnteredEventDetails?.name;
    return match && name !== undefined ? [{ name, type: match[1]! }] : [];
  });
}

/** The Task calls of an execution history: state, resource ARN, parameters, and the error when it failed. */
function taskCalls(events: HistoryEvent[]): AslTaskCall[] {
  const calls: AslTaskCall[] = [];
  let state = '';
  for (const event of events) {
    if (event.type === 'TaskStateEntered') state = event.stateEnteredEventDetails?.name ?? '';
    const scheduled = event.taskScheduledEventDetails;
    if (scheduled)
      calls.push({
        state,
        resource: `arn:aws:states:::${scheduled.resourceType}:${scheduled.resource}`,
        input: JSON.parse(scheduled.parameters ?? 'null') as unknown,
      });
    const failed = event.taskFailedEventDetails;
    const last = calls.at(-1);
    if (failed && last) last.error = failed.error ?? '';
  }
  return calls;
}

/**
 * Runs a (JSONPath) definition on moto's Step Functions and returns its status, output, error and the
 * states it entered.
 *
 * @example
 * const result = await runAslOnMoto(definition, { instanceId }, { endpoint });
 * expect(result.status).toBe('SUCCEEDED');
 */
export async function runAslOnMoto(
  definition: AslDefinition,
  input: unknown,
  options: RunAslOnMotoOptions,
): Promise<AslMotoRunResult> {
  if (definition.QueryLanguage === 'JSONata')
    throw new FirstlineError(
      'E_INPUT_INVALID',
      "runAslOnMoto: moto's Step Functions runs JSONPath definitions only",
    );
  await enableMotoStepFunctions(options.endpoint);
  const region = options.region ?? 'us-east-1';
  const sfn = new SFNClient({
    endpoint: options.endpoint,
    region,
    credentials: FAKE_CREDENTIALS,
    maxAttempts: 1,
  });
  let stateMachineArn: string | undefined;
  try {
    const name = options.name ?? `firstline-harness-${process.pid}-${++counter}`;
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name,
        definition: JSON.stringify(definition),
        roleArn: options.roleArn ?? 'arn:aws:iam::123456789012:role/firstline-harness',
      }),
    );
    stateMachineArn = machine.stateMachineArn;
    const { executionArn } = await sfn.send(
      // Named: moto names an unnamed execution "None".
      new StartExecutionCommand({
        stateMachineArn,
        name: `${name}-run`,
        input: JSON.stringify(input),
      }),
    );
    if (!executionArn)
      throw new FirstlineError('E_CONFIG_INVALID', 'runAslOnMoto: StartExecution returned no executionArn');

    // moto runs the execution in a thread of its own: poll, within a bound, until it ends.
    const deadline = performance.now() + (options.timeLimitMs ?? 20_000);
    let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    while (described.status === 'RUNNING' && performance.now() < deadline) {
      await sleep(options.pollIntervalMs ?? 50);
      described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    }

    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const seen = { history: statesEntered(events), calls: taskCalls(events), events, executionArn };

    if (described.status === 'RUNNING')
      return {
        status: 'ABORTED',
        error: 'Harness.TimeLimit',
        cause: 'the execution was still running',
        ...seen,
      };
    if (described.status === 'SUCCEEDED')
      return {
        status: 'SUCCEEDED',
        output: JSON.parse(described.output ?? 'null') as unknown,
        ...seen,
      };
    const status =
      described.status === 'TIMED_OUT' || described.status === 'ABORTED' ? described.status : 'FAILED';
    return {
      status,
      error: described.error ?? '',
      cause: described.cause ?? '',
      ...seen,
    };
  } finally {
    // moto 5.2.1 deep-copies a state machine, and through it the whole backend, on StartExecution; a
    // finished execution left in the backend holds a lock that cannot be copied, so every later
    // StartExecution in that region answers 500. Deleting the machine once read keeps the next run working.
    if (stateMachineArn)
      await sfn.send(new DeleteStateMachineCommand({ stateMachineArn })).catch(() => undefined);
    sfn.destroy();
  }
}

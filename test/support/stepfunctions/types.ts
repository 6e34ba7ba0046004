// The shapes the Step Functions harness takes and returns, shared by the local runs (JSONPath on
// aws-local-stepfunctions, JSONata on the harness's own interpreter) and the runs on moto, so a test
// can compare one against the other field by field.

/** One ASL state, as loosely typed as the JSON it comes from: the harness reads the fields it runs. */
export type AslState = Record<string, unknown> & { Type: string };

/** A state machine definition (Amazon States Language), or one branch / item processor inside one. */
export interface AslDefinition {
  /** The first state to run. */
  StartAt: string;
  /** The states by name. */
  States: Record<string, AslState>;
  /** `JSONPath` (the default) or `JSONata`. */
  QueryLanguage?: 'JSONPath' | 'JSONata';
  /** Any other top-level field (Comment, TimeoutSeconds, Version). */
  [field: string]: unknown;
}

/** Runs one Task state: gets the state's name, its `Resource` and its effective input (`Arguments`/`Parameters`). */
export type AslTaskHandler = (stateName: string, resource: string, input: unknown) => Promise<unknown>;

/** How a run ended: the Step Functions execution statuses the harness can produce. */
export type AslRunStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** A state the run entered, in the order entered (branches of a Parallel or Map interleave). */
export interface AslHistoryEntry {
  /** The state's name as written in the definition. */
  name: string;
  /** Its `Type` (`Task`, `Choice`, `Wait`, `Parallel`, `Map`, `Pass`, `Succeed`, `Fail`). */
  type: string;
}

/** One call of a Task state's handler (each retry is a call of its own). */
export interface AslTaskCall {
  /** The Task state's name. */
  state: string;
  /** Its `Resource`. */
  resource: string;
  /** The effective input the handler got. */
  input: unknown;
  /** The error name the handler threw, when it threw. */
  error?: string;
}

/** A retry the run made: which state, after which error, and how long Step Functions would have waited. */
export interface AslRetry {
  /** The state retried. */
  state: string;
  /** The error name that matched the retrier. */
  error: string;
  /** 1 for the first retry of that retrier, 2 for the second… */
  attempt: number;
  /** The delay the retrier asks for (IntervalSeconds × BackoffRate^(attempt−1), capped by MaxDelaySeconds), in ms; with `JitterStrategy: FULL` the upper bound of the random delay. No real time passes. */
  delayMs: number;
}

/** A Wait state the run passed, and how long Step Functions would have waited there (no real time passed). */
export interface AslWait {
  /** The Wait state's name. */
  state: string;
  /** Its Seconds (or SecondsPath's value), when it waits for a number of seconds. */
  seconds?: number;
  /** Its Timestamp (or TimestampPath's value), when it waits until a time. */
  timestamp?: string;
}

/** What a run returned. */
export interface AslRunResult {
  /** How the execution ended. */
  status: AslRunStatus;
  /** The execution's output when it succeeded. */
  output?: unknown;
  /** The error name when it failed or was stopped (`Harness.MaxSteps`, `Harness.TimeLimit` for the harness's own bounds). */
  error?: string;
  /** The error's cause. */
  cause?: string;
  /** The states entered, in order. */
  history: AslHistoryEntry[];
}

/** What a local run returns: a run result plus what the handlers saw. */
export interface AslLocalRunResult extends AslRunResult {
  /** Every Task handler call, in call order. */
  calls: AslTaskCall[];
  /** Every retry, in order. */
  retries: AslRetry[];
  /** Every Wait state passed, in order, with the time it stands for: compare with a simulation's virtual time. */
  waits: AslWait[];
}

// JSONata definitions. aws-local-stepfunctions 3.0.0 has no JSONata query language (no QueryLanguage,
// Arguments, Output, Assign, Condition, `{% %}`; its upstream issue for variables is open), so the
// harness interprets them itself, following the Step Functions documentation: Task, Pass, Choice,
// Wait, Parallel, Map, Succeed and Fail; Arguments/Output/Assign with `$states.input`,
// `$states.result`, `$states.errorOutput` and `$states.context`; workflow variables scoped per
// Parallel branch and Map iteration; Retry and Catch (with their Output/Assign). README.md lists
// what it leaves out.
import { allOrCancel, isCancelled, visibleVariables as visible } from './branches.js';
import type { Cancel, Scope } from './branches.js';
import { isRecord, uniqueStateNames } from './definition.js';
import type { StateInfo } from './definition.js';
import { StatesError, evaluateField } from './jsonataFields.js';
import {
  DEFAULT_MAX_STEPS,
  DEFAULT_TIME_LIMIT_MS,
  asError,
  bindTask,
  errorMatches as matches,
  retryDelayMs,
} from './options.js';
import type { RunAslLocallyOptions } from './options.js';
import type {
  AslDefinition,
  AslHistoryEntry,
  AslLocalRunResult,
  AslRetry,
  AslState,
  AslTaskCall,
  AslWait,
} from './types.js';

/** Why the harness stopped a run (never matched by a definition's Retry or Catch). */
class HarnessStop extends Error {}

/** What one state did: its output and the state to run next (none: the machine ends). */
interface Step {
  output: unknown;
  next?: string;
}

type Context = Record<string, unknown>;

class JsonataRun {
  readonly history: AslHistoryEntry[] = [];
  readonly calls: AslTaskCall[] = [];
  readonly retries: AslRetry[] = [];
  readonly waits: AslWait[] = [];
  private readonly tasks = new Map<AslState, (input: unknown) => Promise<unknown>>();
  private readonly names = new Map<AslState, string>();
  private readonly maxSteps: number;
  private readonly deadline: number;
  private stopped: HarnessStop | undefined;
  private readonly stopSignal: Promise<never>;
  private rejectStop: (error: HarnessStop) => void = () => undefined;

  constructor(
    states: StateInfo[],
    private readonly options: RunAslLocallyOptions,
    private readonly context: Context,
  ) {
    for (const info of states) {
      this.names.set(info.state, info.name);
      if (info.state.Type === 'Task') this.tasks.set(info.state, bindTask(info, options, this.calls));
    }
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    const timeLimit = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
    this.deadline = performance.now() + timeLimit;
    this.stopSignal = new Promise<never>((_, reject) => (this.rejectStop = reject));
    this.stopSignal.catch(() => undefined);
  }

  /** Stops the run: every branch sees it at its next state, every pending handler call is abandoned. */
  stop(error: string, cause: string): never {
    this.stopped ??= Object.assign(new HarnessStop(cause), { name: error });
    this.rejectStop(this.stopped);
    throw this.stopped;
  }

  /** Waits for `work` unless the run is stopped first. */
  private race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.stopSignal]);
  }

  /** Runs one (nested) state machine from its StartAt to its end. */
  async runMachine(
    machine: AslDefinition,
    input: unknown,
    scope: Scope,
    cancel?: Cancel,
    mapItem?: Context,
  ): Promise<unknown> {
    let name: string | undefined = machine.StartAt;
    let current = input;
    while (name !== undefined) {
      const state = machine.States[name];
      if (!state) throw new StatesError('States.Runtime', `no state named "${name}"`);
      if (this.stopped) throw this.stopped;
      if (isCancelled(cancel)) throw new StatesError('States.BranchFailed', 'a sibling branch failed');
      this.history.push({ name: this.names.get(state) ?? name, type: state.Type });
      if (this.history.length > this.maxSteps)
        this.stop(
          'Harness.MaxSteps',
          `the run entered more than ${this.maxSteps} states: it loops (or raise maxSteps)`,
        );
      if (performance.now() > this.deadline)
        this.stop('Harness.TimeLimit', 'the run took longer than its time limit');
      const context = {
        ...this.context,
        State: { Name: this.names.get(state) ?? name, RetryCount: 0 },
        ...mapItem,
      };
      const step: Step = await this.runState(state, current, scope, context, cancel);
      current = step.output;
      name = step.next;
    }
    return current;
  }

  private states(input: unknown, context: Context, extra: Context = {}) {
    return { input, context, ...extra };
  }

  /** Evaluates a state's (or catcher's, or choice rule's) Output and Assign, then applies the Assign. */
  private async finish(
    holder: AslState | Record<string, unknown>,
    scope: Scope,
    $states: Context,
    fallback: unknown,
    where: string,
  ): Promise<unknown> {
    const bindings = { ...visible(scope), states: $states };
    // Output and Assign both see the variables as they were before the state: assign afterwards.
    const output =
      'Output' in holder ? await evaluateField(holder.Output, bindings, `${where}.Output`) : fallback;
    if (holder.Assign !== undefined) {
      const assigned = await evaluateField(holder.Assign, bindings, `${where}.Assign`);
      if (!isRecord(assigned)) throw new StatesError('States.Runtime', `${where}.Assign is not an object`);
      Object.assign(scope.vars, assigned);
    }
    return output;
  }

  private async runState(
    state: AslState,
    input: unknown,
    scope: Scope,
    context: Context,
    cancel: Cancel | undefined,
  ): Promise<Step> {
    const name = this.names.get(state) ?? '';
    const where = `States.${name}`;
    const next = state.End === true ? undefined : (state.Next as string | undefined);
    const bindings = () => ({ ...visible(scope), states: this.states(input, context) });
    switch (state.Type) {
      case 'Pass':
      case 'Succeed':
        return {
          output: await this.finish(state, scope, this.states(input, context), input, where),
          ...(state.Type === 'Pass' && { next }),
        };
      case 'Wait': {
        // Evaluated for their errors only: no real time passes.
        const seconds = await evaluateField(state.Seconds ?? 0, bindings(), `${where}.Seconds`);
        if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0)
          throw new StatesError(
            'States.QueryEvaluationError',
            `${where}.Seconds is not a non-negative integer`,
          );
        const timestamp = await evaluateField(state.Timestamp ?? '', bindings(), `${where}.Timestamp`);
        if (typeof timestamp !== 'string' || (timestamp !== '' && Number.isNaN(Date.parse(timestamp))))
          throw new StatesError('States.QueryEvaluationError', `${where}.Timestamp is not a timestamp`);
        this.waits.push({
          state: this.names.get(state) ?? '',
          ...('Timestamp' in state ? { timestamp } : { seconds }),
        });
        await this.race(this.pause());
        return { output: await this.finish(state, scope, this.states(input, context), input, where), next };
      }
      case 'Fail': {
        const error = await evaluateField(state.Error ?? 'States.Fail', bindings(), `${where}.Error`);
        const cause = await evaluateField(state.Cause ?? '', bindings(), `${where}.Cause`);
        throw new StatesError(String(error), String(cause));
      }
      case 'Choice':
        return this.choose(state, input, scope, context, where);
      case 'Task':
      case 'Parallel':
      case 'Map':
        return this.withRetryAndCatch(state, input, scope, context, where, next, cancel);
      default:
        throw new StatesError('States.Runtime', `${where}: unknown state Type "${state.Type}"`);
    }
  }

  private pause(): Promise<void> {
    const ms = this.options.waitTimeOverride ?? 0;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }

  private async choose(
    state: AslState,
    input: unknown,
    scope: Scope,
    context: Context,
    where: string,
  ): Promise<Step> {
    const $states = this.states(input, context);
    const rules = Array.isArray(state.Choices) ? state.Choices : [];
    for (const [i, rule] of rules.entries()) {
      if (!isRecord(rule)) continue;
      const verdict = await evaluateField(
        rule.Condition,
        { ...visible(scope), states: $states },
        `${where}.Choices[${i}].Condition`,
      );
      if (typeof verdict !== 'boolean')
        throw new StatesError(
          'States.QueryEvaluationError',
          `${where}.Choices[${i}].Condition is not a boolean`,
        );
      if (!verdict) continue;
      // A matched rule's own Output/Assign apply; without them, the state's.
      const holder = 'Output' in rule || 'Assign' in rule ? rule : state;
      return { output: await this.finish(holder, scope, $states, input, where), next: rule.Next as string };
    }
    if (typeof state.Default !== 'string')
      throw new StatesError('States.NoChoiceMatched', `${where}: no choice rule matched`);
    return { output: await this.finish(state, scope, $states, input, where), next: state.Default };
  }

  /** Runs a Task, Parallel or Map body under its Retry and Catch. */
  private async withRetryAndCatch(
    state: AslState,
    input: unknown,
    scope: Scope,
    context: Context,
    where: string,
    next: string | undefined,
    cancel: Cancel | undefined,
  ): Promise<Step> {
    const retriers = (Array.isArray(state.Retry) ? state.Retry : []).filter(isRecord);
    const attempts = retriers.map(() => 0);
    for (;;) {
      try {
        const result = await this.body(state, input, scope, context, where, cancel);
        const $states = this.states(input, context, { result });
        return { output: await this.finish(state, scope, $states, result, where), next };
      } catch (thrown) {
        if (thrown instanceof HarnessStop) throw thrown;
        const error = asError(thrown);
        const i = retriers.findIndex((r) => matches(r.ErrorEquals, error, state.Type));
        const retrier = retriers[i];
        if (retrier && attempts[i]! < (typeof retrier.MaxAttempts === 'number' ? retrier.MaxAttempts : 3)) {
          attempts[i]!++;
          this.retries.push({
            state: this.names.get(state) ?? '',
            error: error.name,
            attempt: attempts[i]!,
            delayMs: retryDelayMs(retrier, attempts[i]!),
          });
          context = { ...context, State: { ...(context.State as Context), RetryCount: attempts[i] } };
          continue;
        }
        const catchers = (Array.isArray(state.Catch) ? state.Catch : []).filter(isRecord);
        const catcher = catchers.find((c) => matches(c.ErrorEquals, error, state.Type));
        if (!catcher) throw error;
        const errorOutput = { Error: error.name, Cause: error.message };
        const $states = this.states(input, context, { errorOutput });
        const output = await this.finish(catcher, scope, $states, errorOutput, `${where}.Catch`);
        return { output, next: catcher.Next as string };
      }
    }
  }

  /** A Task's handler result, a Parallel's branch outputs, a Map's item outputs. */
  private async body(
    state: AslState,
    input: unknown,
    scope: Scope,
    context: Context,
    where: string,
    cancel: Cancel | undefined,
  ): Promise<unknown> {
    const bindings = { ...visible(scope), states: this.states(input, context) };
    if (state.Type === 'Task') {
      const args =
        'Arguments' in state ? await evaluateField(state.Arguments, bindings, `${where}.Arguments`) : input;
      return this.race(this.tasks.get(state)!(args));
    }
    if (state.Type === 'Parallel') {
      const args =
        'Arguments' in state ? await evaluateField(state.Arguments, bindings, `${where}.Arguments`) : input;
      const branches = state.Branches as AslDefinition[];
      return allOrCancel(branches.length, cancel, (c, i) =>
        this.runMachine(branches[i]!, args, { vars: {}, parent: scope }, c),
      );
    }
    const evaluated = 'Items' in state ? await evaluateField(state.Items, bindings, `${where}.Items`) : input;
    if (!Array.isArray(evaluated))
      throw new StatesError('States.QueryEvaluationError', `${where}.Items is not an array`);
    const items: unknown[] = evaluated;
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition;
    const limit =
      typeof state.MaxConcurrency === 'number' && state.MaxConcurrency > 0
        ? state.MaxConcurrency
        : items.length;
    const results: unknown[] = new Array<unknown>(items.length);
    let nextIndex = 0;
    const worker = async (c: Cancel) => {
      for (let i = nextIndex++; i < items.length && !isCancelled(c); i = nextIndex++) {
        const mapItem = { Map: { Item: { Index: i, Value: items[i] } } };
        const itemStates = this.states(input, { ...context, ...mapItem });
        const itemInput =
          'ItemSelector' in state
            ? await evaluateField(
                state.ItemSelector,
                { ...visible(scope), states: itemStates },
                `${where}.ItemSelector`,
              )
            : items[i];
        results[i] = await this.runMachine(processor, itemInput, { vars: {}, parent: scope }, c, mapItem);
      }
    };
    await allOrCancel(Math.min(limit, items.length), cancel, (c) => worker(c));
    return results;
  }
}

/** Runs a JSONata definition on the harness's interpreter; see `runAslLocally`. */
export async function runJsonata(
  definition: AslDefinition,
  input: unknown,
  options: RunAslLocallyOptions,
): Promise<AslLocalRunResult> {
  const unique = uniqueStateNames(definition);
  const context: Context = {
    ...options.context,
    Execution: {
      Id: 'arn:aws:states:us-east-1:123456789012:execution:local:harness',
      Name: 'harness',
      StartTime: new Date(0).toISOString(),
      ...(isRecord(options.context?.Execution) ? options.context.Execution : {}),
      Input: input,
    },
  };
  const run = new JsonataRun(unique.states, options, context);
  const timer = setTimeout(() => {
    try {
      run.stop(
        'Harness.TimeLimit',
        `the run took longer than ${options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS} ms of real time`,
      );
    } catch {
      // stop() throws for the run's own callers; the timer only needs the signal.
    }
  }, options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
  const done = { history: run.history, calls: run.calls, retries: run.retries, waits: run.waits };
  try {
    const output = await run.runMachine(unique.definition, input, { vars: {} });
    return { status: 'SUCCEEDED', output, ...done };
  } catch (thrown) {
    if (thrown instanceof HarnessStop)
      return { status: 'ABORTED', error: thrown.name, cause: thrown.message, ...done };
    if (thrown instanceof StatesError || thrown instanceof Error)
      return { status: 'FAILED', error: thrown.name, cause: thrown.message, ...done };
    throw thrown;
  } finally {
    clearTimeout(timer);
  }
}

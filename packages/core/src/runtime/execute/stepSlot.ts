import type { PlaybookIR } from '../../compile/ir.js';
import { STEP_DONE, STEP_ERROR } from '../../compile/stepEvents.js';
import type { StepReceiver } from '../../compile/machinePort.js';
import { runStep } from '../runStep.js';
import { StepStop } from '../stepStop.js';
import type { RunServices } from '../services.js';
import type { RunContext, StepInput, StepResult } from '../types.js';
import { ownValue } from '../../util/ownRecord.js';

/**
 * The step in progress of one run. The machine starts a step when it enters the step's state and hears
 * its end as an event (`step.done.<key>`, `step.error.<key>`): no actor is spawned per step. One stop
 * (a {@link StepStop}, not an AbortController) serves the run's steps in turn; it aborts when the machine
 * leaves a step before its end (deadline, cancel) or the run is handed back, and the next step gets a
 * fresh one.
 */
export class StepSlot {
  private stop: StepStop | undefined;
  /** The key of the step started and not yet ended. */
  private running: string | undefined;

  /** The key of the step started and not yet ended, if any. */
  get current(): string | undefined {
    return this.running;
  }

  /** The slot of the run whose services are `services`. */
  constructor(private readonly services: RunServices) {}

  /**
   * Starts the step of state `key`; its end is sent to `machine`, unless it was left or stopped meanwhile.
   * `continues`: see StepInput.continues.
   */
  start(
    key: string,
    context: RunContext,
    machine: StepReceiver,
    legacy?: Pick<StepInput, 'until' | 'hold'>,
    continues?: number,
  ): void {
    const input = stepInput(this.services.ir, key, context, legacy);
    if (continues !== undefined) input.continues = continues;
    const signal = (this.stop ??= new StepStop());
    this.running = key;
    let work: Promise<StepResult>;
    try {
      work = runStep(this.services, input, signal);
    } catch (error) {
      work = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const settle = (event: { type: string; output?: StepResult; error?: unknown }) => {
      // Left before it ended (the run timed out, was cancelled or handed back): the machine moved on.
      if (signal.aborted) return;
      if (this.running === key) this.running = undefined;
      if (machine.getSnapshot().status === 'active') machine.send(event);
    };
    work.then(
      (output) => settle({ type: STEP_DONE + key, output }),
      (error: unknown) => settle({ type: STEP_ERROR + key, error }),
    );
  }

  /** The machine left the state of `key`: a step still running there is stopped. */
  leave(key: string): void {
    if (this.running === key) this.abort();
  }

  /** Stops the step in progress, if any (the run is handed back or stopped). */
  abort(): void {
    const stop = this.stop;
    this.stop = undefined;
    // Nothing running, nothing to tell: an abort (its AbortError) costs more than a whole step.
    if (this.running === undefined) return;
    this.running = undefined;
    stop?.abort();
  }
}

/** What a step of state `key` starts with: its visit, the scope it reads, and a timed step's deadline. */
function stepInput(
  ir: PlaybookIR,
  key: string,
  context: RunContext,
  legacy?: Pick<StepInput, 'until' | 'hold'>,
): StepInput {
  const id = ir.nodes.get(key)?.id ?? key;
  const input: StepInput = {
    node: key,
    visit: (ownValue(context.visits, id) ?? 0) + 1,
    scope: { inputs: context.inputs, trigger: context.trigger, run: context.run, steps: context.steps },
  };
  const timed = context.wait ?? legacy;
  if (timed?.until !== undefined) input.until = timed.until;
  if (timed?.hold !== undefined) input.hold = timed.hold;
  return input;
}

import type { RunContext, StepRecord } from '../runtime/types.js';

/** What a step's end is sent to: the run's machine (an XState actor ref). */
export interface StepReceiver {
  send(event: { type: string }): void;
  getSnapshot(): { status: string };
}

/**
 * What a compiled machine's own actions need from the run executing it: the run's time, and a way to
 * put decisions and the steps the machine ends itself into the trace. The runtime implements it once
 * per run; the compiler only depends on this shape, never on the runtime's modules.
 */
export interface MachinePort {
  /** The run's clock time (virtual in simulations). */
  now(): number;
  /** Puts a decision, in words, into the trace. */
  decide(message: string, step?: string): void;
  /**
   * Ends a step the machine stopped itself (it crashed, or the run's deadline or a cancel cut it short):
   * reports it in the trace and returns its record (`record` itself, its times added: pass a fresh
   * object), its start time taken from when the step started.
   */
  endStep(record: Omit<StepRecord, 'startedAt' | 'endedAt'>): StepRecord;
  /** A thrown value as a plain message, secret values taken out. */
  describeError(error: unknown): string;
  /**
   * Starts the step of state `key` as the machine enters it, for the run in `context`; its end comes back
   * to `machine` as `step.done.<key>` (or `step.error.<key>` if the step itself crashed).
   */
  startStep(key: string, context: RunContext, machine: StepReceiver): void;
  /** The machine left the state of `key`: a step still running there is stopped (its end goes nowhere). */
  leaveStep(key: string): void;
}

// The port rides on the run's own actor system: per run, no module-level registry, and the same key
// for every installed copy of the package (a machine compiled by one copy can be run by another).
const PORT = Symbol.for('firstline.machinePort');

/** Attaches a run's port to the actor system its machine runs in. */
export function attachPort(system: object, port: MachinePort): void {
  Object.defineProperty(system, PORT, { value: port, configurable: true, enumerable: false });
}

/** The port of the run an actor belongs to, or undefined outside a run (path enumeration traverses machines without one). */
export function portOf(system: object | undefined): MachinePort | undefined {
  return system ? ((system as Record<symbol, unknown>)[PORT] as MachinePort | undefined) : undefined;
}

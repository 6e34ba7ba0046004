import type { AnyStateMachine } from 'xstate';
import { registerVariant } from '../compile/compilePlaybook.js';
import type { CompiledPlaybook } from '../compile/compilePlaybook.js';
import type { ModeStrategy } from './modes.js';
import { createStepActors } from './stepActors.js';

/**
 * The machine a mode runs: the compiled machine given the mode's step actors with `machine.provide()`,
 * made once per compiled playbook and mode (providing costs about a third of a whole simulated run).
 * The actors find each run's services through the run's actor system, so one machine serves every run.
 */
export function machineFor(compiled: CompiledPlaybook, strategy: ModeStrategy): AnyStateMachine {
  let machine = compiled.variants.get(strategy.mode);
  if (!machine) {
    machine = compiled.machine.provide({ actors: createStepActors(compiled.ir, strategy.invoke) });
    compiled.variants.set(strategy.mode, machine);
    registerVariant(compiled, machine);
  }
  return machine;
}

// The events a run's machine hears from its steps: `step.done.<key>` with the step's result,
// `step.error.<key>` when the step itself crashed. Keyed by the step's state, so a late answer from a
// step the machine already left can never be taken for another step's.

/** Prefix of the event a step's result comes back in (`output`: its StepResult). */
export const STEP_DONE = 'step.done.';

/** Prefix of the event a crashed step comes back in (`error`: what it threw). */
export const STEP_ERROR = 'step.error.';

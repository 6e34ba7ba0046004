// The baselines the engine's per-step overhead is compared with: the same chain of steps written by
// hand, once as an XState v5 machine and once as a plain async loop. Plain JavaScript, because xstate
// is a dependency of @firstline/core, not of the workspace root: it is loaded from the core package,
// so the hand-written machine runs on the very copy of xstate the engine's machines run on.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../packages/core/package.json', import.meta.url));
const { assign, createActor, fromPromise, setup, toPromise } = require('xstate');

/**
 * A machine with one state per step, each invoking `run` (a promise actor) and keeping its output in
 * the context before moving on: what one would write by hand for an n-step sequence.
 * @param {number} n
 * @param {(input: { step: string }) => Promise<unknown>} run
 * @returns {unknown}
 */
export function createHandwrittenMachine(n, run) {
  const states = {};
  for (let i = 0; i < n; i++) {
    const id = `s${i}`;
    states[id] = {
      invoke: {
        src: 'step',
        input: () => ({ step: id }),
        onDone: {
          target: i + 1 < n ? `s${i + 1}` : 'done',
          actions: assign(({ context, event }) => ({ outputs: { ...context.outputs, [id]: event.output } })),
        },
        onError: { target: 'failed' },
      },
    };
  }
  states.done = { type: 'final' };
  states.failed = { type: 'final' };
  return setup({ actors: { step: fromPromise(({ input }) => run(input)) } }).createMachine({
    id: 'handwritten',
    context: { outputs: {} },
    initial: 's0',
    states,
    output: ({ context }) => context.outputs,
  });
}

/**
 * Runs the hand-written machine once to its final state.
 * @param {unknown} machine
 * @returns {Promise<unknown>}
 */
export function runHandwritten(machine) {
  const actor = createActor(machine);
  const done = toPromise(actor);
  actor.start();
  return done;
}

/**
 * The same n steps as a plain async loop: no state machine at all.
 * @param {number} n
 * @param {(input: { step: string }) => Promise<unknown>} run
 * @returns {Promise<Record<string, unknown>>}
 */
export async function runPlainAsync(n, run) {
  const outputs = {};
  for (let i = 0; i < n; i++) {
    const step = `s${i}`;
    outputs[step] = await run({ step });
  }
  return outputs;
}

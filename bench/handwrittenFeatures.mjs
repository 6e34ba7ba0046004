// Hand-written XState machines with the features a Firstline step has, for the per-step and simulation
// rows that compare like with like: each step is an invoked promise actor whose action reads its
// AbortSignal (XState's own, aborted when the actor is stopped), a step timeout (a delayed transition),
// a guard on the outcome, a run deadline (a delayed transition on the root) and a CANCEL event.
// Plain JavaScript loading xstate from the core package, like handwritten.mjs, so both sides run on
// the same copy of xstate.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../packages/core/package.json', import.meta.url));
const { assign, createActor, fromPromise, setup, toPromise } = require('xstate');

/** Settings shared with the Firstline playbooks they are compared with (its defaults and ec2-first-line's). */
const DELAYS = { stepTimeout: 20_000, runDeadline: 30 * 60_000, recheckWait: 120_000 };

/** The outcome guard of every step: the action answered, and said ok. */
const passed = ({ event }) => event.output?.ok === true;

/**
 * The states of one step: invoke `action` with the step's id, keep its output, go to `pass` when
 * `guard` holds and to `fail` otherwise; an error or the step timeout goes to `fail` too.
 * @param {string} id
 * @param {string | Array<{ guard?: unknown, target: string }>} pass
 * @param {string | Array<{ guard?: unknown, target: string }>} fail
 * @param {(args: { context: any, event: any }) => boolean} [guard]
 */
function step(id, pass, fail, guard = passed) {
  const keep = assign(({ context, event }) => ({ outputs: { ...context.outputs, [id]: event.output } }));
  const targets = (t) => (typeof t === 'string' ? [{ target: t }] : t);
  return {
    invoke: {
      src: 'action',
      input: ({ context }) => ({ step: id, script: context.script }),
      onDone: [
        ...targets(pass).map((t) => ({
          ...t,
          guard: t.guard ? (a) => guard(a) && t.guard(a) : guard,
          actions: keep,
        })),
        ...targets(fail).map((t) => ({ ...t, actions: keep })),
      ],
      onError: targets(fail),
    },
    after: { stepTimeout: targets(fail) },
  };
}

/** The root of both machines: the run deadline and cancellation around `states`. */
function root(id, initial, states, actions, extraGuards = {}) {
  return setup({
    actors: { action: fromPromise(actions) },
    delays: DELAYS,
    guards: extraGuards,
  }).createMachine({
    id,
    context: ({ input }) => ({ outputs: {}, round: 0, script: input?.script }),
    initial,
    after: { runDeadline: `.timedOut` },
    on: { CANCEL: `.cancelled` },
    states: {
      ...states,
      timedOut: { type: 'final' },
      cancelled: { type: 'final' },
    },
    output: ({ context }) => context.outputs,
  });
}

/**
 * An n-step chain with Firstline's per-step features, calling `run({ step, signal })` in each step.
 * @param {number} n
 * @param {(input: { step: string, signal: AbortSignal }) => Promise<unknown>} run
 * @returns {unknown}
 */
export function createEquivalentMachine(n, run) {
  const states = {};
  for (let i = 0; i < n; i++) states[`s${i}`] = step(`s${i}`, i + 1 < n ? `s${i + 1}` : 'done', 'failed');
  states.done = { type: 'final' };
  states.failed = { type: 'final' };
  return root('equivalent', 's0', states, ({ input, signal }) => run({ step: input.step, signal }));
}

/**
 * Runs a machine to its final state, with an optional clock; resolves with the final snapshot's state.
 * @param {unknown} machine
 * @param {{ clock?: unknown, input?: unknown }} [options]
 * @returns {{ actor: { getSnapshot(): { status: string, context: { outputs: Record<string, unknown> } }, send(event: { type: string }): void }, done: Promise<unknown> }}
 */
export function startHandwritten(machine, options = {}) {
  const actor = createActor(machine, options);
  const done = toPromise(actor).then(() => actor.getSnapshot().value);
  actor.start();
  return { actor, done };
}

/**
 * The scripted action of the simulated flow: each call of a step takes the next outcome of its list
 * (the last repeating), like simulatePlaybook's `outcomes`; a stopped step never answers.
 * @param {{ input: { step: string, script: { outcomes: Record<string, string[]>, used: Record<string, number> } }, signal: AbortSignal }} args
 */
function scripted({ input, signal }) {
  if (signal.aborted) return Promise.reject(signal.reason);
  const { outcomes, used } = input.script;
  const list = outcomes[input.step];
  const n = (used[input.step] = (used[input.step] ?? 0) + 1);
  const outcome = list ? list[Math.min(n, list.length) - 1] : 'pass';
  const value = input.step === 'cpu' ? { value: 12 } : {};
  return Promise.resolve({ ok: outcome === 'pass', ...value });
}

/**
 * examples/playbooks/ec2-first-line.yaml written by hand: checks url, route53 and cpu (with its
 * `value < 90` guard) in order; a failed check reboots, waits 2 minutes (a delayed transition) and
 * checks again once; then Slack when recovered, OpsGenie when not; run deadline 30m, steps 20s each.
 * @returns {unknown}
 */
export function createEc2Machine() {
  const recheck = ({ context }) => context.round > 0;
  const checksFail = [{ guard: recheck, target: 'alertUnrecovered' }, { target: 'reboot' }];
  const states = {
    url: step('url', 'route53', checksFail),
    route53: step('route53', 'cpu', checksFail),
    cpu: step(
      'cpu',
      [{ guard: recheck, target: 'notifyRecovered' }, { target: 'healthy' }],
      checksFail,
      (a) => passed(a) && a.event.output.value < 90,
    ),
    reboot: step('reboot', 'wait', 'alertUnrecovered'),
    wait: { after: { recheckWait: { target: 'url', actions: assign({ round: 1 }) } } },
    notifyRecovered: step('slack', 'recovered', 'recovered'),
    alertUnrecovered: step('opsgenie', 'unrecovered', 'unrecovered'),
    healthy: { type: 'final' },
    recovered: { type: 'final' },
    unrecovered: { type: 'final' },
  };
  return root('ec2-first-line', 'url', states, scripted);
}

/**
 * One simulated run of the hand-written ec2 flow on `clock` (a virtual clock), driven by `drive`
 * (core's driveVirtualClock: settle the event loop, then jump to the next timer).
 * @param {unknown} machine
 * @template {object} C
 * @param {C} clock
 * @param {(clock: C, done: () => boolean) => Promise<void>} drive
 * @param {Record<string, string[]>} outcomes
 * @returns {Promise<unknown>}
 */
export async function simulateEc2(machine, clock, drive, outcomes) {
  const { actor, done } = startHandwritten(machine, { clock, input: { script: { outcomes, used: {} } } });
  await drive(clock, () => actor.getSnapshot().status !== 'active');
  return done;
}

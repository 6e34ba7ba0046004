import { assign, setup } from 'xstate';
import type { StepOutcome } from '../format/types.js';
import type { MachineOutput, RunContext, RunEvent, StepRecord, StepResult } from '../runtime/types.js';
import { decideInconclusive } from './inconclusive.js';
import { stuckMessage, watchLoop } from './loopWatch.js';
import type { LoopWatch } from './loopWatch.js';
import type { PlaybookIR } from './ir.js';
import { portOf } from './machinePort.js';
import { STEP_ERROR } from './stepEvents.js';
import { FirstlineError } from '../errors.js';
import { ownRecord, ownValue, withOwn } from '../util/ownRecord.js';

/** A judge's guard on the round, as a folded branch carries it: the first round, or rounds left to remediate. */
export type JudgeWhen = { type: 'firstRound' } | { type: 'mayRemediate'; params: { rounds: number } };

/** What a transition sets after recording a step, folded into the `record` action (see buildMachine). */
export interface RecordParams {
  /** The run's outcome (what `setOutcome` would set). */
  outcome?: string;
  /** The next round begins (what `nextRound` would do). */
  nextRound?: true;
}

function judged(context: RunContext, when: JudgeWhen): boolean {
  return when.type === 'firstRound' ? context.round === 0 : context.round < when.params.rounds;
}

// The guards and actions every compiled machine shares. They are parameterised (XState `params`)
// by the node they act for, so the machine's config stays plain data built from the IR.

/**
 * XState's `setup` for a compiled playbook: the run's types, and the guards and actions every machine
 * shares. `createMachine` is then called with the config built from the IR.
 */
export function machineSetup(ir: PlaybookIR) {
  return setup({
    types: {
      context: {} as RunContext,
      events: {} as RunEvent,
      input: {} as RunContext,
      output: {} as MachineOutput,
    },
    // Which transition an outcome, a visit count or the round takes.
    guards: {
      // `when`: the branch of a judge folded into the step's transition (see buildMachine).
      outcomeIn: ({ context, event }, params: { outcomes: StepOutcome[]; when?: JudgeWhen }) =>
        params.outcomes.includes((event as unknown as { output: StepResult }).output.outcome) &&
        (params.when === undefined || judged(context, params.when)),
      exhausted: ({ context }, params: { id: string; max: number }) =>
        (ownValue(context.visits, params.id) ?? 0) >= params.max,
      firstRound: ({ context }) => judged(context, { type: 'firstRound' }),
      mayRemediate: ({ context }, params: { rounds: number }) =>
        judged(context, { type: 'mayRemediate', params }),
      remediated: ({ context }) => context.remediated,
      halted: ({ event }) => (event as unknown as { output: StepResult }).output.halt === true,
      // A step that ended past the run's deadline: the deadline timer may not have had a turn to fire
      // (a busy event loop), so the run checks the time the step itself ended.
      pastDeadline: ({ context, event }) =>
        (event as unknown as { output: StepResult }).output.records.some(
          (r) => r.endedAt > context.run.deadline,
        ),
      loopStop: ({ context }, params: { stop: NonNullable<LoopWatch['stop']> }) =>
        context.loop?.stop === params.stop,
    },
    // Start and stop steps, record their results, count visits, set the outcome, and trace decisions.
    actions: {
      // The run's services carry the step out and send its end back; a machine started outside a run
      // has none, and its step fails the run saying so (as an event: never inside the transition).
      startStep: ({ context, self }, params: { key: string }) => {
        const port = portOf(self.system);
        if (port) port.startStep(params.key, context, self);
        else
          queueMicrotask(() =>
            self.send({
              type: `${STEP_ERROR}${params.key}`,
              error: new FirstlineError(
                'E_SIMULATION',
                'a Firstline machine must be run with runPlaybook or simulatePlaybook',
              ),
            } as never),
          );
      },
      leaveStep: ({ self }, params: { key: string }) => portOf(self.system)?.leaveStep(params.key),
      // A wait, a poll or an approval fixes its absolute deadline as it starts: a resumed run keeps it.
      // The first step's entry is resolved while the actor is created, before the run's services are
      // bound to it: the run's start time is then the current time.
      arm: assign(({ context, self }, params: { ms: number; hold?: 'approval' }) => ({
        wait: {
          until: (portOf(self.system)?.now() ?? context.run.startedAt) + params.ms,
          ...(params.hold && { hold: params.hold }),
        },
      })),
      visit: assign(({ context, self }, params: { id: string }) => ({
        loop: watchLoop(ir, context, params.id, portOf(self.system)?.now()),
        visits: withOwn(context.visits, params.id, (ownValue(context.visits, params.id) ?? 0) + 1),
      })),
      stuck: ({ self }, params: { id: string }) =>
        portOf(self.system)?.decide(stuckMessage(params.id), params.id),
      // One assign for what a step's end changes: XState copies the context and the snapshot for every
      // assign, so the outcome and the round a transition sets after it are folded in (`params`), and a
      // wait's deadline is cleared here rather than by an exit action of its own.
      record: assign(({ context, event }, params?: RecordParams) => {
        const result = (event as unknown as { output: StepResult }).output;
        const steps = ownRecord(context.steps);
        const visits = ownRecord(context.visits);
        for (const r of result.records) {
          steps[r.id] = r;
          visits[r.id] = r.visits;
        }
        const update: Partial<RunContext> = {
          steps,
          visits,
          remediated: context.remediated || result.remediated === true,
        };
        // A step ran: the gotos after it start a new watch.
        if (context.loop) update.loop = undefined;
        if (context.wait !== undefined) update.wait = undefined;
        if (params?.nextRound) update.round = context.round + 1;
        if (params?.outcome !== undefined) {
          update.outcome = params.outcome;
          update.run = { ...context.run, outcome: params.outcome };
        }
        return update;
      }),
      crashed: assign(({ context, event, self }, params: { id: string }) => {
        const port = portOf(self.system);
        const error = (event as { error?: unknown }).error;
        const message =
          port?.describeError(error) ?? (error instanceof Error ? error.message : 'the step crashed');
        const ended = {
          id: params.id,
          outcome: 'error' as const,
          attempts: 0,
          visits: (ownValue(context.visits, params.id) ?? 0) + 1,
          error: `internal error: ${message}`,
        };
        const now = port?.now() ?? 0;
        const record: StepRecord = port?.endStep(ended) ?? { ...ended, startedAt: now, endedAt: now };
        return {
          steps: withOwn(context.steps, params.id, record),
          visits: withOwn(context.visits, params.id, record.visits),
          ...(context.wait !== undefined && { wait: undefined }),
        };
      }),
      skipExhausted: assign(({ context, self }, params: { id: string; max: number }) => {
        const port = portOf(self.system);
        const now = port?.now() ?? 0;
        const error = `maxVisits ${params.max} reached: skipped, the run goes on with the next step`;
        port?.decide(`${params.id}: ${error}`, params.id);
        const previous = ownValue(context.steps, params.id);
        const record: StepRecord = {
          ...(previous ?? { id: params.id, attempts: 0, startedAt: now }),
          outcome: 'skipped',
          visits: ownValue(context.visits, params.id) ?? 0,
          error,
          endedAt: now,
        };
        return { steps: withOwn(context.steps, params.id, record) };
      }),
      setOutcome: assign(({ context }, params: { outcome: string }) => ({
        outcome: params.outcome,
        run: { ...context.run, outcome: params.outcome },
      })),
      // The step cut short by the deadline or a cancel never reports back: record it here, so the
      // result and the notifications (`steps.<id>`) say which step was running.
      stopped: assign(({ context, self }, params: { outcome: string }) => {
        const port = portOf(self.system);
        const why = params.outcome === 'timed_out' ? 'the run reached its deadline' : 'the run was cancelled';
        port?.decide(`${why}: ${params.outcome}`);
        const value = (self.getSnapshot() as { value?: unknown }).value;
        const node = typeof value === 'string' ? ir.nodes.get(value) : undefined;
        // A wait, poll or approval cut short: its deadline goes with it (see `record`).
        const disarmed = context.wait !== undefined ? { wait: undefined } : {};
        if (!node || node.kind === 'goto' || node.kind === 'judge' || !port) return disarmed;
        const record = port.endStep({
          id: node.id,
          ...(node.kind === 'action' && { action: node.action }),
          outcome: params.outcome === 'timed_out' ? 'timeout' : 'error',
          attempts: ownValue(context.steps, node.id)?.attempts ?? 1,
          visits: (ownValue(context.visits, node.id) ?? 0) + 1,
          error: `interrupted: ${why}`,
        });
        return { steps: withOwn(context.steps, node.id, record), ...disarmed };
      }),
      decide: ({ context, self }, params: { message: string; rounds?: number }) => {
        const round = params.rounds !== undefined ? ` (round ${context.round + 1} of ${params.rounds})` : '';
        portOf(self.system)?.decide(`${params.message}${round}`);
      },
      nextRound: assign(({ context }) => ({ round: context.round + 1 })),
      inconclusive: assign(({ context, self }, params: { step: string }) =>
        decideInconclusive(ir, context, params.step, portOf(self.system)),
      ),
    },
  });
}

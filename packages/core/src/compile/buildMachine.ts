import type { AnyStateMachine } from 'xstate';
import type { StepOutcome } from '../format/types.js';
import type { MachineOutput, RunContext } from '../runtime/types.js';
import { STEP_DONE, STEP_ERROR } from './stepEvents.js';
import type { IRNode, PlaybookIR, Target } from './ir.js';
import { machineSetup } from './machineImplementations.js';
import type { JudgeWhen, RecordParams } from './machineImplementations.js';
import { ownRecord } from '../util/ownRecord.js';

const stateId = (key: string) => `s:${key}`;

/** One branch of a judge: taken when its guard (on the round) holds; the first that holds wins. */
interface JudgeBranch {
  guard?: { type: string; params?: object };
  target: string;
  actions: unknown[];
}

/** An action of a transition, as the machine's config holds it. */
interface ActionConfig {
  type: string;
  params?: object;
}

/**
 * A transition's actions with the `setOutcome` and `nextRound` that follow its `record` folded into it
 * (see RecordParams): XState copies the context and the snapshot once per assign. `nextRound` folds only
 * when it comes right after the record, `setOutcome` when only `decide`s stand between them (a decision
 * reads the round, never the outcome); anything else stays as it is.
 */
function foldIntoRecord(actions: readonly unknown[]): unknown[] {
  const list = actions as ActionConfig[];
  if (list[0]?.type !== 'record') return [...list];
  const params: RecordParams = {};
  const rest: ActionConfig[] = [];
  let i = 1;
  if (list[i]?.type === 'nextRound') {
    params.nextRound = true;
    i++;
  }
  for (; i < list.length; i++) {
    const action = list[i]!;
    if (action.type === 'setOutcome' && rest.every((a) => a.type === 'decide'))
      params.outcome = (action.params as { outcome: string }).outcome;
    else rest.push(action);
  }
  const record = Object.keys(params).length > 0 ? { type: 'record', params } : { type: 'record' };
  return [record, ...rest];
}

/**
 * Builds the XState machine for an IR: one state per node; a step's state starts the step on entry and
 * takes its outcome from the event the step ends with. Run-specific things (clock, secrets, journal, the
 * mode's way of invoking actions) are found through the actor system at run time, so one machine serves
 * every run in every mode.
 */
export function buildMachine(ir: PlaybookIR): AnyStateMachine {
  const gateOf = (key: string) => `__gate_${key}`;
  const targetOf = (target: Target): { target: string; actions: unknown[] } => {
    if ('outcome' in target) {
      const first = ir.notify.get(target.outcome)?.[0];
      return {
        target: `#${stateId(first ? first.key : '__done')}`,
        actions: [{ type: 'setOutcome', params: { outcome: target.outcome } }],
      };
    }
    const node = ir.nodes.get(target.node);
    const key = node?.maxVisits !== undefined ? gateOf(target.node) : target.node;
    return { target: `#${stateId(key)}`, actions: [] };
  };
  // Outcomes that lead to the same place share one transition: fewer guards, and path enumeration
  // reports "fail|error|timeout → unrecovered" once instead of three times.
  // A first-line check that could not run ends the run `inconclusive`: the decision names the check
  // and its error, and `run.inconclusive` tells the escalation what was already changed.
  const couldNotCheck = (node: IRNode, target: Target) =>
    ir.form === 'first-line' && 'outcome' in target && target.outcome === 'inconclusive'
      ? [{ type: 'inconclusive', params: { step: node.id } }]
      : [];
  const byTarget = (node: IRNode, on: Partial<Record<StepOutcome, Target>>) => {
    const groups = new Map<string, { outcomes: StepOutcome[]; target: Target }>();
    for (const [outcome, target] of Object.entries(on) as Array<[StepOutcome, Target]>) {
      const k = JSON.stringify(target);
      const group = groups.get(k) ?? { outcomes: [], target };
      group.outcomes.push(outcome);
      groups.set(k, group);
    }
    return [...groups.values()].flatMap(({ outcomes, target }) => {
      const recorded = [{ type: 'record' }, ...couldNotCheck(node, target)];
      // A step that leads to a judge takes the judge's branch in the same transition: one microstep
      // instead of two (the judge's guards read only the round, which recording a step leaves as it is).
      const branches = judgeBranches(target);
      if (branches)
        return branches.map((branch) => ({
          guard: { type: 'outcomeIn', params: { outcomes, ...(branch.when && { when: branch.when }) } },
          target: branch.target,
          actions: foldIntoRecord([...recorded, ...branch.actions]),
        }));
      const t = targetOf(target);
      return [
        {
          guard: { type: 'outcomeIn', params: { outcomes } },
          target: t.target,
          actions: foldIntoRecord([...recorded, ...t.actions]),
        },
      ];
    });
  };
  // The judges whose rule reads nothing a step's record changes; `fell-off` reads `remediated`, which it does.
  const foldable = new Set(['checks-passed', 'checks-failed', 'next-round']);
  const judgeBranches = (target: Target) => {
    const node = 'node' in target ? ir.nodes.get(target.node) : undefined;
    if (node?.kind !== 'judge' || node.maxVisits !== undefined || !foldable.has(node.rule)) return undefined;
    return judge(node.rule).map(({ guard, target: to, actions }) => ({
      // Only `firstRound` and `mayRemediate` guard a foldable judge's branches.
      ...(guard && { when: guard as JudgeWhen }),
      target: to,
      actions,
    }));
  };
  // A remediation a budget counts may be refused: the run then ends `skipped` (its notifications escalate).
  const budgeted = new Set(ir.budgets.flatMap((b) => b.actions));
  const halt = (node: IRNode) => {
    if (node.kind !== 'action' || !budgeted.has(node.action)) return [];
    const t = targetOf({ outcome: 'skipped' });
    return [
      {
        guard: { type: 'halted' },
        target: t.target,
        actions: foldIntoRecord([{ type: 'record' }, ...t.actions]),
      },
    ];
  };
  // A step of the flow that ended past the run's deadline ends the run `timed_out`, even when the
  // deadline timer never had a turn; notifications go out whatever the time.
  const DEADLINE = 'the run reached its deadline: timed_out';
  const lateEnd = (node: IRNode) => {
    if (node.kind === 'action' && node.place === 'notify') return [];
    const t = targetOf({ outcome: 'timed_out' });
    const decide = { type: 'decide', params: { message: DEADLINE } };
    return [
      {
        guard: { type: 'pastDeadline' },
        target: t.target,
        actions: foldIntoRecord([{ type: 'record' }, decide, ...t.actions]),
      },
    ];
  };
  // A goto entered past the deadline, or closing a loop that can never end, stops the run there.
  const loopStops = (node: IRNode) => {
    const late = targetOf({ outcome: 'timed_out' });
    const failed = targetOf({ outcome: 'failed' });
    return [
      {
        guard: { type: 'loopStop', params: { stop: 'deadline' } },
        target: late.target,
        actions: [{ type: 'decide', params: { message: DEADLINE } }, ...late.actions],
      },
      {
        guard: { type: 'loopStop', params: { stop: 'stuck' } },
        target: failed.target,
        actions: [{ type: 'stuck', params: { id: node.id } }, ...failed.actions],
      },
    ];
  };
  // A step is a state whose entry starts it (through the run's services) and whose end comes back as
  // an event keyed by the state: no actor is spawned per step. A wait, a poll or an approval first fixes
  // its absolute deadline in the context (`arm`), so a resumed run keeps it and the host can see it.
  const step = (node: IRNode, on: Partial<Record<StepOutcome, Target>>) => {
    const timed =
      node.kind === 'wait' || node.kind === 'poll' || node.kind === 'approve'
        ? {
            ms: node.kind === 'wait' ? node.ms : node.timeoutMs,
            // An approval is not handed back for its deadline alone: its step asks first, then holds.
            ...(node.kind === 'approve' && { hold: 'approval' }),
          }
        : undefined;
    const key = { key: node.key };
    return {
      id: stateId(node.key),
      entry: [...(timed ? [{ type: 'arm', params: timed }] : []), { type: 'startStep', params: key }],
      // No exit actions: a step that ended needs no stopping (the transitions that leave it early stop
      // it: see `leaving`), and a timed step's deadline is cleared by the transition that leaves it
      // (`record`, `crashed`, `stopped`). An exit action would run at every step's end for nothing.
      on: {
        [`${STEP_DONE}${node.key}`]: [...lateEnd(node), ...halt(node), ...byTarget(node, on)],
        [`${STEP_ERROR}${node.key}`]: {
          target: targetOf({ outcome: 'failed' }).target,
          actions: [{ type: 'crashed', params: { id: node.id } }, ...targetOf({ outcome: 'failed' }).actions],
        },
      },
    };
  };

  // State keys are step ids: prototype-free, so a step named `constructor` is a state like any other.
  const flow = ownRecord<unknown>();
  const notify = ownRecord<unknown>();
  for (const node of ir.nodes.values()) {
    const states = node.kind === 'action' && node.place === 'notify' ? notify : flow;
    if (node.maxVisits !== undefined) {
      const exhausted = targetOf(node.exhausted ?? { outcome: 'failed' });
      states[gateOf(node.key)] = {
        id: stateId(gateOf(node.key)),
        always: [
          {
            guard: { type: 'exhausted', params: { id: node.id, max: node.maxVisits } },
            target: exhausted.target,
            actions: [
              { type: 'skipExhausted', params: { id: node.id, max: node.maxVisits } },
              ...exhausted.actions,
            ],
          },
          { target: `#${stateId(node.key)}` },
        ],
      };
    }
    states[node.key] = stateFor(node);
  }

  function stateFor(node: IRNode): unknown {
    switch (node.kind) {
      case 'action':
      case 'wait':
      case 'poll':
      case 'parallel':
      case 'approve':
        return step(node, node.on);
      case 'goto': {
        const t = targetOf(node.target);
        return {
          id: stateId(node.key),
          entry: [{ type: 'visit', params: { id: node.id } }],
          always: [...loopStops(node), { target: t.target, actions: t.actions }],
        };
      }
      case 'judge':
        return { id: stateId(node.key), always: judge(node.rule) };
    }
  }

  function judge(rule: 'checks-passed' | 'checks-failed' | 'next-round' | 'fell-off'): JudgeBranch[] {
    const outcome = (o: string, message: string, guard?: JudgeBranch['guard']): JudgeBranch => {
      const t = targetOf({ outcome: o });
      return {
        ...(guard !== undefined && { guard }),
        target: t.target,
        actions: [{ type: 'decide', params: { message } }, ...t.actions],
      };
    };
    switch (rule) {
      case 'checks-passed':
        return [
          outcome('healthy', 'every check passed at once: healthy', { type: 'firstRound' }),
          outcome('recovered', 'every check passed after remediation: recovered'),
        ];
      case 'checks-failed':
        return [
          {
            guard: { type: 'mayRemediate', params: { rounds: ir.rounds } },
            target: `#${stateId(ir.remediateStart ?? '__done')}`,
            actions: [
              { type: 'decide', params: { message: 'a check failed: remediate', rounds: ir.rounds } },
            ],
          },
          outcome(
            'unrecovered',
            ir.remediateStart
              ? 'checks still failing after the last round: unrecovered'
              : 'a check failed and nothing remediates it: unrecovered',
          ),
        ];
      case 'next-round':
        return [{ target: `#${stateId(ir.checksStart ?? '__done')}`, actions: [{ type: 'nextRound' }] }];
      case 'fell-off':
        return [
          outcome('recovered', 'the last step passed after a remediation: recovered', { type: 'remediated' }),
          outcome('healthy', 'the last step passed: healthy'),
        ];
    }
  }

  const stopTo = (outcome: string) => {
    const t = targetOf({ outcome });
    return { target: t.target, actions: [{ type: 'stopped', params: { outcome } }, ...t.actions] };
  };
  // A run cancelled after a remediation changed something must still tell people: without
  // `notify.cancelled`, the `unrecovered` notifications go out (the outcome stays `cancelled`).
  function cancelTransitions(): unknown {
    const cancelled = stopTo('cancelled');
    if ((ir.notify.get('cancelled')?.length ?? 0) > 0) return cancelled;
    const first = ir.notify.get('unrecovered')?.[0];
    if (!first) return cancelled;
    const message =
      'cancelled after a remediation, and there is no notify.cancelled: the unrecovered notifications go out';
    return [
      {
        guard: { type: 'remediated' },
        target: `#${stateId(first.key)}`,
        actions: [
          { type: 'stopped', params: { outcome: 'cancelled' } },
          { type: 'decide', params: { message } },
          { type: 'setOutcome', params: { outcome: 'cancelled' } },
        ],
      },
      cancelled,
    ];
  }
  const startKey = 'node' in ir.start ? ir.start.node : undefined;
  const startState = startKey
    ? ir.nodes.get(startKey)?.maxVisits !== undefined
      ? gateOf(startKey)
      : startKey
    : undefined;

  // One flat level of states: XState's cost per transition grows with the depth of the states it
  // leaves and enters, so the run's phases are not nested. Steps that wait on an actor handle the
  // run's deadline and cancellation; notifications handle only a second cancel.
  // The run's deadline and a cancel leave a step's state before its step ended: they stop it first
  // (`leaveStep`, before anything else the transition does), where an exit action did it before.
  type Transition = { target: string; actions?: unknown[]; guard?: unknown };
  const leaving = (key: string, transitions: Transition | Transition[]) => {
    const leave = { type: 'leaveStep', params: { key } };
    const add = (t: Transition) => ({ ...t, actions: [leave, ...(t.actions ?? [])] });
    return Array.isArray(transitions) ? transitions.map(add) : add(transitions);
  };
  const timedOut = stopTo('timed_out');
  const cancelled = cancelTransitions() as Transition | Transition[];
  const running = (key: string) => ({
    'RUN.TIMEOUT': leaving(key, timedOut),
    'RUN.CANCEL': leaving(key, cancelled),
  });
  const notifying = (key: string) => ({ 'RUN.CANCEL': leaving(key, { target: `#${stateId('__done')}` }) });
  const states = ownRecord<unknown>();
  for (const [key, state] of Object.entries(flow)) {
    const config = state as { on?: object };
    states[key] = config.on ? { ...config, on: { ...config.on, ...running(key) } } : config;
  }
  for (const [key, state] of Object.entries(notify)) {
    const config = state as { on?: object };
    states[key] = config.on ? { ...config, on: { ...config.on, ...notifying(key) } } : config;
  }
  states.__done = { id: stateId('__done'), type: 'final' };
  const config = {
    id: 'playbook',
    context: ({ input }: { input: RunContext }) => input,
    // A general-form playbook whose first step is `end:` starts done, its outcome already set.
    initial: startState ?? '__done',
    states,
    output: ({ context }: { context: RunContext }): MachineOutput => ({
      outcome: context.outcome ?? 'failed',
      steps: context.steps,
    }),
  };
  // The config is built from data, so its shape is only known at run time.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return machineSetup(ir).createMachine(config as any);
}

import type { ActionNode, IRNode, JudgeNode, Target } from '@firstline/core/internal';
import { actionStates } from './actionStates.js';
import { onPath } from './builder.js';
import { unsupported } from './unsupported.js';
import type { Builder } from './builder.js';
import { field, literal } from './jsonata.js';
import { parallelStates, pollStates } from './groupStates.js';
import type { AslState } from './types.js';

// The flow of the IR as states: what each node's outcome leads to, visit gates, the first-line form's
// judges, parallel groups with their quorum, and the ends that set the run's outcome and notify.

/** The states of one IR node (and its visit gate). */
export function nodeStates(b: Builder, node: IRNode): void {
  if (node.maxVisits !== undefined) gate(b, node);
  switch (node.kind) {
    case 'action':
      return node.place === 'notify' ? notifyStates(b, node) : stepStates(b, node);
    case 'wait':
      return waitState(b, node.key, node.id, node.ms, node.on.pass);
    case 'goto':
      b.add(node.key, {
        Type: 'Pass',
        Assign: { visits: field(`$merge([$visits, { ${literal(node.id)}: ${b.visit(node.id)} }])`) },
        Next: b.to(node.target),
      });
      return;
    case 'judge':
      return judgeState(b, node);
    case 'parallel':
      return parallelStates(b, node);
    case 'poll':
      return pollStates(b, node);
    case 'approve':
      // A task token callback could carry it, but the decision routes, the console and Slack callbacks
      // resume Firstline's own store, not an execution: refused rather than half-done.
      throw unsupported(
        b.where(node.guards ?? node.id),
        'an approval waits for a person through the run store and decideApproval; Step Functions executions cannot take that decision yet: run this playbook on the Lambda engine',
      );
  }
}

/** `maxVisits`: past it the step is skipped (`<id>:skipped` on the path) and the run goes on. */
function gate(b: Builder, node: IRNode): void {
  const id = literal(node.id);
  b.add(`${node.key}.gate`, {
    Type: 'Choice',
    Choices: [
      {
        Condition: field(`($v := $lookup($visits, ${id}); $exists($v) and $v >= ${node.maxVisits})`),
        Next: `${node.key}.exhausted`,
      },
    ],
    Default: b.entry(node),
  });
  const error = `maxVisits ${node.maxVisits} reached: skipped, the run goes on with the next step`;
  b.add(`${node.key}.exhausted`, {
    Type: 'Pass',
    Assign: {
      steps: field(
        `$merge([$steps, { ${id}: { 'id': ${id}, 'outcome': 'skipped', 'visits': $lookup($visits, ${id}), 'error': ${literal(error)} } }])`,
      ),
      path: field(`$append($path, [${literal(`${node.id}:skipped`)}])`),
    },
    Next: b.to(node.exhausted ?? { outcome: 'failed' }),
  });
}

/** The record of a step's `$r` in `$steps`, `$visits`, the path, and whether the run remediated. */
function recordAssign(b: Builder, node: ActionNode): Record<string, string> {
  const id = literal(node.id);
  return {
    steps: field(
      `$merge([$steps, { ${id}: $merge([$r, { 'id': ${id}, 'action': ${literal(node.action)} }]) }])`,
    ),
    visits: field(`$merge([$visits, { ${id}: $r.visits }])`),
    ...(onPath(node) && { path: field(`$append($path, [${id} & ':' & $r.outcome])`) }),
    ...(b.isRemediation(node) && { remediated: field("$remediated or $r.outcome = 'pass'") }),
  };
}

function stepStates(b: Builder, node: ActionNode): void {
  actionStates(b, node, `${node.key}.record`);
  b.add(`${node.key}.record`, { Type: 'Pass', Assign: recordAssign(b, node), Next: `${node.key}.on` });
  const halt =
    b.budgetsOf(node).length > 0 ? [{ Condition: '{% $r.halted = true %}', Next: b.end('skipped') }] : [];
  b.add(`${node.key}.on`, {
    Type: 'Choice',
    Choices: [...halt, ...outcomeRules(b, node, node.on, () => checkInconclusive(b, node))],
    Default: b.end('failed'),
  });
}

/** Notifications: every outcome goes on to the next one; nothing they do changes the run's outcome. */
function notifyStates(b: Builder, node: ActionNode): void {
  actionStates(b, node, `${node.key}.record`);
  b.add(`${node.key}.record`, { Type: 'Pass', Assign: recordAssign(b, node), Next: b.to(node.on.pass) });
}

/** One Choice rule per target, over `$r.outcome`, as the machine groups its transitions. */
export function outcomeRules(
  b: Builder,
  node: IRNode,
  on: Partial<Record<string, Target>>,
  inconclusive: () => string,
): AslState[] {
  const groups = new Map<string, { outcomes: string[]; target: Target }>();
  for (const [outcome, target] of Object.entries(on)) {
    if (!target) continue;
    const key = JSON.stringify(target);
    const group = groups.get(key) ?? { outcomes: [], target };
    group.outcomes.push(outcome);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ outcomes, target }) => {
    // A first-line check that could not run: `run.inconclusive` says which, why and what was done.
    const couldNot = b.ir.form === 'first-line' && 'outcome' in target && target.outcome === 'inconclusive';
    return {
      Condition: field(`$r.outcome in ${JSON.stringify(outcomes)}`),
      ...(couldNot && { Assign: { run: field(`$merge([$run, { 'inconclusive': ${inconclusive()} }])`) } }),
      Next: b.to(target),
    };
  });
}

/** The remediations that passed so far, in playbook order: `run.inconclusive.remediations`. */
export function remediationsDone(b: Builder): string {
  const all = [...b.ir.nodes.values()]
    .filter((n): n is ActionNode => n.kind === 'action' && n.place === 'remediate')
    .map((n) => ({ step: n.id, action: n.action }));
  return `[$filter(${JSON.stringify(all)}, function($x) { $lookup($steps, $x.step).outcome = 'pass' })]`;
}

function checkInconclusive(b: Builder, node: ActionNode): string {
  return `{ 'step': ${literal(node.id)}, 'action': ${literal(node.action)},
    'outcome': $r.outcome = 'timeout' ? 'timeout' : 'error',
    'error': $exists($r.error) ? $r.error : ${literal(`${node.id} could not run`)},
    'round': $round, 'remediations': ${remediationsDone(b)} }`;
}

function waitState(b: Builder, key: string, id: string, ms: number, next: Target): void {
  if (ms % 1000 !== 0)
    b.approximate('Waits are whole seconds in Step Functions: fractional seconds are rounded up.');
  const visit = b.visit(id);
  b.add(key, {
    Type: 'Wait',
    Seconds: Math.ceil(ms / 1000),
    Assign: {
      steps: field(
        `$merge([$steps, { ${literal(id)}: { 'id': ${literal(id)}, 'outcome': 'pass', 'visits': ${visit} } }])`,
      ),
      visits: field(`$merge([$visits, { ${literal(id)}: ${visit} }])`),
      path: field(`$append($path, [${literal(`${id}:pass`)}])`),
    },
    Next: b.to(next),
  });
}

function judgeState(b: Builder, node: JudgeNode): void {
  const { ir } = b;
  switch (node.rule) {
    case 'checks-passed':
      b.add(node.key, {
        Type: 'Choice',
        Choices: [{ Condition: '{% $round = 0 %}', Next: b.end('healthy') }],
        Default: b.end('recovered'),
      });
      return;
    case 'checks-failed':
      // Another round while rounds are left; without remediations the judge is a plain pass to `unrecovered`.
      b.add(
        node.key,
        ir.remediateStart
          ? {
              Type: 'Choice',
              Choices: [
                { Condition: `{% $round < ${ir.rounds} %}`, Next: b.entry(b.node(ir.remediateStart)) },
              ],
              Default: b.end('unrecovered'),
            }
          : { Type: 'Pass', Next: b.end('unrecovered') },
      );
      return;
    case 'next-round':
      b.add(node.key, {
        Type: 'Pass',
        Assign: { round: '{% $round + 1 %}' },
        Next: b.entry(b.node(ir.checksStart!)),
      });
      return;
    case 'fell-off':
      b.add(node.key, {
        Type: 'Choice',
        Choices: [{ Condition: '{% $remediated %}', Next: b.end('recovered') }],
        Default: b.end('healthy'),
      });
      return;
  }
}

/** `__end.<outcome>`: sets the outcome, then the outcome's notifications run in order. */
export function endStates(b: Builder): void {
  const made = new Set<string>();
  // Ends are discovered as transitions are made; a notification can lead to none, so one pass settles it.
  for (let again = true; again;) {
    again = false;
    for (const outcome of b.endOutcomes()) {
      if (made.has(outcome)) continue;
      made.add(outcome);
      again = true;
      const first = b.ir.notify.get(outcome)?.[0];
      b.add(`__end.${outcome}`, {
        Type: 'Pass',
        Assign: { outcome, run: field(`$merge([$run, { 'outcome': ${literal(outcome)} }])`) },
        Next: first ? b.entry(first) : b.to({ node: '__done' }),
      });
    }
  }
}

import type { ActionNode, ParallelNode, PollNode } from '@firstline/core/internal';
import { actionStates } from './actionStates.js';
import type { Builder } from './builder.js';
import { outcomeRules, remediationsDone } from './flowStates.js';
import { field, literal, toVariables } from './jsonata.js';
import { unsupported } from './unsupported.js';

// The steps that run other steps: parallel groups (a Parallel state and the quorum over its branches)
// and polls (the probe in a loop with a Wait, bounded by the poll's timeout).

/**
 * A parallel group: one branch per member, then the quorum over their ends. Step Functions' Parallel
 * waits for every branch, so `settle: decide` cannot stop the members still running once the quorum
 * is settled: they finish, and the group's outcome is the same (see the docs).
 */
export function parallelStates(b: Builder, node: ParallelNode): void {
  const id = literal(node.id);
  const visit = b.visit(node.id);
  const branches = node.steps.map((member) => {
    if (b.budgetsOf(member).length > 0)
      throw unsupported(
        b.where(member.id),
        'a budgeted action inside a parallel group cannot halt the run from a branch; move it out of the group',
      );
    const states = b.branch(node.key, () => {
      actionStates(b, member, `${member.key}.result`);
      b.add(`${member.key}.result`, {
        Type: 'Pass',
        Output: field(
          `$merge([$member, { 'id': ${literal(member.id)}, 'action': ${literal(member.action)} }])`,
        ),
        End: true,
      });
    });
    return { StartAt: b.entry(member), States: states };
  });
  if (node.settle === 'decide')
    b.approximate(
      'A parallel group with settle: decide waits for all its members in Step Functions (a Parallel state cannot stop branches); the group outcome is the same.',
    );
  const errorIsFail = node.steps.filter((m) => m.onError === 'fail').map((m) => m.id);
  const total = node.steps.length;
  const quorum = `($type($gr) = 'string' ? $gr : (
    $passed := $count($gr[outcome = 'pass']);
    $unknown := $count($gr[(outcome = 'error' or outcome = 'timeout') and $not(id in ${JSON.stringify(errorIsFail)})]);
    $failed := $count($gr) - $passed - $unknown;
    $passed >= ${node.need} ? 'pass' : $failed > ${total - node.need} ? 'fail' : $unknown > 0 ? 'error' : 'fail'))`;
  const members = `($type($gr) = 'array' ? $merge([{}, $gr.{ id: $ }]) : {})`;
  const memberVisits = `($type($gr) = 'array' ? $merge([{}, $gr.{ id: visits }]) : {})`;
  const remediating = node.steps.filter((m) => b.isRemediation(m)).map((m) => m.id);
  b.add(node.key, {
    Type: 'Parallel',
    Comment: `quorum ${typeof node.quorum === 'string' ? node.quorum : `at least ${node.quorum.atLeast}`}: ${node.need} of ${total} must pass`,
    Branches: branches,
    ...(node.timeoutMs !== undefined && { TimeoutSeconds: Math.ceil(node.timeoutMs / 1000) }),
    Assign: { gr: '{% $states.result %}' },
    Catch: [
      { ErrorEquals: ['States.Timeout'], Assign: { gr: 'timeout' }, Next: `${node.key}.record` },
      { ErrorEquals: ['States.ALL'], Assign: { gr: 'error' }, Next: `${node.key}.record` },
    ],
    Next: `${node.key}.record`,
  });
  b.add(`${node.key}.record`, {
    Type: 'Pass',
    Assign: {
      r: field(`{ 'outcome': ${quorum}, 'visits': ${visit} }`),
      steps: field(
        `$merge([$steps, ${members}, { ${id}: { 'id': ${id}, 'outcome': ${quorum}, 'visits': ${visit} } }])`,
      ),
      visits: field(`$merge([$visits, ${memberVisits}, { ${id}: ${visit} }])`),
      path: field(`$append($path, [${id} & ':' & ${quorum}])`),
      ...(remediating.length > 0 && {
        remediated: field(
          `$remediated or ($type($gr) = 'array' and $count($gr[outcome = 'pass' and id in ${JSON.stringify(remediating)}]) > 0)`,
        ),
      }),
    },
    Next: `${node.key}.on`,
  });
  const actions = Object.fromEntries(node.steps.map((m) => [m.id, m.action]));
  const inconclusive = `($couldNot := [$type($gr) = 'array' ? $gr[outcome = 'error' or outcome = 'timeout'] : []];
    $first := $couldNot[0];
    { 'step': $exists($first) ? $first.id : ${id},
      'action': $exists($first) ? $lookup(${JSON.stringify(actions)}, $first.id) : '',
      'outcome': $first.outcome = 'timeout' ? 'timeout' : 'error',
      'error': $exists($first.error) ? $first.error : ${literal(`${node.id} could not run`)},
      'round': $round, 'group': { 'step': ${id}, 'couldNotRun': [$couldNot.id] },
      'remediations': ${remediationsDone(b)} })`;
  b.add(`${node.key}.on`, {
    Type: 'Choice',
    Choices: outcomeRules(b, node, node.on, () => inconclusive),
    Default: b.end('failed'),
  });
}

/**
 * A poll: the probe, `until` over its output, a Wait of `every` (at most what is left of the timeout),
 * again until `until` holds (`pass`) or the time is used up (`timeout`). The time left is counted in
 * `$pollLeft` from the waits, as the engine's virtual clock counts it when probes answer at once.
 */
export function pollStates(b: Builder, node: PollNode): void {
  // A poll's probe is never budgeted: the validator wants it a probe, and budgets count remediations.
  const id = literal(node.id);
  const visit = b.visit(node.id);
  const probe: ActionNode = { ...node.probe, key: `${node.key}.probe` };
  b.add(node.key, {
    Type: 'Pass',
    Comment: `polls ${node.probe.id} every ${node.everyMs} ms until ${node.until}, for ${node.timeoutMs} ms at most`,
    Assign: { pollLeft: node.timeoutMs },
    Next: b.entry(probe),
  });
  actionStates(b, probe, `${probe.key}.record`);
  const probeId = literal(probe.id);
  b.add(`${probe.key}.record`, {
    Type: 'Pass',
    Assign: {
      steps: field(
        `$merge([$steps, { ${probeId}: $merge([$r, { 'id': ${probeId}, 'action': ${literal(probe.action)} }]) }])`,
      ),
      visits: field(`$merge([$visits, { ${probeId}: $r.visits }])`),
    },
    Next: `${node.key}.check`,
  });
  const until = toVariables(node.until, b.where(node.id));
  b.add(`${node.key}.check`, {
    Type: 'Choice',
    Choices: [
      {
        Condition: field(`($output := $r.output; $r.outcome = 'pass' and $boolean(${until}))`),
        Next: `${node.key}.met`,
      },
      { Condition: '{% $pollLeft <= 0 %}', Next: `${node.key}.timeout` },
    ],
    Default: `${node.key}.wait`,
  });
  b.add(`${node.key}.wait`, {
    Type: 'Wait',
    Seconds: field(`$ceil($min([${node.everyMs}, $pollLeft]) / 1000)`),
    Assign: { pollLeft: field(`$pollLeft - $min([${node.everyMs}, $pollLeft])`) },
    Next: b.entry(probe),
  });
  if (node.everyMs % 1000 !== 0 || node.timeoutMs % 1000 !== 0)
    b.approximate('Waits are whole seconds in Step Functions: fractional seconds are rounded up.');
  for (const outcome of ['met', 'timeout'] as const) {
    const ended = outcome === 'met' ? 'pass' : 'timeout';
    b.add(`${node.key}.${outcome}`, {
      Type: 'Pass',
      Assign: {
        steps: field(
          `$merge([$steps, { ${id}: { 'id': ${id}, 'outcome': '${ended}', 'visits': ${visit} } }])`,
        ),
        visits: field(`$merge([$visits, { ${id}: ${visit} }])`),
        path: field(`$append($path, [${literal(`${node.id}:${ended}`)}])`),
      },
      Next: b.to(node.on[ended]),
    });
  }
}

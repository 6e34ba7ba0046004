import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUDGET_SPENT,
  compilePlaybook,
  enumeratePaths,
  loadPlaybook,
  simulatePlaybook,
} from '@firstline/core';
import type { CompiledPlaybook, OutcomePath, ScriptedOutcome, StepOutcome } from '@firstline/core';
import type { ActionNode, IRNode } from '@firstline/core/internal';
import { describe, expect, it } from 'vitest';
import { describeRun, matchPath, pathOfRun } from '../../src/scenarios/runPath.js';
import { spentBudgetsStore } from '../../src/scenarios/runScenario.js';
import { EXAMPLES, FIXTURES, FIXTURE_ACTIONS, fakeActionsFor } from './support.js';

// The coverage report is only right if the path read from a run's trace is exactly the path
// enumeratePaths lists for it. Here every enumerated path of every example playbook is driven by a
// script written for it, and the run must be matched to that path and no other.

/** How many attempts a scripted outcome takes under the node's retry policy (core's shouldRetry). */
function attempts(node: ActionNode, outcome: ScriptedOutcome): number {
  const on = node.retry.on;
  const retried =
    outcome === 'fail'
      ? on.includes('fail')
      : outcome === 'timeout'
        ? on.includes('timeout') || on.includes('error')
        : outcome === 'error' && on.includes('error');
  return retried ? node.retry.attempts : 1;
}

/** A script that drives `path`; alternatives (`fail|error|timeout`) are varied by `seed` so all get run. */
function scriptFor(compiled: CompiledPlaybook, path: OutcomePath, seed: number) {
  const byId = new Map<string, IRNode>();
  for (const node of compiled.ir.nodes.values()) if (node.kind !== 'judge') byId.set(node.id, node);
  const lists: Record<string, ScriptedOutcome[]> = {};
  const push = (step: string, outcome: ScriptedOutcome, n: number) =>
    (lists[step] ??= []).push(...Array<ScriptedOutcome>(n).fill(outcome));
  for (const [i, { step, outcome }] of path.steps.entries()) {
    if (outcome === BUDGET_SPENT) continue; // refused by the store: nothing runs
    const options = outcome.split('|').filter((o) => o !== 'skipped') as Array<
      Exclude<StepOutcome, 'skipped'>
    >;
    const node = byId.get(step)!;
    if (options.length === 0) continue; // a maxVisits skip: nothing runs
    const chosen = options[(seed + i) % options.length]!;
    if (node.kind === 'action') push(step, chosen, attempts(node, chosen));
    else if (node.kind === 'parallel') {
      // The group fails once total - need + 1 steps fail: only those fail (they all start before the
      // group decides, so they all use their entry); the rest pass, but too few to reach the quorum.
      // It is `error` when as many could not run instead: no verdict against it, the quorum still missed.
      const failing = chosen === 'pass' ? 0 : node.steps.length - node.need + 1;
      const member: ScriptedOutcome = chosen === 'error' ? 'error' : 'fail';
      node.steps.forEach((sub, k) =>
        push(sub.id, k < failing ? member : 'pass', attempts(sub, k < failing ? member : 'pass')),
      );
    } else if (node.kind !== 'wait') throw new Error(`no script for a ${node.kind} step in this test`);
  }
  return lists;
}

const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenarios.yaml'));

describe('a run is matched to the enumerated path it took', () => {
  it.each(examples)('every path of examples/playbooks/%s', async (file) => {
    const loaded = await loadPlaybook(join(EXAMPLES, file));
    const compiled = compilePlaybook(loaded, { actions: fakeActionsFor(loaded.data) });
    const { paths, truncated } = enumeratePaths(compiled);
    expect(truncated).toBe(false);
    expect(paths.length).toBeGreaterThan(1);
    for (const [index, path] of paths.entries()) {
      for (const seed of [0, 1]) {
        // A path through a spent budget needs a store whose budgets refuse.
        const refusing = path.steps.some((s) => s.outcome === BUDGET_SPENT);
        const run = await simulatePlaybook(compiled, {
          input: inputsFor(compiled),
          outcomes: scriptFor(compiled, path, seed),
          ...(refusing && { store: spentBudgetsStore() }),
        });
        const steps = pathOfRun(compiled.ir, run.trace);
        const taken = describeRun(steps, run.outcome);
        expect(matchPath(paths, steps, run.outcome), `path ${index} (seed ${seed}) took ${taken}`).toBe(
          index,
        );
      }
    }
  });

  it('a run cut short by the run deadline matches no path', async () => {
    const loaded = await loadPlaybook(join(FIXTURES, 'playbooks/web-first-line.yaml'));
    const compiled = compilePlaybook(loaded, { actions: FIXTURE_ACTIONS });
    // A check that fails twice (a verdict, retried after 20s), then a 1m recheck wait: a 70s run
    // deadline falls in the wait.
    const retry = { attempts: 2, delay: '20s', backoff: 'constant', jitter: 'none', on: ['fail'] };
    const data = { ...(loaded.data as object), timeout: '70s', defaults: { retry } };
    const run = await simulatePlaybook(compilePlaybook(data, { actions: FIXTURE_ACTIONS }), {
      input: { url: 'https://x.example.com', service: 'web' },
      outcomes: { service: 'fail' },
    });
    expect(run.outcome).toBe('timed_out');
    const { paths } = enumeratePaths(compiled);
    expect(matchPath(paths, pathOfRun(compiled.ir, run.trace), run.outcome)).toBe(-1);
  });
});

/** Inputs that satisfy each example playbook's `inputs:` (patterns included). */
function inputsFor(compiled: CompiledPlaybook): Record<string, unknown> {
  const values: Record<string, unknown> = {
    instanceId: 'i-0abc1234',
    url: 'https://app.example.com/health',
    healthCheckId: 'hc-1',
    region: 'us-east-1',
    host: '10.0.0.5',
    prometheusUrl: 'https://prometheus.example.com',
    service: 'web',
  };
  return Object.fromEntries(
    Object.keys(compiled.document.inputs ?? {}).flatMap((k) => (k in values ? [[k, values[k]]] : [])),
  );
}

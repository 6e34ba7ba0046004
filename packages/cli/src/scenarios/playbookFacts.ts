import { RUN_OUTCOMES } from '@firstline/core';
import type { Playbook } from '@firstline/core';
import type { IRNode, PlaybookIR, Target } from '@firstline/core/internal';

/** What a scenario may name in a playbook: scriptable steps, path steps, actions and run outcomes. */
export interface PlaybookFacts {
  /** Steps that run an action, so `outcomes:` may script them (group steps and poll probes included). */
  scriptable: Set<string>;
  /** Steps a path is made of, by id: actions (not notifications), waits, polls, groups, bounded gotos. */
  pathSteps: Map<string, IRNode>;
  /** Every action id the playbook calls, notifications included. */
  actions: Set<string>;
  /** Every run outcome the playbook can end with. */
  outcomes: Set<string>;
}

const factsCache = new WeakMap<PlaybookIR, PlaybookFacts>();

/** The names a playbook's IR offers to scenarios; computed once per compiled playbook. */
export function playbookFacts(ir: PlaybookIR): PlaybookFacts {
  const cached = factsCache.get(ir);
  if (cached) return cached;
  const facts: PlaybookFacts = {
    scriptable: new Set(),
    pathSteps: new Map(),
    actions: new Set(),
    // Any run can time out, be cancelled or fail (a crash), whatever its steps say.
    outcomes: new Set(RUN_OUTCOMES),
  };
  const target = (t: Target | undefined) => {
    if (t && 'outcome' in t) facts.outcomes.add(t.outcome);
  };
  target(ir.start);
  for (const node of ir.nodes.values()) {
    target(node.exhausted);
    switch (node.kind) {
      case 'action':
        facts.scriptable.add(node.id);
        facts.actions.add(node.action);
        if (node.place !== 'notify') facts.pathSteps.set(node.id, node);
        Object.values(node.on).forEach(target);
        break;
      case 'parallel':
        for (const step of node.steps) {
          facts.scriptable.add(step.id);
          facts.actions.add(step.action);
        }
        facts.pathSteps.set(node.id, node);
        Object.values(node.on).forEach(target);
        break;
      case 'poll':
        facts.scriptable.add(node.probe.id);
        facts.actions.add(node.probe.action);
        facts.pathSteps.set(node.id, node);
        Object.values(node.on).forEach(target);
        break;
      case 'wait':
        facts.pathSteps.set(node.id, node);
        break;
      case 'approve':
        facts.scriptable.add(node.id);
        for (const request of node.request) {
          facts.scriptable.add(request.id);
          facts.actions.add(request.action);
        }
        facts.pathSteps.set(node.id, node);
        Object.values(node.on).forEach(target);
        break;
      case 'goto':
        // A goto is decided only when its bound is used up: it is then `skipped` on the path.
        if (node.maxVisits !== undefined) facts.pathSteps.set(node.id, node);
        target(node.target);
        break;
      case 'judge':
        break;
    }
  }
  for (const outcome of ir.notify.keys()) facts.outcomes.add(outcome);
  factsCache.set(ir, facts);
  return facts;
}

/**
 * The general form's `end:` steps, id → run outcome. They are not steps of a path (jumping to one ends
 * the run), but people name them when writing the path a run takes: `expect.path` may end with one.
 */
export function endStepsOf(document: Playbook): Map<string, string> {
  const ends = new Map<string, string>();
  for (const step of document.steps ?? []) if ('end' in step) ends.set(step.id, step.end);
  return ends;
}

import type { ActionRegistry } from '@firstline/core';
import type { ActionNode, IRNode, PlaybookIR, Target } from '@firstline/core/internal';
import { literal } from './jsonata.js';
import { unsupported } from './unsupported.js';
import type { Where } from './unsupported.js';
import type { AslState } from './types.js';

/** Where the run's end goes when its notifications are sent: the IR's `DONE`. */
const DONE = '__done';

/**
 * What the state builders share: the IR, the states made so far, and how a target of the IR becomes
 * the name of the state it enters. State names are step keys, with suffixes for a step's helpers
 * (`reboot.when`, `reboot.record`, `reboot.on`), so the console's graph reads like the playbook.
 */
export class Builder {
  /** The definition's states, in the order they were made. */
  readonly states: Record<string, AslState> = {};
  /** Where {@link add} puts states: the definition's, or a Parallel branch's while one is built. */
  private target: Record<string, AslState> = this.states;
  /** Steps run as native tasks, with their resource and the top-level state that holds them. */
  readonly nativeSteps: Array<{ step: string; resource: string; state: string }> = [];
  /** Steps run through the action runner, with the top-level state that holds them. */
  readonly runnerSteps: Array<{ step: string; state: string }> = [];
  /** The Parallel state whose branch is being built, if any. */
  private owner: string | undefined;
  /** Approximations, one sentence each. */
  readonly approximations: string[] = [];
  private readonly ends = new Set<string>();

  constructor(
    readonly ir: PlaybookIR,
    readonly registry: ActionRegistry,
    readonly options: {
      file?: string;
      runner: string;
      table: string;
      native: boolean;
      /** The playbook's `secrets:` references, passed to the runner (never values). */
      secrets: Record<string, unknown>;
    },
  ) {}

  /** Where a problem is, for {@link unsupported}. */
  where(step?: string): Where {
    return {
      ...(this.options.file !== undefined && { file: this.options.file }),
      ...(step !== undefined && { step }),
    };
  }

  /** Adds a state; a second state of one name is a bug in the builder, not in the playbook. */
  add(name: string, state: AslState): void {
    if (name.length > 80)
      throw unsupported(this.where(), `state name ${name} is longer than Step Functions' 80 characters`);
    if (name in this.target) throw new Error(`state ${name} made twice`);
    this.target[name] = state;
  }

  /** The states `build` adds, kept apart from the definition's: a Parallel branch. */
  branch(owner: string, build: () => void): Record<string, AslState> {
    const outer = this.target;
    const states: Record<string, AslState> = {};
    this.target = states;
    this.owner = owner;
    try {
      build();
    } finally {
      this.target = outer;
      this.owner = undefined;
    }
    return states;
  }

  /**
   * The variable a step's result goes to: `r`, or `member` inside a Parallel branch (Step Functions refuses
   * an inner scope assigning a variable of an outer one).
   */
  get result(): string {
    return this.owner === undefined ? 'r' : 'member';
  }

  /** Notes a step's Task: native (with its resource) or through the runner. */
  task(step: string, state: string, resource?: string): void {
    const holder = this.owner ?? state;
    if (resource === undefined) this.runnerSteps.push({ step, state: holder });
    else this.nativeSteps.push({ step, resource, state: holder });
  }

  /** Notes an approximation once. */
  approximate(sentence: string): void {
    if (!this.approximations.includes(sentence)) this.approximations.push(sentence);
  }

  /** The state that ends the run with `outcome` (it sets the outcome, then notifies). */
  end(outcome: string): string {
    this.ends.add(outcome);
    return `__end.${outcome}`;
  }

  /** Every outcome some transition ends the run with. */
  endOutcomes(): string[] {
    return [...this.ends];
  }

  /** The state a target enters: a node (through its visit gate when it has `maxVisits`) or a run end. */
  to(target: Target): string {
    if ('outcome' in target) return this.end(target.outcome);
    if (target.node === DONE) return this.lock ? '__unlock' : '__done';
    const node = this.node(target.node);
    return node.maxVisits !== undefined ? `${node.key}.gate` : this.entry(node);
  }

  /** The first state of a node, skipping its visit gate. */
  entry(node: IRNode): string {
    if (node.kind !== 'action') return node.key;
    if (node.when !== undefined) return `${node.key}.when`;
    if (this.budgetsOf(node).length > 0) return `${node.key}.budget0`;
    return this.regionChoice(node) ? `${node.key}.where` : node.key;
  }

  /** The node of a key. */
  node(key: string): IRNode {
    const node = this.ir.nodes.get(key);
    if (!node) throw new Error(`no node ${key}`);
    return node;
  }

  /** True when the run takes a lock first. */
  get lock(): boolean {
    return this.ir.lock !== undefined;
  }

  /** The budgets that count a node's action, with their index in `budgets:`. */
  budgetsOf(node: ActionNode): Array<{ index: number; budget: PlaybookIR['budgets'][number] }> {
    if (node.place === 'notify') return [];
    return this.ir.budgets
      .map((budget, index) => ({ budget, index }))
      .filter(({ budget }) => budget.actions.includes(node.action));
  }

  /** The native task of a node's action, if it has one and native tasks are on. */
  nativeTask(node: ActionNode) {
    if (!this.options.native) return undefined;
    return this.registry.get(node.action)?.stepFunctions;
  }

  /** True when a native step names a region in `with`: a Choice then picks native or the runner. */
  regionChoice(node: ActionNode): boolean {
    const task = this.nativeTask(node);
    return !!task?.regionInput && Object.hasOwn(node.with, task.regionInput) && !this.needsRunner(node);
  }

  /** True when a step must run through the runner although its action has a native task (a secret in `with`). */
  needsRunner(node: ActionNode): boolean {
    return JSON.stringify(node.with).includes('secrets.');
  }

  /** True when a passing step of this node changed something (the run is then `recovered`, not `healthy`). */
  isRemediation(node: ActionNode): boolean {
    return this.registry.get(node.action)?.kind === 'remediation';
  }

  /**
   * A remediation that is not idempotent: as in the engine, an attempt that may have acted (a timeout, a
   * 5xx, a Lambda service error after the runner may have run) is never repeated.
   */
  atMostOnce(node: ActionNode): boolean {
    const def = this.registry.get(node.action);
    return def?.kind === 'remediation' && !(node.idempotent ?? def.idempotent ?? false);
  }

  /** The JSONata of a node's visit number: the visits so far, plus one. */
  visit(id: string): string {
    return `($v := $lookup($visits, ${literal(id)}); ($exists($v) ? $v : 0) + 1)`;
  }
}

/** True for the nodes whose end is a step of the run's path (as `firstline test` reads it). */
export function onPath(node: IRNode): boolean {
  if (node.kind === 'action') return node.place !== 'notify' && node.place !== 'group';
  return node.kind === 'wait' || node.kind === 'poll' || node.kind === 'parallel';
}

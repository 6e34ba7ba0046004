import type { RunContext } from '../runtime/types.js';
import { ownRecord, ownValue, withOwn } from '../util/ownRecord.js';
import type { PlaybookIR } from './ir.js';

// A chain of gotos and maxVisits skips runs inside one XState macrostep: no step starts, no timer can
// fire, so the run's deadline timer cannot stop it. Each goto's entry checks the deadline itself, and
// that the loop it closes still moves towards a bound; one that does not would spin for ever.

/** What the gotos entered since the last step ended know about the loop they may be in. */
export interface LoopWatch {
  /** Per goto id: the sum of the bounded steps' visits when it was last entered. */
  seen: Record<string, number>;
  /** Set when the run must stop at this goto: its deadline passed, or the loop makes no progress. */
  stop?: 'deadline' | 'stuck';
}

const boundedIds = new WeakMap<PlaybookIR, readonly string[]>();

/** The sum of the visits of every step with `maxVisits`: a loop that can end raises it each time round. */
function boundedVisits(ir: PlaybookIR, visits: Readonly<Record<string, number>>): number {
  let ids = boundedIds.get(ir);
  if (!ids) {
    ids = [...ir.nodes.values()].filter((n) => n.maxVisits !== undefined).map((n) => n.id);
    boundedIds.set(ir, ids);
  }
  let total = 0;
  for (const id of ids) total += ownValue(visits, id) ?? 0;
  return total;
}

/**
 * The watch after entering goto `id` (before its own visit is counted), at run time `now` (undefined
 * outside a run). A goto entered twice with no bounded visit counted in between closes a loop that
 * nothing ends: `stuck`. A bounded goto counts as progress itself, since its own bound ends the loop.
 */
export function watchLoop(
  ir: PlaybookIR,
  context: RunContext,
  id: string,
  now: number | undefined,
): LoopWatch {
  const seen = context.loop?.seen ?? ownRecord<number>();
  if (now !== undefined && now > context.run.deadline) return { seen, stop: 'deadline' };
  const progress = boundedVisits(ir, context.visits);
  if (ownValue(seen, id) === progress) return { seen, stop: 'stuck' };
  return { seen: withOwn(seen, id, progress) };
}

/** Why a run stopped at a goto, as its decision says it. */
export function stuckMessage(id: string): string {
  return `${id}: the loop through this goto came round again without running a step or using up a maxVisits, so it could never end: failed`;
}

import type { StepOutcome } from '../format/types.js';

/** What a parallel group ends with: `error` when members that could not run left the quorum undecided. */
export type QuorumOutcome = 'pass' | 'fail' | 'error' | 'timeout';

/**
 * Counts a parallel group's members as they end and decides its outcome by quorum. Only verdicts
 * decide against the group: it is `fail` when the members that failed alone make the quorum
 * impossible. When the quorum is missed only because members could not run (`error`, `timeout`),
 * the group is `error`: nobody knows whether the target is healthy (a first-line run ends
 * `inconclusive`). A member with `onError: fail` counts its error as a failure.
 */
export class QuorumTally {
  passed = 0;
  failed = 0;
  private readonly unknown = new Set<string>();
  private readonly total: number;

  /** `members`: the group's step ids, in playbook order; `need`: how many must pass. */
  constructor(
    private readonly members: readonly string[],
    private readonly need: number,
  ) {
    this.total = members.length;
  }

  /** Ids of the members that could not run, in playbook order (whatever order they ended in). */
  get couldNotRun(): string[] {
    return this.members.filter((id) => this.unknown.has(id));
  }

  /** Counts one member's outcome. A `skipped` member does not pass, as before: it counts against. */
  add(step: string, outcome: StepOutcome, errorIsFail = false): void {
    if (outcome === 'pass') this.passed++;
    else if ((outcome === 'error' || outcome === 'timeout') && !errorIsFail) this.unknown.add(step);
    else this.failed++;
  }

  /** `pass` or `fail` as soon as the quorum is settled either way; undefined while it is not. */
  get decided(): 'pass' | 'fail' | undefined {
    if (this.passed >= this.need) return 'pass';
    if (this.failed > this.total - this.need) return 'fail';
    return undefined;
  }

  /** The group's outcome once every member ended or was stopped; `timedOut` when the group's deadline stopped it. */
  outcome(timedOut: boolean): QuorumOutcome {
    const decided = this.decided;
    if (decided) return decided;
    if (timedOut) return 'timeout';
    return this.unknown.size > 0 ? 'error' : 'fail';
  }

  /** Why the group did not pass, for its record: `1 of 3 passed, 2 could not run (a, b); quorum all needs 3`. */
  describe(quorum: string): string {
    const ids = this.couldNotRun;
    const couldNot = ids.length ? `, ${ids.length} could not run (${ids.join(', ')})` : '';
    return `${this.passed} of ${this.total} passed${couldNot}; quorum ${quorum} needs ${this.need}`;
  }
}

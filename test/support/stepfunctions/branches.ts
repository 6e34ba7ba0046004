// What the JSONata interpreter's Parallel branches and Map iterations share with their parents:
// workflow variables (read from every enclosing scope, assigned in their own) and cancellation (a
// failed sibling stops the others at their next state, as Step Functions stops them).

/** Workflow variables: a Parallel branch or Map iteration reads its parents' and assigns its own. */
export interface Scope {
  /** The variables assigned in this scope. */
  vars: Record<string, unknown>;
  /** The enclosing scope, if any. */
  parent?: Scope;
}

/** Every variable a scope can read, inner names shadowing outer ones. */
export function visibleVariables(scope: Scope | undefined): Record<string, unknown> {
  return scope ? { ...visibleVariables(scope.parent), ...scope.vars } : {};
}

/** Set when a sibling branch or iteration failed. */
export interface Cancel {
  /** True once a sibling failed. */
  cancelled: boolean;
  /** The enclosing Parallel's or Map's cancellation, if any. */
  parent?: Cancel;
}

/** Whether this branch, or any branch it runs inside, was cancelled. */
export function isCancelled(cancel: Cancel | undefined): boolean {
  return cancel !== undefined && (cancel.cancelled || isCancelled(cancel.parent));
}

/** Runs `work` for each of `count` siblings and collects their results; the first failure cancels the rest. */
export function allOrCancel<T>(
  count: number,
  parent: Cancel | undefined,
  work: (cancel: Cancel, i: number) => Promise<T>,
): Promise<T[]> {
  const cancel: Cancel = { cancelled: false, ...(parent && { parent }) };
  const cancelOnFailure = (error: unknown): never => {
    cancel.cancelled = true;
    throw error;
  };
  return Promise.all(Array.from({ length: count }, (_, i) => work(cancel, i).catch(cancelOnFailure)));
}

// How the run core tells a step (and a parallel group its members) to stop. An AbortController and
// its AbortSignal (an EventTarget) cost more to make than a whole simulated step of an action that
// never looks at them, and the step code only reads `aborted` and `reason` and adds a listener or two:
// a StepStop is that, in a plain object. An action still gets a real AbortSignal (`ctx.signal`), made
// by its attempt when it first reads it and aborted through the listener the attempt adds here.

/** What the step code reads of a stop: a real AbortSignal has it too. */
export interface StopSignal {
  /** True once the step was told to stop. */
  readonly aborted: boolean;
  /** Why it was told to stop (undefined until then). */
  readonly reason: unknown;
  /** Calls `listener` once when the stop happens (never when it already happened). */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  /** Forgets a listener added with {@link StopSignal.addEventListener}. */
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A stop a step can be told, in one plain object (see the module's header). */
export class StepStop implements StopSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> | undefined;

  /** Listens for the stop, once; like an AbortSignal, a stop that already happened calls nothing. */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  /** Forgets `listener`. */
  removeEventListener(_type: 'abort', listener: () => void): void {
    const list = this.listeners;
    if (!list) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  }

  /**
   * Stops (once): `reason` is kept (an AbortSignal's own AbortError when none is given) and every
   * listener is called in the order it was added. One that throws does not keep the others from
   * hearing it; its error surfaces as an uncaught exception, as from an AbortSignal's listener.
   */
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason =
      reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    const list = this.listeners;
    this.listeners = undefined;
    if (!list) return;
    for (const listener of list)
      try {
        listener();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
  }
}

// Shared setup for the engine's behaviour tests: YAML playbooks, counting fake actions, virtual-clock runs.
import { createVirtualClock, defineAction, parsePlaybook, runPlaybook } from '@firstline/core';
import type {
  ActionContext,
  ActionDefinition,
  ActionKind,
  Clock,
  LoadedPlaybook,
  RunOptions,
  RunResult,
  TraceEvent,
  TraceEventType,
  VirtualClock,
} from '@firstline/core';

/** Parses `firstline: 1` / `name:` plus `body` into a loaded playbook (throws PlaybookInvalid on bad text). */
export function yamlPlaybook(body: string, name = 'test'): LoadedPlaybook {
  return parsePlaybook(`firstline: 1\nname: ${name}\n${body}`);
}

/** What a fake action does on one call: `index` counts calls from 0. */
export type FakeBehaviour = (input: unknown, ctx: ActionContext, index: number) => Promise<unknown>;

/** A fake action plus what it saw: inputs and contexts, one per call, in order. */
export interface FakeAction {
  /** The definition to register. */
  action: ActionDefinition;
  /** Inputs received, one per call. */
  inputs: unknown[];
  /** Contexts received, one per call. */
  contexts: ActionContext[];
  /** Number of calls so far. */
  readonly count: number;
  /** Per call: the clock time its signal aborted (undefined while it has not), to tell "cut short" from cleanup. */
  abortedAt: Array<number | undefined>;
}

/** A counting fake action: accepts any object input and resolves `{}` unless `behaviour` says otherwise. */
export function createFakeAction(id: string, kind: ActionKind, behaviour?: FakeBehaviour): FakeAction {
  const inputs: unknown[] = [];
  const contexts: ActionContext[] = [];
  const abortedAt: Array<number | undefined> = [];
  const action = defineAction<unknown, unknown>({
    id,
    kind,
    description: `Fake ${kind} ${id}.`,
    input: { type: 'object' },
    run: (input, ctx) => {
      inputs.push(input);
      contexts.push(ctx);
      const call = abortedAt.push(undefined) - 1;
      ctx.signal.addEventListener('abort', () => (abortedAt[call] = ctx.clock.now()), { once: true });
      return behaviour ? behaviour(input, ctx, inputs.length - 1) : Promise.resolve({});
    },
  });
  return {
    action,
    inputs,
    contexts,
    abortedAt,
    get count() {
      return inputs.length;
    },
  };
}

/** Resolves `value` after `ms` of `clock` time; rejects with the abort reason when `signal` aborts first. */
export function after<T>(clock: Clock, ms: number, value: T, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    }, ms);
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Never settles unless `signal` aborts (then rejects): an action that hangs until its timeout. */
export function hang(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
}

/** Runs `playbook` live on a fresh virtual clock (the run drives it); returns the result and the clock. */
export async function runVirtual(
  playbook: Parameters<typeof runPlaybook>[0],
  options: Omit<RunOptions, 'clock'> = {},
): Promise<{ result: RunResult; clock: VirtualClock }> {
  const clock = createVirtualClock();
  const result = await runPlaybook(playbook, { mode: 'live', ...options, clock });
  return { result, clock };
}

/** The trace events of one type, narrowed. */
export function eventsOf<T extends TraceEventType>(
  trace: readonly TraceEvent[],
  type: T,
): Array<Extract<TraceEvent, { type: T }>> {
  return trace.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);
}

/** In a {@link sequence}: the call hangs until its signal aborts (the step's timeout, a decided group). */
export const HANG = Symbol('hang');

/** One scripted call of a {@link sequence}: an output, an Error to throw, {@link HANG}, or a delayed output. */
export type SequenceItem = unknown;

/** A delayed output for {@link sequence}: resolves `output` after `ms` of the run's clock, unless aborted. */
export function delayed(ms: number, output: unknown): { delayMs: number; output: unknown } {
  return { delayMs: ms, output };
}

/**
 * A behaviour that plays `items` one per call, the last repeating: plain values resolve, Errors reject,
 * {@link HANG} never settles before the signal aborts, {@link delayed} values resolve on the virtual clock.
 */
export function sequence(...items: SequenceItem[]): FakeBehaviour {
  return (_input, ctx, index) => {
    const item = items[Math.min(index, items.length - 1)];
    if (item === HANG) return hang(ctx.signal);
    if (item instanceof Error) return Promise.reject(item);
    if (isDelayed(item)) return after(ctx.clock, item.delayMs, item.output, ctx.signal);
    return Promise.resolve(item);
  };
}

function isDelayed(item: unknown): item is { delayMs: number; output: unknown } {
  return typeof item === 'object' && item !== null && 'delayMs' in item && 'output' in item;
}

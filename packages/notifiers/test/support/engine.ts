import { runPlaybook } from '@firstline/core';
import type { ActionDefinition, RunResult } from '@firstline/core';
import type { Sleep } from '../../src/index.js';

/** Runs a plain-object playbook through the engine with `actions`, secrets read from `env`. */
export function run(
  playbook: Record<string, unknown>,
  actions: ActionDefinition[],
  options: { env?: Record<string, string>; mode?: 'live' | 'shadow'; input?: Record<string, unknown> } = {},
): Promise<RunResult> {
  return runPlaybook(
    { firstline: 1, ...playbook },
    {
      actions,
      mode: options.mode ?? 'live',
      env: options.env ?? {},
      input: options.input ?? {},
    },
  );
}

/** A sleep that records the delays asked for and returns at once: tests never really wait. */
export function recordingSleep(): Sleep & { delays: number[] } {
  const delays: number[] = [];
  const sleep = (ms: number, signal?: AbortSignal) => {
    delays.push(ms);
    return signal?.aborted ? Promise.reject(signal.reason as Error) : Promise.resolve();
  };
  return Object.assign(sleep, { delays });
}

/** Retry settings for tests: recorded sleeps, a fixed jitter. */
export function testRetries(sleep: Sleep, overrides: { max?: number; maxDelayMs?: number } = {}) {
  return { max: 3, baseDelayMs: 100, maxDelayMs: 5_000, sleep, random: () => 0.5, ...overrides };
}

/** The action with this id, from a factory's list. */
export function actionOf(actions: ActionDefinition[], id: string): ActionDefinition {
  const action = actions.find((a) => a.id === id);
  if (!action) throw new Error(`no action ${id}`);
  return action;
}

/** The forms a secret could leak in: as is, URL-encoded, base64. */
export function leakForms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64').replace(/=+$/, '')];
}

/** Which of the secrets' forms occur in `text`. */
export function leaksIn(text: string, ...secrets: string[]): string[] {
  return secrets.flatMap(leakForms).filter((form) => text.includes(form));
}

/** The error an async call rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

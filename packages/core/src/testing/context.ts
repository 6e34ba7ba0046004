import type { ActionContext, Clock, Logger } from '../actions/types.js';
import { FirstlineError } from '../errors.js';
import { createVirtualClock } from '../runtime/clock.js';
import { createRedactor } from '../runtime/redact.js';
import type { Redactor } from '../runtime/redact.js';
import { MIN_SECRET_LENGTH } from '../runtime/redactForms.js';
import type { VirtualClock } from '../runtime/types.js';

// The context an action gets from the engine (executeStep/attempt), rebuilt for tests: the same fields,
// the same redaction of log lines, a virtual clock, and the log lines kept for assertions.

/** One line an action logged, as the engine's trace keeps it: message and fields already redacted. */
export interface LogLine {
  /** The logger method called. */
  level: 'debug' | 'info' | 'warn' | 'error';
  /** The message, secret values replaced by `[redacted]`. */
  message: string;
  /** The fields passed, redacted the same way; absent when none were. */
  fields?: Record<string, unknown>;
}

/** What {@link createTestContext} may be told; everything has a default. */
export interface TestContextOptions<C extends Clock = VirtualClock> {
  /** The clock; default a fresh virtual clock. Pass `systemClock` for an action doing real network I/O. */
  clock?: C;
  /** Secret values by name, as the playbook's `secrets:` would resolve them (6 characters at least). */
  secrets?: Readonly<Record<string, string>>;
  /** An outer signal: aborting it aborts the context's signal too (with its reason). */
  signal?: AbortSignal;
  /** Default `test-run`. */
  runId?: string;
  /** Default `test-step`. */
  stepId?: string;
  /** Default 1. */
  attempt?: number;
  /** Default `runId:stepId:1`, the engine's key for a step's first visit. */
  idempotencyKey?: string;
  /** Set to test a resendable notification sent again after a crash. */
  resend?: boolean;
  /** Also receives every line (already redacted), after it is recorded. */
  logger?: Logger;
}

/** An {@link ActionContext} for tests: its clock, the lines logged, and a way to abort it. */
export interface TestContext<C extends Clock = VirtualClock> extends ActionContext {
  /** The context's clock: virtual unless another was given. */
  readonly clock: C;
  /** Always set, as the engine sets it: the run's redactor over `secrets`. */
  readonly redact: (text: string) => string;
  /** Every line logged so far, in order. */
  readonly logs: LogLine[];
  /** The messages logged so far, at one level or at all levels. */
  messages(level?: LogLine['level']): string[];
  /** Aborts `signal` the way a cancel or a step timeout does; the reason defaults to an AbortError. */
  abort(reason?: unknown): void;
  /** The redactor the engine would use for this context's secrets (text, values, errors). */
  readonly redactor: Redactor;
}

/**
 * An action context for calling an action's `run` or `plan` directly, as the engine would give it: a
 * virtual clock (unless `clock` is given), log lines recorded with secret values redacted, `redact` over
 * `secrets`, and a signal that {@link TestContext.abort} aborts.
 *
 * @example
 * const ctx = createTestContext({ secrets: { token: 'fake-slack-token' } });
 * await myAction.run({ url }, ctx);
 * expect(ctx.messages('info')).toContain('posted to #ops');
 */
export function createTestContext<C extends Clock = VirtualClock>(
  options: TestContextOptions<C> = {},
): TestContext<C> {
  const secrets = Object.freeze({ ...options.secrets });
  const short = Object.entries(secrets).filter(([, value]) => value.length < MIN_SECRET_LENGTH);
  if (short.length)
    throw new FirstlineError(
      'E_SECRET_TOO_SHORT',
      `${short.map(([name]) => `secrets.${name}`).join(', ')}: a secret needs at least ${MIN_SECRET_LENGTH} characters, or redaction could not tell it from ordinary text`,
    );
  const redactor = createRedactor(Object.values(secrets));
  const controller = new AbortController();
  const outer = options.signal;
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
  const logs: LogLine[] = [];
  const line = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => {
    const clean = redactor.string(String(message));
    const cleanFields = fields && redactor.value(fields);
    logs.push({ level, message: clean, ...(cleanFields && { fields: cleanFields }) });
    options.logger?.[level](clean, cleanFields);
  };
  const runId = options.runId ?? 'test-run';
  const stepId = options.stepId ?? 'test-step';
  return {
    signal: controller.signal,
    runId,
    stepId,
    attempt: options.attempt ?? 1,
    idempotencyKey: options.idempotencyKey ?? `${runId}:${stepId}:1`,
    clock: options.clock ?? (createVirtualClock() as Clock as C),
    logger: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    secrets,
    redact: (text) => redactor.string(text),
    ...(options.resend === true && { resend: true }),
    logs,
    messages: (level) => logs.filter((l) => level === undefined || l.level === level).map((l) => l.message),
    abort: (reason) => controller.abort(reason),
    redactor,
  };
}

/** True when the clock is a virtual one (its time moves only when advanced). */
export function isVirtualClock(clock: Clock): clock is VirtualClock {
  return (clock as Partial<VirtualClock>).virtual === true;
}

import { ActionError } from '../errors.js';
import { defineAction } from './defineAction.js';
import { precompiled } from './builtinValidators.generated.js';
import { withPrecompiledValidator } from './precompiled.js';
import type { AnyActionDefinition } from './registry.js';

/** `core.log`: writes a line to the run's log; usable as a step or a notification. */
export const coreLog = withPrecompiledValidator(
  precompiled,
  defineAction<{ message: string; level?: 'debug' | 'info' | 'warn' | 'error' }, { logged: string }>({
    id: 'core.log',
    kind: 'notify',
    description: "Writes a message to the run's log.",
    idempotent: true,
    input: {
      type: 'object',
      required: ['message'],
      additionalProperties: false,
      properties: {
        message: { type: 'string', description: 'The line to log; may hold {{ expressions }}.' },
        level: { enum: ['debug', 'info', 'warn', 'error'], default: 'info' },
      },
    },
    output: {
      type: 'object',
      properties: { logged: { type: 'string' } },
      examples: [{ logged: 'restarting web on web-1' }],
    },
    run(input, ctx) {
      ctx.logger[input.level ?? 'info'](input.message, { stepId: ctx.stepId });
      return Promise.resolve({ logged: input.message });
    },
    plan(input) {
      return Promise.resolve({ summary: `would log "${input.message}"` });
    },
    // A line in the run's own log changes nothing outside it.
    changes: () => false,
  }),
);

/** `core.fail`: always fails with the given message; marks a branch that must never be taken quietly. */
export const coreFail = withPrecompiledValidator(
  precompiled,
  defineAction<{ message: string }, never>({
    id: 'core.fail',
    kind: 'probe',
    description: 'Fails the step with a message (never retried).',
    idempotent: true,
    input: {
      type: 'object',
      required: ['message'],
      additionalProperties: false,
      properties: { message: { type: 'string' } },
    },
    run(input) {
      return Promise.reject(new ActionError('core.fail', input.message, { retryable: false }));
    },
  }),
);

/** The built-in `core.*` actions every registry starts with, their validators compiled at build time. */
export const coreActions: readonly AnyActionDefinition[] = [coreLog, coreFail];

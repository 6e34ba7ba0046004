import type { Logger } from '../actions/types.js';
import type { RunServices } from './services.js';

/** A logger for one step: lines go to the run's logger and the trace, secret values redacted. */
export function stepLogger(services: RunServices, step: string): Logger {
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
      const clean = services.redactor.string(message);
      const cleanFields = fields && services.redactor.value(fields);
      try {
        services.logger[level](clean, { step, ...cleanFields });
      } catch {
        // The host's log sink failing is not the action's failure; the trace below still has the line.
      }
      services.emit({
        type: 'log',
        level,
        step,
        message: clean,
        ...(cleanFields && { fields: cleanFields }),
      });
    };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

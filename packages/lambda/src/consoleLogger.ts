import type { Logger } from '@firstline/core';

/** One JSON line per entry on stdout/stderr, which Lambda sends to CloudWatch Logs; debug lines are dropped. */
export const consoleLogger: Logger = {
  debug: () => undefined,
  info: (message, fields) => console.log(line('info', message, fields)),
  warn: (message, fields) => console.warn(line('warn', message, fields)),
  error: (message, fields) => console.error(line('error', message, fields)),
};

function line(level: string, message: string, fields: Record<string, unknown> | undefined): string {
  // CloudWatch Logs Insights parses JSON lines: `filter level = "error"` finds every failure.
  return JSON.stringify({ level, message, ...fields });
}

import type { Logger } from '@firstline/core';

/**
 * The server's log when the host gives none: one JSON line per entry on stderr, which is what log
 * collectors (journald, CloudWatch agent, Loki) read best.
 */
export function createConsoleLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

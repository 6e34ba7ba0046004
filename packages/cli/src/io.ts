import { styleText } from 'node:util';

/** Where a command writes and what it knows of its terminal; tests pass a capturing one. */
export interface CliIo {
  /** Writes to standard output (no newline added). */
  out(text: string): void;
  /** Writes to standard error (no newline added). */
  err(text: string): void;
  /** True when stdout is a terminal: live progress, carets and colours are for people. */
  isTTY: boolean;
  /** Colours on: a TTY without NO_COLOR (or FORCE_COLOR set). */
  color: boolean;
  /** The environment secrets and settings are read from. */
  env: Record<string, string | undefined>;
  /** Relative paths resolve against this. */
  cwd: string;
  /** Aborted by the bin on a second Ctrl-C: a live run is then cancelled (its notifications go out). */
  signal?: AbortSignal;
  /**
   * Aborted by the bin on SIGTERM or a first Ctrl-C: a live run is handed back, stored as it is, for
   * `firstline resume` to finish (see docs/concepts/durability.md).
   */
  suspend?: AbortSignal;
}

/** The colours the CLI uses; each is the identity when colours are off. */
export interface Palette {
  /** Good outcomes. */
  green(text: string): string;
  /** Bad outcomes and errors. */
  red(text: string): string;
  /** Warnings and remediations. */
  yellow(text: string): string;
  /** Ids and emphasis. */
  bold(text: string): string;
  /** Secondary detail: timestamps, hints. */
  dim(text: string): string;
  /** Names of things: steps, files. */
  cyan(text: string): string;
}

const identity = (text: string) => text;

/** The palette for `io`: real colours only when `io.color` is on. */
export function paletteFor(io: Pick<CliIo, 'color'>): Palette {
  if (!io.color)
    return {
      green: identity,
      red: identity,
      yellow: identity,
      bold: identity,
      dim: identity,
      cyan: identity,
    };
  // styleText would itself check the stream; the decision is ours (io.color), so validateStream is off.
  const style =
    (format: Parameters<typeof styleText>[0]) =>
    (text: string): string =>
      styleText(format, text, { validateStream: false });
  return {
    green: style('green'),
    red: style('red'),
    yellow: style('yellow'),
    bold: style('bold'),
    dim: style('dim'),
    cyan: style('cyan'),
  };
}

/** Whether colours are on for a stream, by the NO_COLOR / FORCE_COLOR conventions. */
export function colorEnabled(isTTY: boolean, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

/**
 * The real process's io: stdout/stderr, the process environment and working directory; `signal`
 * cancels a live run, `suspend` hands it back.
 */
export function processIo(signal?: AbortSignal, suspend?: AbortSignal): CliIo {
  const isTTY = process.stdout.isTTY === true;
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTTY,
    color: colorEnabled(isTTY, process.env),
    env: process.env,
    cwd: process.cwd(),
    ...(signal && { signal }),
    ...(suspend && { suspend }),
  };
}

/** An io that captures everything, for tests and for embedding the CLI in another program. */
export function createCapturingIo(
  options: Partial<Omit<CliIo, 'out' | 'err'>> = {},
): CliIo & { stdout(): string; stderr(): string } {
  let stdout = '';
  let stderr = '';
  return {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    isTTY: false,
    color: false,
    env: {},
    cwd: process.cwd(),
    ...options,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

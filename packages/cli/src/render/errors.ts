import { InputInvalid, isFirstlineError, PlaybookInvalid } from '@firstline/core';
import { EXIT, UsageError } from '../context.js';
import type { CliContext } from '../context.js';
import { paletteFor } from '../io.js';
import { issueLine } from './issues.js';
import type { CliIssue } from './issues.js';

/** An error that carries positioned issues of its own file (a playbook, a scenario file). */
interface PositionedError {
  issues: readonly CliIssue[];
  file?: string;
}

function isPositioned(error: unknown): error is Error & PositionedError {
  return error instanceof Error && Array.isArray((error as Partial<PositionedError>).issues);
}

/**
 * Prints an error the way the CLI promises: one clear message (every issue of an invalid file, each
 * with file:line:col and its code), never a stack trace unless `--debug`. Returns the exit code:
 * 2 for anything the user gave us (usage, files, playbooks, inputs, scenarios), 1 otherwise.
 */
export function reportError(error: unknown, ctx: CliContext): number {
  const { io, debug } = ctx;
  const palette = paletteFor(io);
  const prefix = palette.red('firstline:');
  const stack = () => {
    if (debug && error instanceof Error && error.stack) io.err(`${palette.dim(error.stack)}\n`);
  };

  if (error instanceof UsageError) {
    io.err(`${prefix} ${error.message}\n`);
    if (error.hint) io.err(`${palette.dim(error.hint)}\n`);
    stack();
    return EXIT.usage;
  }
  if (error instanceof PlaybookInvalid || isPositioned(error)) {
    const file = error instanceof PlaybookInvalid ? error.file : error.file;
    for (const issue of error.issues) io.err(`${issueLine(issue, file ?? '<playbook>', palette)}\n`);
    stack();
    return EXIT.usage;
  }
  if (error instanceof InputInvalid) {
    io.err(`${prefix} ${error.playbook}: invalid input\n`);
    for (const problem of error.problems) io.err(`  ${palette.bold(problem.path)}: ${problem.message}\n`);
    io.err(`${palette.dim('give inputs with --input name=value or --input-file inputs.yaml')}\n`);
    stack();
    return EXIT.usage;
  }
  if (isFirstlineError(error)) {
    io.err(`${prefix} ${error.code}  ${error.message}\n`);
    stack();
    // An action failing outside a step is the run going wrong, not the user's input being wrong.
    return error.code === 'E_ACTION_FAILED' ? EXIT.bad : EXIT.usage;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && error instanceof Error) {
    // A system error on something the user named (ENOENT, EACCES, EISDIR): their input, exit 2.
    io.err(`${prefix} ${error.message}\n`);
    stack();
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`${prefix} internal error: ${message}\n`);
  if (debug) stack();
  else io.err(`${palette.dim('run again with --debug for the stack trace, and please report it')}\n`);
  return EXIT.bad;
}

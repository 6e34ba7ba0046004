import { resolve } from 'node:path';
import { compilePlaybook, loadPlaybook } from '@firstline/core';
import type { CompiledPlaybook, LoadedPlaybook } from '@firstline/core';
import type { CliContext } from './context.js';
import { displayPath } from './displayPath.js';
import { paletteFor } from './io.js';
import { issueLine } from './render/issues.js';

/** A playbook the CLI can run: loaded, validated against the installed actions, compiled. */
export interface OpenedPlaybook {
  /** The path as the user should see it (relative to the working directory when inside it). */
  shown: string;
  loaded: LoadedPlaybook;
  compiled: CompiledPlaybook;
}

/**
 * Loads, validates and compiles a playbook file. Every error issue is thrown at once as core's
 * `PlaybookInvalid`; warnings are printed to stderr and the playbook is still returned.
 */
export async function openPlaybook(path: string, ctx: CliContext): Promise<OpenedPlaybook> {
  const file = resolve(ctx.io.cwd, path);
  const shown = displayPath(file, ctx.io.cwd);
  const loaded = await loadPlaybook(file, { file: shown });
  // Compiling validates (throwing PlaybookInvalid with every error); its warnings are printed here.
  const compiled = compilePlaybook(loaded, { actions: ctx.actions });
  const palette = paletteFor(ctx.io);
  for (const issue of compiled.warnings) ctx.io.err(`${issueLine(issue, shown, palette)}\n`);
  return { shown, loaded, compiled };
}

export { displayPath };

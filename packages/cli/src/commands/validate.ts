import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkPlaybook } from '@firstline/core';
import type { Issue } from '@firstline/core';
import { EXIT, UsageError } from '../context.js';
import type { CliContext } from '../context.js';
import { paletteFor } from '../io.js';
import { displayPath } from '../displayPath.js';
import { caretExcerpt, issueLine } from '../render/issues.js';

/** Options of `firstline validate`. */
export interface ValidateFlags {
  /** One JSON object on stdout instead of lines. */
  json?: boolean;
}

/** What `firstline validate --json` prints for one file. */
export interface FileValidation {
  file: string;
  ok: boolean;
  issues: Issue[];
}

const PLAYBOOK_GLOB = ['**/*.yaml', '**/*.yml'];
const IGNORED = ['**/node_modules/**', '**/.*/**', '**/*.scenarios.yaml', '**/*.scenarios.yml'];

/**
 * `firstline validate <files or globs…>`: every issue of every file, as `file:line:col  CODE  message`
 * (with the offending line and a caret at a terminal). Exit 0 when no file has an error, 2 otherwise.
 */
export async function validateCommand(
  targets: string[],
  flags: ValidateFlags,
  ctx: CliContext,
): Promise<number> {
  const { io } = ctx;
  const files = await expandTargets(targets, io.cwd);
  const results: FileValidation[] = [];
  for (const file of files) {
    const shown = displayPath(file, io.cwd);
    const result = await checkPlaybook(file, { actions: ctx.actions, file: shown });
    results.push({ file: shown, ok: result.ok, issues: result.issues });
  }
  const ok = results.every((r) => r.ok);
  if (flags.json) {
    io.out(`${JSON.stringify({ ok, files: results }, null, 2)}\n`);
    return ok ? EXIT.ok : EXIT.usage;
  }
  const palette = paletteFor(io);
  let errors = 0;
  let warnings = 0;
  for (const result of results) {
    // The source is read again only to show excerpts, and only for people at a terminal.
    const text = io.isTTY && result.issues.length > 0 ? await readText(resolve(io.cwd, result.file)) : '';
    for (const issue of result.issues) {
      if (issue.severity === 'error') errors++;
      else warnings++;
      io.out(`${issueLine(issue, result.file, palette)}\n`);
      if (io.isTTY) io.out(caretExcerpt(text, issue.line, issue.column, palette));
    }
  }
  const summary = `${plural(results.length, 'file')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  io.out(`${ok ? palette.green(`✓ ${summary}`) : palette.red(`✗ ${summary}`)}\n`);
  return ok ? EXIT.ok : EXIT.usage;
}

/** Files, directories (their YAML playbooks, recursively) and globs, in a stable order, without repeats. */
export async function expandTargets(targets: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const target of targets) {
    if (await isPattern(target)) {
      const { glob } = await import('tinyglobby');
      const matches = await glob(target, { cwd, absolute: true, ignore: ['**/node_modules/**'] });
      if (matches.length === 0) throw new UsageError(`no file matches ${target}`);
      for (const match of matches.sort()) found.add(match);
      continue;
    }
    const path = resolve(cwd, target);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const { glob } = await import('tinyglobby');
      const matches = await glob(PLAYBOOK_GLOB, { cwd: path, absolute: true, ignore: IGNORED });
      if (matches.length === 0) throw new UsageError(`no playbook (*.yaml, *.yml) in ${target}`);
      for (const match of matches.sort()) found.add(match);
    } else {
      // A missing file is reported by the loader as E_READ, with the others' issues.
      found.add(path);
    }
  }
  return [...found];
}

/**
 * Whether a target is a glob. tinyglobby (with picomatch) is imported only when the target has a
 * character a glob could use: `firstline validate playbook.yaml` does not load it.
 */
async function isPattern(target: string): Promise<boolean> {
  if (!/[*?[\]{}()!+@]/.test(target)) return false;
  const { isDynamicPattern } = await import('tinyglobby');
  return isDynamicPattern(target);
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FirstlineError } from '@firstline/core';
import { displayPath } from '../displayPath.js';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * Imports a config or plugin module: `.js`/`.mjs` with Node's own `import()`, TypeScript (and
 * JavaScript Node cannot parse) through jiti, which is loaded only then: a project without
 * TypeScript pays nothing for it. A module
 * that throws or does not parse becomes `E_CONFIG_LOAD` naming `shown` and the cause (paths in it
 * relative to `cwd`).
 */
export async function importModule(
  file: string,
  shown: string,
  cwd: string,
): Promise<Record<string, unknown>> {
  try {
    if (TYPESCRIPT.has(extname(file))) return await importWithJiti(file);
    try {
      // The file's mtime in the URL: a process that loads the config again (an embedding
      // program, a test) sees the file as it is now, not the copy cached by its first import.
      const url = `${pathToFileURL(file).href}?mtime=${statSync(file).mtimeMs}`;
      return (await import(url)) as Record<string, unknown>;
    } catch (error) {
      // `export default` in a .js file of a CommonJS package, or a real syntax error: jiti loads
      // the first and places the second at its file:line:col, which Node's SyntaxError does not.
      if (error instanceof SyntaxError) return await importWithJiti(file);
      throw error;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new FirstlineError('E_CONFIG_LOAD', `${shown}: cannot load: ${describe(message, cwd)}`, {
      cause: error,
    });
  }
}

/** Imports a module through jiti (TypeScript, or ESM syntax Node would read as CommonJS). */
async function importWithJiti(file: string): Promise<Record<string, unknown>> {
  const { createJiti } = await import('jiti');
  // No interop: the module's own exports, so a default export stays `default`. Firstline's own
  // packages are imported natively: the copies this process runs, not a second transpiled one.
  const jiti = createJiti(pathToFileURL(file).href, {
    interopDefault: false,
    moduleCache: false,
    nativeModules: ['@firstline/cli', '@firstline/core'],
  });
  return await jiti.import<Record<string, unknown>>(file);
}

/**
 * An import error in one line: its first line (transpilers add a code frame below), prefixed with
 * the `file:line:col` a transpiler's parse error gives (`ParseError: Unexpected token\n /p/a.ts:1:25`).
 */
function describe(message: string, cwd: string): string {
  const first = (message.split('\n', 1)[0] ?? message).trim();
  const at = /\n\s*(\S+):(\d+):(\d+)\s*$/.exec(message);
  // The transpiler counts columns from 0, editors from 1.
  return at ? `${displayPath(at[1]!, cwd)}:${at[2]}:${Number(at[3]) + 1}: ${first}` : first;
}

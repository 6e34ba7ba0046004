import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FirstlineError } from '@firstline/core';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * Imports a config or plugin module: `.js`/`.mjs` with Node's own `import()`, TypeScript through
 * jiti, which is loaded only then (a project without TypeScript pays nothing for it). A module
 * that throws or does not parse becomes `E_CONFIG_LOAD` naming `shown` and the cause.
 */
export async function importModule(file: string, shown: string): Promise<Record<string, unknown>> {
  try {
    if (!TYPESCRIPT.has(extname(file))) {
      return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    }
    const { createJiti } = await import('jiti');
    // No interop: the module's own exports, so a default export stays `default`.
    const jiti = createJiti(pathToFileURL(file).href, { interopDefault: false, moduleCache: false });
    return await jiti.import<Record<string, unknown>>(file);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new FirstlineError('E_CONFIG_LOAD', `${shown}: cannot load: ${firstLine(message)}`, {
      cause: error,
    });
  }
}

/** The first line of an error message (transpilers add a code frame below it). */
function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FirstlineError } from '@firstline/core';

/** The conditions a plugin package's `exports` are read with: Node's, for `import()`. */
const CONDITIONS = ['import', 'node', 'default'];

/**
 * The file a plugin specifier names, from the config's directory: a path (`./actions/cache.ts`,
 * absolute) as it is, or a package (`@acme/firstline-actions`, `acme-actions/extra`) looked up in
 * `node_modules` above the config, reading its `exports` as `import()` would (ESM-only packages too).
 */
export function resolvePlugin(specifier: string, configFile: string, shown: string): string {
  const from = dirname(configFile);
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    const file = resolve(from, specifier);
    if (!existsSync(file))
      throw new FirstlineError('E_CONFIG_LOAD', `${shown}: plugin "${specifier}" not found: no file ${file}`);
    return file;
  }
  const [name, subpath] = splitSpecifier(specifier);
  for (let dir = from; ; dir = dirname(dir)) {
    const root = join(dir, 'node_modules', name);
    const file = entryOf(root, subpath);
    if (file) return file;
    if (dirname(dir) === dir) break;
  }
  // A layout this lookup does not know (Yarn PnP, a package without exports): Node's own resolver.
  try {
    return createRequire(configFile).resolve(specifier);
  } catch {
    throw new FirstlineError(
      'E_CONFIG_LOAD',
      `${shown}: plugin "${specifier}" not found: no node_modules/${name} above ${from} (install it, or give a path starting with ./)`,
    );
  }
}

/** `@scope/name/sub` → [`@scope/name`, `./sub`]; `name` → [`name`, `.`]. */
function splitSpecifier(specifier: string): [string, string] {
  const parts = specifier.split('/');
  const size = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(size).join('/');
  return [parts.slice(0, size).join('/'), rest === '' ? '.' : `./${rest}`];
}

/** The entry of an installed package for a subpath, or undefined when the package is not there. */
function entryOf(root: string, subpath: string): string | undefined {
  const manifest = join(root, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports?: unknown;
    module?: string;
    main?: string;
  };
  const exported = pkg.exports === undefined ? undefined : target(subpathEntry(pkg.exports, subpath));
  const file = exported ?? (subpath === '.' ? (pkg.module ?? pkg.main ?? 'index.js') : subpath);
  return resolve(root, file);
}

/** The `exports` entry for a subpath (`exports` may be the entry itself, or a map of subpaths). */
function subpathEntry(exports: unknown, subpath: string): unknown {
  if (typeof exports === 'string' || Array.isArray(exports)) return subpath === '.' ? exports : undefined;
  if (typeof exports !== 'object' || exports === null) return undefined;
  const keys = Object.keys(exports);
  if (keys.some((key) => key.startsWith('.'))) return (exports as Record<string, unknown>)[subpath];
  return subpath === '.' ? exports : undefined;
}

/** A conditional target read with {@link CONDITIONS}. */
function target(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) return entry.map(target).find((file) => file !== undefined);
  if (typeof entry !== 'object' || entry === null) return undefined;
  for (const [condition, value] of Object.entries(entry)) {
    if (CONDITIONS.includes(condition)) {
      const file = target(value);
      if (file !== undefined) return file;
    }
  }
  return undefined;
}

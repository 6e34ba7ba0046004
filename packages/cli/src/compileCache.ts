// A V8 code cache for the bundled CLI (dist/bundle/*.cjs), what Node 22's module.enableCompileCache()
// does, on Node 20. A fresh `firstline validate` spent about a fifth of its time parsing and compiling
// the bundle's JavaScript, the same bytes every time; V8 can serialize what it compiled (including the
// functions the command ran) and take it back on the next start. The bin installs this before it
// requires the bundle: each bundle file is compiled through node:vm with the cache V8 wrote last time,
// and a file that had none (or whose cache V8 refused: another Node, other V8 flags) gets one written
// when the process exits, with what the command compiled by then.
//
// Only files whose name carries their content's hash are cached (`validate-B3nBltp9.cjs`: the bundle's
// chunks; the entry only requires one), keyed by that name, their size and their modification time, so
// an upgrade or an edited file never runs a stale cache: V8 itself checks only the source's length.
// The cache is per user (never a shared temporary directory: cached code is code), one directory per
// Node version and architecture; anything that fails (no home, a read-only disk, a corrupt file) only
// means a slower start, never an error.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Script } from 'node:vm';

/** The environment variable naming the cache's directory, or `0` to turn it off. */
const COMPILE_CACHE_ENV = 'FIRSTLINE_COMPILE_CACHE';

/** A file name with a bundler's content hash before its extension (rollup's `[hash]`: 8 characters). */
const HASHED = /-[\w-]{8}\.cjs$/;
/** Caches not written for this long are removed when another is written (bundles of older versions). */
const STALE_MS = 30 * 24 * 60 * 60 * 1000;
/** Values of FIRSTLINE_COMPILE_CACHE that turn the cache off. */
const OFF = new Set(['0', 'false', 'off', 'no']);

/**
 * The cache's directory from the environment, or undefined when it is off: FIRSTLINE_COMPILE_CACHE (a
 * directory, or `0`/`off` for none), NODE_DISABLE_COMPILE_CACHE (Node's own switch) turns it off, else the
 * user's cache directory (XDG_CACHE_HOME or ~/.cache; ~/Library/Caches on macOS; %LOCALAPPDATA% on Windows).
 */
export function compileCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const chosen = env[COMPILE_CACHE_ENV];
  if (chosen !== undefined && chosen !== '' && OFF.has(chosen.toLowerCase())) return undefined;
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const perRuntime = `v8-${process.version}-${process.arch}`;
  if (chosen) return join(resolve(chosen), perRuntime);
  const home = platform === 'win32' ? env.LOCALAPPDATA : env.HOME;
  if (!home) return undefined;
  const root =
    platform === 'win32'
      ? join(home, 'firstline', 'Cache')
      : platform === 'darwin'
        ? join(home, 'Library', 'Caches', 'firstline')
        : join(env.XDG_CACHE_HOME || join(home, '.cache'), 'firstline');
  return join(root, perRuntime);
}

/** A compiled bundle file whose cache is to be written. */
interface Pending {
  script: Script;
  cacheFile: string;
}

/** This process's bundle files (their names) and the caches it has to write at exit. */
interface CacheRun {
  dir: string;
  loaded: Set<string>;
  pending: Pending[];
}

type Compile = (this: Module, content: string, filename: string, ...rest: unknown[]) => unknown;
/** Node's own Module#_compile (not in its types). */
interface CompilingModule {
  _compile: Compile;
}

/**
 * Compiles the CommonJS files under `bundleDir` with V8 code caches kept in `dir` from now on in this
 * process (other files are Node's as before), and writes the missing caches when the process exits. It
 * also provides the function the bundle's dynamic imports of what is outside it call (a file compiled
 * through node:vm has no import() of its own).
 */
export function installCompileCache(bundleDir: string, dir: string): void {
  const run: CacheRun = { dir, loaded: new Set(), pending: [] };
  const inBundle = resolve(bundleDir) + sep;
  const proto = Module.prototype as unknown as CompilingModule;
  const nodeCompile = proto._compile;
  proto._compile = function compile(this: Module, content, filename, ...rest) {
    if (!filename.startsWith(inBundle) || !HASHED.test(filename))
      return nodeCompile.call(this, content, filename, ...rest);
    let cacheFile: string | undefined;
    let cachedData: Buffer | undefined;
    try {
      const { size, mtimeMs } = statSync(filename);
      cacheFile = join(dir, `${basename(filename)}.${size}.${Math.trunc(mtimeMs)}.v8`);
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    // A `#!` line is only valid at the very start of a script: inside the wrapper it is a comment.
    const source = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    const script = new Script(Module.wrap(source), { filename, cachedData });
    run.loaded.add(basename(filename));
    if (cacheFile && (!cachedData || script.cachedDataRejected)) run.pending.push({ script, cacheFile });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (
      exports: unknown,
      require: NodeJS.Require,
      module: Module,
      file: string,
      directory: string,
    ) => unknown;
    return wrapper.call(this.exports, this.exports, requireOf(this), this, filename, dirname(filename));
  };
  // The key is scripts/bundle-groups.mjs's IMPORT_HOOK, which the bundle's external imports call.
  (globalThis as Record<symbol, unknown>)[Symbol.for('firstline.import')] = (specifier: string) =>
    import(specifier);
  process.once('exit', () => flush(run));
}

/** The `require` a module's code is given, as Node makes it: relative to the module, its cache Node's. */
function requireOf(module: Module): NodeJS.Require {
  const internal = Module as unknown as {
    _resolveFilename(request: string, parent: Module, isMain: boolean, options?: unknown): string;
    _resolveLookupPaths(request: string, parent: Module): string[] | null;
    _cache: NodeJS.Require['cache'];
    _extensions: NodeJS.Require['extensions'];
  };
  const require = ((id: string): unknown => module.require(id) as unknown) as NodeJS.Require;
  require.resolve = Object.assign(
    (request: string, options?: { paths?: string[] }) =>
      internal._resolveFilename(request, module, false, options),
    { paths: (request: string) => internal._resolveLookupPaths(request, module) },
  );
  require.cache = internal._cache;
  require.extensions = internal._extensions;
  require.main = process.mainModule;
  return require;
}

/**
 * Writes the caches of the files compiled without one: with everything compiled so far (V8 includes the
 * functions the process ran), each to a temporary name first so a concurrent start never reads half a
 * file. Then removes the caches of other files not written for 30 days (bundles of older versions).
 */
function flush({ dir, loaded, pending }: CacheRun): void {
  if (pending.length === 0) return;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return;
  }
  for (const { script, cacheFile } of pending.splice(0)) {
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
      renameSync(temporary, cacheFile);
    } catch {
      rmSync(temporary, { force: true });
    }
  }
  try {
    const now = Date.now();
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      const of = name.replace(/(\.\d+){2}\.v8$/, '');
      if (!loaded.has(of) && now - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true });
    }
  } catch {
    // Another process removed it first, or the directory is not ours to tidy: nothing lost.
  }
}

// Writes one minified ES module with every dependency inlined (the AWS SDK too: the version tested
// is the version deployed), for a Lambda function or a CLI that starts without resolving
// node_modules. `node scripts/bundle.mjs <entry.ts> <out.mjs> [--split] [--chunks=<dir>] [--unbarrel]
// [--external=<package>]`, run by a package's build after tsup. `--split` keeps the entry's dynamic
// imports lazy: what they load goes to chunks/ beside the entry (or `--chunks=<dir>`, relative to it),
// parsed only when imported (the CLI: `validate` never parses the AWS SDK; the Lambda handler: an alarm
// never parses ssh2). `--unbarrel`: see unbarrelCore below. Beside the entry, <name>.packages.json names
// the packages whose code each output file holds; BUNDLE_METAFILE=<file> also writes esbuild's metafile
// (which input went where, and why: its imports), to study what a command loads. `--group=<name>:<entry.ts>,…`
// (with --split; repeatable) regroups the split output with rollup, one chunk per group: see
// bundle-groups.mjs. An <out> ending in `.cjs` (with --group) writes CommonJS files instead: rollup converts
// the regrouped output, so a loader can compile them with a V8 code cache (the CLI's bin does: see
// packages/cli/src/compileCache.ts); external dynamic imports then go through a function the loader provides.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { regroup } from './bundle-groups.mjs';
import { lazyEntries, lazyPackages } from './bundle-lazy.mjs';

// esbuild is the calling package's devDependency: resolved from its directory, not from scripts/.
const esbuild = createRequire(join(process.cwd(), 'package.json')).resolve('esbuild');
const { build } = await import(pathToFileURL(esbuild).href);

const args = process.argv.slice(2);
const split = args.includes('--split');
// --external=<package>: left to node_modules (jiti, which loads files relative to itself).
const externals = args.filter((arg) => arg.startsWith('--external=')).map((arg) => arg.slice(11));
// --chunks=<dir>: where the chunks go, beside the entry; one directory per entry lets two bundles share
// an output directory and each be deployed with only its own chunks (the Lambda handler and runner).
const chunks = args.find((arg) => arg.startsWith('--chunks='))?.slice(9) ?? 'chunks';
// --group=<name>:<entry.ts>,<entry.ts>: the entries' files, as the metafile names them (relative to the
// package), whose static imports go to one chunk.
const groups = args
  .filter((arg) => arg.startsWith('--group='))
  .map((arg) => /^--group=([\w-]+):(.+)$/.exec(arg))
  .map((match) => match && [match[1], match[2].split(',')]);
// --lazy=<package>: a dependency of core loaded on first use, from a chunk of its own (bundle-lazy.mjs).
const lazy = args.filter((arg) => arg.startsWith('--lazy=')).map((arg) => arg.slice(7));
const [entry, outfile] = args.filter((arg) => !arg.startsWith('--'));
// <out.cjs>: CommonJS, written by rollup's regroup pass (esbuild splits ES modules only).
const commonJs = outfile?.endsWith('.cjs') ?? false;
if (
  !entry ||
  !outfile ||
  !/\.[cm]js$/.test(outfile) ||
  groups.some((group) => !group) ||
  (groups.length > 0 && !split) ||
  (lazy.length > 0 && groups.length === 0) ||
  (commonJs && groups.length === 0)
) {
  console.error(
    'usage: node scripts/bundle.mjs <entry.ts> <out.mjs|out.cjs> [--split [--group=<name>:<entry.ts>,… [--lazy=<package>]]] [--chunks=<dir>] [--unbarrel] [--external=<package>] (out.cjs needs --group)',
  );
  process.exit(2);
}
/** The output's name without its extension: `firstline` for dist/bundle/firstline.cjs. */
const stem = basename(outfile).replace(/\.[cm]js$/, '');

// CommonJS dependencies inlined into an ES module still call require() for Node's built-ins and read
// __dirname (ssh2 does): both are defined for them at the top of the bundle. A CommonJS bundle has its
// own (a `const require` there would even be a syntax error: it is the module wrapper's parameter).
const banner = [
  "import { createRequire as __createRequire } from 'node:module';",
  "import { fileURLToPath as __fileURLToPath } from 'node:url';",
  "import { dirname as __pathDirname } from 'node:path';",
  'const require = __createRequire(import.meta.url);',
  'const __filename = __fileURLToPath(import.meta.url);',
  'const __dirname = __pathDirname(__filename);',
].join(' ');

// Built-ins a command may never use are loaded on first use: an import of node:http, node:net,
// node:child_process… (the network actions, the Slack client, commander) becomes a module whose
// exports are getters that require() the built-in when first read. Loading those six alone costs a
// fresh process about 15 % of its start, for a `validate` that calls none of them. (An ES import of a
// built-in would also build its ES facade, which reads every export: node:crypto's `webcrypto`
// getter then loads all of WebCrypto.) The require() is the banner's.
const LAZY_BUILTINS = [
  'async_hooks',
  'child_process',
  'crypto',
  'dgram',
  'dns',
  'dns/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'perf_hooks',
  'readline',
  'tls',
  'worker_threads',
  'zlib',
];
const lazyBuiltins = new Map(LAZY_BUILTINS.flatMap((name) => [name, `node:${name}`].map((id) => [id, name])));
const requireHere = createRequire(import.meta.url);
/** @type {import('esbuild').Plugin} */
const builtinsOnFirstUse = {
  name: 'builtins-on-first-use',
  setup(plugin) {
    plugin.onResolve({ filter: /^(node:)?[a-z_]+(\/promises)?$/ }, ({ path, kind, namespace }) => {
      if (!lazyBuiltins.has(path) || kind === 'dynamic-import') return undefined;
      // The getters' own require() is of the built-in itself.
      if (namespace === 'lazy-builtin') return { path, external: true };
      return { path: lazyBuiltins.get(path), namespace: 'lazy-builtin' };
    });
    plugin.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, ({ path }) => {
      const names = Object.keys(requireHere(`node:${path}`)).filter((name) => name !== 'default');
      return {
        contents: [
          'let loaded;',
          `const load = () => (loaded ??= require(${JSON.stringify(`node:${path}`)}));`,
          `for (const name of ${JSON.stringify(names)})`,
          '  Object.defineProperty(exports, name, {',
          '    enumerable: true,',
          '    get: () => load()[name],',
          '    set: (value) => { load()[name] = value; },',
          '  });',
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

// yaml's ES build: `exports` gives Node its CommonJS build, which a bundle runs whole (every module of
// it, stringifier and all) before the first parse; the ES build (the same code, warnings through
// console.warn instead of process.emitWarning) is scope-hoisted and tree-shaken like the rest.
const yamlEsm = join(
  dirname(
    createRequire(new URL('../packages/core/package.json', import.meta.url)).resolve('yaml/package.json'),
  ),
  'browser/index.js',
);
/** @type {import('esbuild').Plugin} */
const yamlAsEsm = {
  name: 'yaml-as-esm',
  setup(plugin) {
    plugin.onResolve({ filter: /^yaml$/ }, () => ({ path: yamlEsm }));
  },
};

// Imports of core's entry points (`@firstline/core`, `@firstline/core/internal`) are taken from the
// module that defines each name. esbuild splits code by which entries reach a *file*: one static
// import of the barrel from a module `validate` loads made every module the barrel re-exports (the
// XState runtime, the report renderers, the stores) part of the chunk `validate` loads, since other
// commands use them. Named from their modules, each command's chunks hold what it imports.
const CORE_SRC = fileURLToPath(new URL('../packages/core/src/', import.meta.url));
/** Exported name → [defining module, its own name there], from an entry's `export { … } from` lines. */
function reExports(entryFile) {
  const names = new Map();
  const source = readFileSync(join(CORE_SRC, entryFile), 'utf8');
  for (const [, list, from] of source.matchAll(/(?:^|\n)export\s*\{([^}]*)\}\s*from\s*'([^']+)'/g))
    for (const item of list
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      if (item.startsWith('type ')) continue;
      const [own, exported = own] = item.split(/\s+as\s+/);
      names.set(exported, [resolve(CORE_SRC, from).replace(/\.js$/, '.ts'), own]);
    }
  return names;
}
const barrels = {
  '@firstline/core': reExports('index.ts'),
  '@firstline/core/internal': reExports('internal.ts'),
};
/** @type {import('esbuild').Plugin} */
const unbarrelCore = {
  name: 'unbarrel-core',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, ({ path }) => {
      if (path.startsWith(CORE_SRC)) return undefined;
      const source = readFileSync(path, 'utf8');
      const contents = source.replace(
        /import\s*\{([^}]*)\}\s*from\s*'(@firstline\/core(?:\/internal)?)';/g,
        (statement, list, barrel) => {
          const kept = [];
          const direct = [];
          for (const item of list
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)) {
            const [name, local = name] = item.split(/\s+as\s+/);
            const home = barrels[barrel].get(name);
            if (home && !name.startsWith('type '))
              direct.push(`import { ${home[1]} as ${local} } from ${JSON.stringify(home[0])};`);
            else kept.push(item);
          }
          return [
            ...direct,
            ...(kept.length > 0 ? [`import { ${kept.join(', ')} } from '${barrel}';`] : []),
          ].join(' ');
        },
      );
      return { contents, loader: 'ts', resolveDir: dirname(path) };
    });
  },
};

// A split build starts from an empty chunks/: chunks of earlier builds would otherwise pile up beside it.
if (split) rmSync(join(dirname(outfile), chunks), { recursive: true, force: true });
// And this entry's files of earlier builds, of either format (`firstline.mjs`, `firstline-<hash>.cjs`).
const earlier = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(-[\\w-]{8})?\\.[cm]js(\\.map)?$`);
for (const name of existsSync(dirname(outfile)) ? readdirSync(dirname(outfile)) : [])
  if (earlier.test(name)) rmSync(join(dirname(outfile), name), { force: true });
// Regrouped, esbuild writes to a staging directory that rollup reads, beside the entry (so the source
// maps' paths are the same from one build to the next) and removed after.
const staging = groups.length > 0 ? join(dirname(outfile), '.esbuild') : undefined;
if (staging) rmSync(staging, { recursive: true, force: true });
const result = await build({
  ...(split
    ? {
        entryPoints: { [stem]: entry, ...lazyEntries(lazy) },
        outdir: staging ?? dirname(outfile),
        outExtension: { '.js': '.mjs' },
        splitting: true,
        chunkNames: `${chunks}/[name]-[hash]`,
      }
    : { entryPoints: [entry], outfile }),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: true,
  // ESM entry points first: the AWS SDK's ES build tree-shakes, its CommonJS one does not.
  mainFields: ['module', 'main'],
  ...(commonJs ? {} : { banner: { js: banner } }),
  // ssh2 loads its native addons (sshcrypto.node, cpu-features) inside a try: left out, it does
  // without them, falling back to Node's crypto.
  external: ['cpu-features', '*.node', ...externals],
  plugins: [
    builtinsOnFirstUse,
    yamlAsEsm,
    ...(args.includes('--unbarrel') ? [unbarrelCore] : []),
    ...(lazy.length > 0 ? [lazyPackages(lazy, CORE_SRC)] : []),
  ],
  metafile: true,
  logLevel: 'warning',
});
if (process.env.BUNDLE_METAFILE) writeFileSync(process.env.BUNDLE_METAFILE, JSON.stringify(result.metafile));
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
// The packages whose code an input is (`@firstline/<dir>` for the workspace's own); a plugin's module
// (`lazy-builtin:crypto`) is none.
const packageOf = (input) =>
  /^[a-z-]+:/.test(input)
    ? undefined
    : (/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ??
      /(?:^|\/)packages\/([^/]+)\//
        .exec(join(process.cwd(), input).replaceAll('\\', '/'))?.[1]
        ?.replace(/^/, '@firstline/'));
// esbuild's output files, relative to where it wrote them: their size, packages and static imports.
const esbuildDir = split ? (staging ?? dirname(outfile)) : dirname(outfile);
const esbuildFiles = Object.entries(result.metafile.outputs)
  .filter(([file]) => !file.endsWith('.map'))
  .map(([file, output]) => ({
    file: relative(esbuildDir, file).replaceAll('\\', '/'),
    bytes: output.bytes,
    packages: [...new Set(Object.keys(output.inputs).map(packageOf).filter(Boolean))],
    imports: output.imports
      .filter((edge) => edge.kind === 'import-statement' && !edge.external)
      .map((edge) => relative(esbuildDir, edge.path).replaceAll('\\', '/')),
  }));
let files = esbuildFiles;
if (staging) {
  const byName = new Map(esbuildFiles.map((file) => [file.file, file]));
  try {
    const regrouped = await regroup({
      from: staging,
      entryFile: `${stem}.mjs`,
      outfile,
      format: commonJs ? 'cjs' : 'es',
      chunks,
      groups,
      lazy,
      meta: result.metafile,
    });
    files = regrouped.map((chunk) => ({
      file: chunk.fileName,
      bytes: chunk.bytes,
      packages: [...new Set(chunk.sources.flatMap((source) => byName.get(source)?.packages ?? []))],
      imports: chunk.imports,
    }));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
// <name>.packages.json beside the entry: which packages' code each output file holds, so a test can
// tell from the files a process loaded which packages it parsed.
writeFileSync(
  join(dirname(outfile), `${stem}.packages.json`),
  `${JSON.stringify(Object.fromEntries(files.map(({ file, packages }) => [file, packages.sort()])), null, 1)}\n`,
);
// Split, a dynamic import's target is an entry point too: the entry is the one written to outfile.
// What a start parses is the entry and the files it imports statically, transitively.
const byFile = new Map(files.map((file) => [file.file, file]));
const atStart = new Set([basename(outfile)]);
for (const file of atStart)
  for (const imported of byFile.get(file)?.imports ?? []) if (byFile.has(imported)) atStart.add(imported);
const bytesOf = (names) => [...names].reduce((sum, name) => sum + (byFile.get(name)?.bytes ?? 0), 0);
console.log(
  `bundle ${outfile} ${kb(bytesOf([basename(outfile)]))}${
    split
      ? `, ${kb(bytesOf(atStart))} parsed at start (+ ${files.length - 1} chunks, ${kb(bytesOf(byFile.keys()))} in all)`
      : ''
  }`,
);

// The second pass of `scripts/bundle.mjs --group=…`: esbuild's split output regrouped with rollup, so
// that a command reads a few files instead of thirty. esbuild makes one chunk per set of entry points
// that reach a module, and a CLI with twenty lazy commands and sixty lazy SDK clients has many such
// sets: `validate` loaded about 30 files, each a fresh resolution, read, compile and link for Node's
// ES-module loader. Here every esbuild output file is a module of a rollup build whose manual chunks
// are named groups: `--group=validate:src/commands/validate.ts,src/actionPackages.ts` puts everything
// those entries load statically (and the entry does not) into one chunk, `validate-<hash>.mjs`. Groups
// are filled in order, so a later group holds only what the earlier ones do not. What the entry loads
// statically goes to one `start` chunk and the entry file keeps only the entry's own module: the entry
// starts the command, so a chunk the command loads must never import the entry.
// Other files are left as rollup's own chunking makes them. Source maps are carried through.
//
// `format: 'cjs'` writes CommonJS (`.cjs`): chunks require() each other, a lazy import is a require() in a
// promise. A dynamic import that leaves the bundle (a package left to node_modules, a user's config or
// plugin by URL) calls `globalThis[Symbol.for('firstline.import')]` when a loader has set it, Node's
// import() otherwise: a file compiled through node:vm (the CLI's code cache) has no import() of its own
// without an experimental flag, and the loader's, an ES module's, does the same thing.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { lazyChunks } from './bundle-lazy.mjs';

/**
 * Rebuilds esbuild's split output (`from`, its metafile `meta`) into `outfile`'s directory, chunks in
 * `chunks/`. `groups` is [name, source entries (paths as the metafile names them)][]. Returns rollup's
 * output (chunk file names relative to the output directory, each with the esbuild files it holds).
 */
export async function regroup({ from, entryFile, outfile, chunks, groups, lazy = [], meta, format = 'es' }) {
  // rollup is the calling package's devDependency, like esbuild.
  const { rollup } = createRequire(join(process.cwd(), 'package.json'))('rollup');
  // Source entry (as the metafile names it) → the esbuild output file that starts with it.
  const outputOf = new Map(
    Object.entries(meta.outputs)
      .filter(([, output]) => output.entryPoint)
      .map(([file, output]) => [output.entryPoint, resolve(file)]),
  );
  const input = resolve(from, entryFile);
  const build = await rollup({
    input,
    // Built-ins and the packages left to node_modules (--external): everything else is a file of `from`.
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    // esbuild's output is tree-shaken already; rollup's own pass doubled the build's time for nothing.
    treeshake: false,
    plugins: [
      lazyChunks(lazy, from),
      ...(format === 'cjs' ? [importsLeavingTheBundle] : []),
      {
        name: 'esbuild-output-with-maps',
        load(id) {
          const code = readFileSync(id, 'utf8');
          let map;
          try {
            map = readFileSync(`${id}.map`, 'utf8');
          } catch {
            map = undefined;
          }
          return { code, map };
        },
      },
    ],
    onwarn(warning, warn) {
      // esbuild's chunks import each other in cycles (a chunk of shared helpers and its users).
      if (warning.code !== 'CIRCULAR_DEPENDENCY') warn(warning);
    },
  });
  const graph = (getModuleInfo, start) => {
    const seen = new Set([start]);
    for (const id of seen)
      for (const imported of getModuleInfo(id)?.importedIds ?? [])
        if (imported.startsWith('/')) seen.add(imported);
    return seen;
  };
  let assigned;
  const outDir = dirname(outfile);
  const { output } = await build.write({
    dir: outDir,
    format,
    sourcemap: true,
    // An external dynamic import stays an import(), through the loader's function (above).
    dynamicImportInCjs: true,
    // CommonJS: the entry's code goes to `<name>-<hash>.cjs` and `<name>.cjs` only require()s it (below):
    // every file with code then has its content's hash in its name, which the code cache keys on.
    entryFileNames: format === 'cjs' ? basename(outfile).replace(/\.cjs$/, '-[hash].cjs') : basename(outfile),
    // esbuild's names carry its hash already (`dist-es-2L7TFRN3`): keep the name, rollup's hash.
    chunkFileNames: ({ name }) =>
      `${chunks}/${name.replace(/-[A-Z0-9]{8}$/, '')}-[hash].${format === 'cjs' ? 'cjs' : 'mjs'}`,
    manualChunks(id, { getModuleInfo }) {
      if (!assigned) {
        assigned = new Map();
        for (const module of graph(getModuleInfo, input)) if (module !== input) assigned.set(module, 'start');
        for (const [name, entries] of groups)
          for (const entry of entries) {
            // An entry is a source the metafile names, or an output file of esbuild's (lazy-re2js.mjs).
            const file = entry.endsWith('.mjs') ? resolve(from, entry) : outputOf.get(entry);
            if (!file) throw new Error(`--group=${name}: ${entry} is not an entry of the split build`);
            for (const module of graph(getModuleInfo, file))
              if (!assigned.has(module)) assigned.set(module, name);
          }
      }
      return assigned.get(id);
    },
  });
  await build.close();
  const chunksOut = output.filter((item) => item.type === 'chunk');
  const entryName = chunksOut.find((chunk) => chunk.isEntry && chunk.facadeModuleId === input)?.fileName;
  if (!entryName) throw new Error(`rollup wrote no chunk for the entry ${entryFile}`);
  for (const chunk of chunksOut)
    if (chunk.fileName !== entryName && chunk.imports.includes(entryName))
      throw new Error(`${chunk.fileName} imports the entry, which starts the command: it would run twice`);
  const stub = [];
  if (entryName !== basename(outfile)) {
    const code = `#!/usr/bin/env node\n'use strict';\nrequire(${JSON.stringify(`./${entryName}`)});\n`;
    writeFileSync(outfile, code);
    stub.push({ fileName: basename(outfile), bytes: code.length, imports: [entryName], sources: [] });
  }
  return [
    ...stub,
    ...chunksOut.map((chunk) => ({
      fileName: chunk.fileName,
      bytes: Buffer.byteLength(chunk.code),
      imports: chunk.imports,
      // A facade (an entry whose module went to a group's chunk) stands for that module.
      sources: [
        ...new Set([...Object.keys(chunk.modules), ...(chunk.facadeModuleId ? [chunk.facadeModuleId] : [])]),
      ].map((id) => relative(from, id).replaceAll('\\', '/')),
    })),
  ];
}

/**
 * The function a CommonJS bundle's imports that leave it call, when its loader provides one (the CLI's
 * packages/cli/src/compileCache.ts sets it under this key).
 */
const IMPORT_HOOK = 'firstline.import';

/**
 * A CommonJS bundle's dynamic imports of what is not in it (externals, computed specifiers): through the
 * loader's function when there is one.
 * @type {import('rollup').Plugin}
 */
const importsLeavingTheBundle = {
  name: 'imports-leaving-the-bundle',
  renderDynamicImport({ targetModuleId }) {
    const inBundle = targetModuleId && !this.getModuleInfo(targetModuleId)?.isExternal;
    if (inBundle) return null;
    return { left: `(globalThis[Symbol.for(${JSON.stringify(IMPORT_HOOK)})]??(s=>import(s)))(`, right: ')' };
  },
};

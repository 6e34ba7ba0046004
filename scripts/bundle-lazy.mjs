// `scripts/bundle.mjs --lazy=<package>` (with --group): a package that most runs of a command never call
// into is left out of the chunks that import it and loaded, synchronously, on first use. The CLI's
// `validate` loaded re2js (154 KB, its Unicode tables built at load) for every playbook, while the
// patterns playbooks write are judged without it (core's plainPattern); it is still what runs any other
// pattern, every input check and every regex in an expression. Its importers get a stand-in whose exports
// are getters; the first read require()s the package's own chunk (Node >= 20.19 loads an ES module
// through require() when it has no top-level await, as a bundled package has not). The package's
// imports must be named ones (`import { RE2JS } from 're2js'`), read when used, as the bundler emits them,
// or the default export of a package whose default is a function (jsonata's one export): its importers
// then get a function that loads the package on its first call and forwards to its default, with
// getters for that function's own properties (`jsonata.parser`).
import { pathToFileURL } from 'node:url';

/** The file name the stand-in requires, a string literal of fixed width until rollup names the chunk. */
const WIDTH = 160;
const placeholder = (name) => JSON.stringify(`@@firstline-lazy:${name}@@`.padEnd(WIDTH - 2, '_'));

/** esbuild entry points for the lazy packages: one output file each, `lazy-<name>.mjs`. */
export const lazyEntries = (names) =>
  Object.fromEntries(names.map((name) => [`lazy-${name}`, `lazy-entry:${name}`]));

/**
 * The esbuild plugin: `lazy-entry:<name>` is the package itself (resolved from `resolveDir`, where its
 * importers are), every other import of it a stand-in.
 * @returns {import('esbuild').Plugin}
 */
export function lazyPackages(names, resolveDir) {
  const filter = new RegExp(
    `^(?:lazy-entry:)?(?:${names.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`,
  );
  return {
    name: 'lazy-packages',
    setup(plugin) {
      // The package itself, as esbuild resolves it (pluginData: not a stand-in again).
      const resolvePackage = (name) =>
        plugin.resolve(name, { resolveDir, kind: 'import-statement', pluginData: { lazyItself: true } });
      plugin.onResolve({ filter }, async ({ path, namespace, pluginData }) => {
        if (pluginData?.lazyItself) return undefined;
        if (path.startsWith('lazy-entry:'))
          return { path: path.slice('lazy-entry:'.length), namespace: 'lazy-entry' };
        if (namespace === 'lazy-package') return undefined;
        return { path, namespace: 'lazy-package' };
      });
      // The package's own chunk: its exports, and itself handed to the stand-in when the chunk is
      // loaded by an import (a group that always needs it holds it): then no require() is made.
      plugin.onLoad({ filter: /.*/, namespace: 'lazy-entry' }, async ({ path }) => {
        const resolved = await resolvePackage(path);
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const file = JSON.stringify(resolved.path);
        const hasDefault = 'default' in (await import(pathToFileURL(resolved.path).href));
        return {
          contents: [
            `import * as lazyPackage from ${file};`,
            `export * from ${file};`,
            ...(hasDefault ? [`export { default } from ${file};`] : []),
            `globalThis[Symbol.for(${JSON.stringify(`firstline.lazy:${path}`)})] = lazyPackage;`,
          ].join('\n'),
          loader: 'js',
          resolveDir,
        };
      });
      plugin.onLoad({ filter: /.*/, namespace: 'lazy-package' }, async ({ path }) => {
        const resolved = await resolvePackage(path);
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const module = await import(pathToFileURL(resolved.path).href);
        const names = Object.keys(module).filter((key) => key !== 'default');
        if ('default' in module && typeof module.default !== 'function')
          return { errors: [{ text: `--lazy=${path}: its default export is not a function` }] };
        // A default export: module.exports is a function calling it (the importers' default). The
        // chunk hands back its namespace (an ES module chunk, or the handed one) or, as a CommonJS chunk
        // whose one export is the default, the function itself.
        const forward = 'default' in module && [
          "const target = () => { const m = load(); return typeof m === 'function' ? m : m.default; };",
          'module.exports = function (...args) { return Reflect.apply(target(), this, args); };',
          `for (const name of ${JSON.stringify(Object.keys(module.default))})`,
          '  Object.defineProperty(module.exports, name, { enumerable: true, get: () => target()[name] });',
        ];
        return {
          // CommonJS, so the importers read each export when they use it (as for built-ins on first
          // use); the require() is the chunk's own (the banner's), relative to the chunk's file. The
          // file name is a variable: a literal would be bundled.
          contents: [
            `const file = ${placeholder(path)};`,
            'let loaded;',
            `const handed = Symbol.for(${JSON.stringify(`firstline.lazy:${path}`)});`,
            'const load = () => (loaded ??= globalThis[handed] ?? require(file));',
            ...(forward || []),
            `for (const name of ${JSON.stringify(names)})`,
            '  Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] });',
          ].join('\n'),
          loader: 'js',
        };
      });
    },
  };
}

/**
 * The rollup plugin of the regroup pass: each lazy package's esbuild output (`from/lazy-<name>.mjs`) is
 * a chunk of its own, and each stand-in's placeholder becomes the path from its chunk to that chunk,
 * padded to the placeholder's width so the source map's columns still hold.
 * @returns {import('rollup').Plugin}
 */
export function lazyChunks(names, from) {
  const refs = new Map();
  return {
    name: 'lazy-chunks',
    buildStart() {
      for (const name of names)
        refs.set(
          name,
          this.emitFile({ type: 'chunk', id: `${from}/lazy-${name}.mjs`, name, preserveSignature: 'strict' }),
        );
    },
    renderChunk(code, chunk) {
      let out = code;
      for (const [name, ref] of refs) {
        const target = this.getFileName(ref);
        const fromDir = chunk.fileName.split('/').slice(0, -1);
        const toParts = target.split('/');
        let common = 0;
        while (common < fromDir.length && fromDir[common] === toParts[common]) common++;
        const relativePath = [...fromDir.slice(common).map(() => '..'), ...toParts.slice(common)].join('/');
        const path = relativePath.startsWith('.') ? relativePath : `./${relativePath}`;
        const literal = JSON.stringify(path);
        if (literal.length > WIDTH) throw new Error(`lazy chunk path ${path} is longer than its placeholder`);
        out = out.replaceAll(placeholder(name), literal.padEnd(WIDTH, ' '));
      }
      for (const name of names)
        if (out.includes(`@@firstline-lazy:${name}@@`))
          throw new Error(`${chunk.fileName}: a stand-in for ${name} kept its placeholder`);
      return out === code ? null : { code: out, map: null };
    },
  };
}

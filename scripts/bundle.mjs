// Writes one minified ES module with every dependency inlined (the AWS SDK too: the version tested
// is the version deployed), for a Lambda function or a CLI that starts without resolving
// node_modules. `node scripts/bundle.mjs <entry.ts> <out.mjs> [--split] [--external=<package>]`, run by a package's build after
// tsup. `--split` keeps the entry's dynamic imports lazy: what they load goes to chunks/ beside the
// entry, parsed only when imported (the CLI: `validate` never parses the AWS SDK).
import { rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

// esbuild is the calling package's devDependency: resolved from its directory, not from scripts/.
const esbuild = createRequire(join(process.cwd(), 'package.json')).resolve('esbuild');
const { build } = await import(pathToFileURL(esbuild).href);

const args = process.argv.slice(2);
const split = args.includes('--split');
// --external=<package>: left to node_modules (jiti, which loads files relative to itself).
const externals = args.filter((arg) => arg.startsWith('--external=')).map((arg) => arg.slice(11));
const [entry, outfile] = args.filter((arg) => !arg.startsWith('--'));
if (!entry || !outfile) {
  console.error('usage: node scripts/bundle.mjs <entry.ts> <out.mjs> [--split] [--external=<package>]');
  process.exit(2);
}

// CommonJS dependencies inlined into an ES module still call require() for Node's built-ins and read
// __dirname (ssh2 does): both are defined for them at the top of the bundle.
const banner = [
  "import { createRequire as __createRequire } from 'node:module';",
  "import { fileURLToPath as __fileURLToPath } from 'node:url';",
  "import { dirname as __pathDirname } from 'node:path';",
  'const require = __createRequire(import.meta.url);',
  'const __filename = __fileURLToPath(import.meta.url);',
  'const __dirname = __pathDirname(__filename);',
].join(' ');

// Node's built-in modules are taken with require(), not import: an ES import of a built-in makes its ES
// facade, which reads every export, and node:crypto's `webcrypto` getter then loads all of WebCrypto
// (about 10 ms of a CLI start that only hashes a string). The require() is the banner's.
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
/** @type {import('esbuild').Plugin} */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(plugin) {
    plugin.onResolve({ filter: /^[a-z_:/]+$/ }, ({ path, kind }) =>
      kind === 'import-statement' && builtins.has(path) ? { path, namespace: 'builtin' } : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'builtin' }, ({ path }) => ({
      contents: `module.exports = require(${JSON.stringify(path)});`,
      loader: 'js',
    }));
  },
};

// A split build starts from an empty chunks/: chunks of earlier builds would otherwise pile up beside it.
if (split) rmSync(join(dirname(outfile), 'chunks'), { recursive: true, force: true });
const result = await build({
  ...(split
    ? {
        entryPoints: { [basename(outfile, '.mjs')]: entry },
        outdir: dirname(outfile),
        outExtension: { '.js': '.mjs' },
        splitting: true,
        chunkNames: 'chunks/[name]-[hash]',
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
  banner: { js: banner },
  // ssh2 loads its native addons (sshcrypto.node, cpu-features) inside a try: left out, it does
  // without them, falling back to Node's crypto.
  external: ['cpu-features', '*.node', ...externals],
  plugins: [builtinsByRequire],
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => !file.endsWith('.map'));
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
// <outdir>/packages.json: which packages' code each output file holds (`@firstline/<dir>` for the
// workspace's own), so a test can tell from the files a process loaded which packages it parsed.
const packageOf = (input) =>
  /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ??
  /(?:^|\/)packages\/([^/]+)\//
    .exec(join(process.cwd(), input).replaceAll('\\', '/'))?.[1]
    ?.replace(/^/, '@firstline/');
const manifest = Object.fromEntries(
  outputs.map(([file, output]) => [
    relative(dirname(outfile), file).replaceAll('\\', '/'),
    [...new Set(Object.keys(output.inputs).map(packageOf).filter(Boolean))].sort(),
  ]),
);
writeFileSync(join(dirname(outfile), 'packages.json'), `${JSON.stringify(manifest, null, 1)}\n`);
const entryBytes = outputs.find(([, o]) => o.entryPoint)?.[1].bytes ?? 0;
const total = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
console.log(
  `bundle ${outfile} ${kb(entryBytes)}${split ? ` (+ ${outputs.length - 1} chunks, ${kb(total)} in all)` : ''}`,
);

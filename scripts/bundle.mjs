// Writes one minified ES module with every dependency inlined (the AWS SDK too: the version tested
// is the version deployed), for a Lambda function or a CLI that starts without resolving
// node_modules. `node scripts/bundle.mjs <entry.ts> <out.mjs> [--split] [--chunks=<dir>] [--external=<package>]`,
// run by a package's build after tsup. `--split` keeps the entry's dynamic imports lazy: what they load
// goes to chunks/ beside the entry (or `--chunks=<dir>`, relative to it), parsed only when imported (the
// CLI: `validate` never parses the AWS SDK; the Lambda handler: an alarm never parses ssh2).
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

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
const [entry, outfile] = args.filter((arg) => !arg.startsWith('--'));
if (!entry || !outfile) {
  console.error(
    'usage: node scripts/bundle.mjs <entry.ts> <out.mjs> [--split] [--chunks=<dir>] [--external=<package>]',
  );
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

const result = await build({
  ...(split
    ? {
        entryPoints: { [basename(outfile, '.mjs')]: entry },
        outdir: dirname(outfile),
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
  banner: { js: banner },
  // ssh2 loads its native addons (sshcrypto.node, cpu-features) inside a try: left out, it does
  // without them, falling back to Node's crypto.
  external: ['cpu-features', '*.node', ...externals],
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => !file.endsWith('.map'));
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
// Split, a dynamic import's target is an entry point of the metafile too: the entry is the one written
// to outfile. What a start parses is the entry and the chunks it imports statically, transitively.
const byFile = new Map(outputs.map(([file, output]) => [resolve(file), output]));
const atStart = new Set([resolve(outfile)]);
for (const file of atStart)
  for (const edge of byFile.get(file)?.imports ?? [])
    if (edge.kind === 'import-statement' && byFile.has(resolve(edge.path))) atStart.add(resolve(edge.path));
const bytesOf = (files) => [...files].reduce((sum, file) => sum + (byFile.get(file)?.bytes ?? 0), 0);
console.log(
  `bundle ${outfile} ${kb(bytesOf([resolve(outfile)]))}${
    split
      ? `, ${kb(bytesOf(atStart))} parsed at start (+ ${outputs.length - 1} chunks, ${kb(bytesOf(byFile.keys()))} in all)`
      : ''
  }`,
);

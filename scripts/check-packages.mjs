// `pnpm check:packages`: every package, packed as it is published, checked by publint (strict) and by
// are-the-types-wrong (the node16 profile, CommonJS resolving to ESM allowed: require(esm) is how CommonJS
// callers load these ESM-only packages). The same checks as each package's `check:package` script, in one
// process: one pack for all the packages and one TypeScript load, instead of ten of each (77 → 30 CPU s on a fresh clone, see BENCHMARKS.md).
// The packing is `pnpm -r pack`, what `changeset publish` publishes in a pnpm workspace (`workspace:` ranges become
// versions); the same files as `npm pack`, at about a fifth of its CPU time (npm's tar took ~19 CPU s for the two
// 20–30 MB packages, the CLI and the Lambda host, with their bundles' source maps).
// `node scripts/check-packages.mjs [packages/<name> …]` (default: every package under packages/).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { getExitCode } from '@arethetypeswrong/cli/internal/getExitCode';
import { typed } from '@arethetypeswrong/cli/internal/render';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = resolve(import.meta.dirname, '..');
const dirs = process.argv.slice(2).length
  ? process.argv.slice(2).map((dir) => resolve(dir))
  : readdirSync(join(root, 'packages'))
      .map((name) => join(root, 'packages', name))
      .filter((dir) => {
        try {
          return readFileSync(join(dir, 'package.json')).length > 0;
        } catch {
          return false;
        }
      });

// What each package's check:package passes to attw: --profile node16 --ignore-rules cjs-resolves-to-esm.
const attwOptions = { ignoreResolutions: ['node10'], ignoreRules: ['cjs-resolves-to-esm'], summary: true };

const out = mkdtempSync(join(tmpdir(), 'firstline-pack-'));
let failed = 0;
try {
  // One pnpm process packs every workspace package (what attw --pack runs, once per package, with npm). A directory
  // outside the workspace (a copy, to see the checks fail) is packed by npm: pnpm cannot resolve its `workspace:`
  // ranges there.
  const inWorkspace = dirs.filter((dir) => !relative(join(root, 'packages'), dir).startsWith('..'));
  const outside = dirs.filter((dir) => !inWorkspace.includes(dir));
  const packed = [];
  if (inWorkspace.length > 0) {
    const json = execFileSync(
      'pnpm',
      [
        '-r',
        ...inWorkspace.flatMap((dir) => ['--filter', `./${relative(root, dir)}`]),
        'pack',
        '--pack-destination',
        out,
        '--json',
      ],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    // One package: an object; several: an array, in the workspace's build order.
    for (const { name, filename } of [JSON.parse(json)].flat()) packed.push({ name, filename });
  }
  if (outside.length > 0) {
    const json = execFileSync(
      'npm',
      ['pack', ...outside, '--pack-destination', out, '--json', '--loglevel', 'error'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    for (const { name, filename } of JSON.parse(json)) packed.push({ name, filename: join(out, filename) });
  }
  if (packed.length !== dirs.length)
    throw new Error(
      `packed ${packed.length} of ${dirs.length} packages: ${packed.map((p) => p.name).join(', ')}`,
    );
  packed.sort((a, b) => a.name.localeCompare(b.name));
  for (const { name, filename } of packed) {
    const tarball = readFileSync(filename);
    const lines = [];

    // From the tarball, not the directory: the files publint sees are the files npm publishes (a file left out
    // of `files` but referenced by `exports` is "missing", an error, as with its own packing).
    const { messages, pkg } = await publint({
      strict: true,
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
    });
    for (const message of messages) lines.push(`  publint ${message.type}: ${formatMessage(message, pkg)}`);
    const publintFailed = messages.some((message) => message.type === 'error');

    const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(tarball)));
    // Every package ships its types: an untyped analysis is a failure here (attw alone would only print it).
    const attwFailed = !analysis.types || getExitCode(analysis, attwOptions) !== 0;
    if (attwFailed)
      lines.push(analysis.types ? await typed(analysis, attwOptions) : '  attw: no types found');

    const ok = !publintFailed && !attwFailed;
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (publint --strict, attw node16)`);
    if (lines.length) console.log(lines.join('\n'));
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failed) {
  console.error(`${failed} package(s) failed their package checks`);
  process.exitCode = 1;
}

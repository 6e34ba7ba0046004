import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What every published package.json promises, checked in one place: one ES module build (no CommonJS
// copy that could load core twice), a Node floor that holds, core as a peer of the plugins, and the
// licence and links npm shows.
const root = fileURLToPath(new URL('../', import.meta.url));
const HOSTS = ['cli', 'lambda', 'server'];
const PLUGINS = ['actions-aws', 'actions-net', 'notifiers', 'store-dynamodb', 'stepfunctions', 'cdk'];
const REPO = 'https://github.com/firstline-dev/firstline';

interface Manifest {
  name: string;
  version: string;
  license?: string;
  engines?: { node?: string };
  files?: string[];
  main?: string;
  module?: string;
  exports?: Record<string, unknown>;
  repository?: { type: string; url: string; directory?: string };
  homepage?: string;
  bugs?: { url: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const read = (path: string): Manifest => JSON.parse(readFileSync(`${root}${path}`, 'utf8')) as Manifest;

/** What is wrong with one package's manifest, as readable lines; empty when nothing is. */
function problems(dir: string, pkg: Manifest): string[] {
  const out: string[] = [];
  const exportsText = JSON.stringify(pkg.exports ?? {});
  if (/"(require|import)"/.test(exportsText)) out.push('exports split by require/import');
  if (/\.c[jt]s"/.test(exportsText) || pkg.main?.endsWith('.cjs')) out.push('a .cjs build is exported');
  if (pkg.module !== undefined) out.push('module field (there is only one build)');
  for (const [key, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === 'string') continue;
    const keys = Object.keys(target as object);
    if (keys[0] !== 'types' || keys.at(-1) !== 'default')
      out.push(`exports["${key}"] is not { types, default }`);
  }
  if (pkg.engines?.node !== '>=20.19') out.push(`engines.node is ${pkg.engines?.node}, not >=20.19`);
  if (pkg.license !== 'Apache-2.0') out.push('license is not Apache-2.0');
  for (const file of ['LICENSE', 'CHANGELOG.md']) {
    if (!pkg.files?.includes(file)) out.push(`files leaves out ${file}`);
    if (!existsSync(`${root}${dir}/${file}`)) out.push(`${file} is missing`);
  }
  const repository = { type: 'git', url: `git+${REPO}.git`, directory: dir };
  if (JSON.stringify(pkg.repository) !== JSON.stringify(repository))
    out.push('repository is not this repository');
  if (pkg.homepage !== `${REPO}/tree/main/${dir}#readme`) out.push('homepage is not its README');
  if (pkg.bugs?.url !== `${REPO}/issues`) out.push("bugs is not the repository's issues");
  return out;
}

describe('every published package.json', () => {
  it.each([...PLUGINS, ...HOSTS, 'core'])(
    '@firstline/%s: one ESM build, Node >=20.19, licence, links',
    (name) => {
      expect(problems(`packages/${name}`, read(`packages/${name}/package.json`))).toEqual([]);
    },
  );

  it.each(PLUGINS)('@firstline/%s takes core as a peer, so an app has one core', (name) => {
    const pkg = read(`packages/${name}/package.json`);
    expect(pkg.peerDependencies?.['@firstline/core']).toBe('workspace:^');
    expect(pkg.devDependencies?.['@firstline/core']).toBe('workspace:*');
    expect(pkg.dependencies?.['@firstline/core']).toBeUndefined();
  });

  it.each(HOSTS)('@firstline/%s, a host, depends on core directly', (name) => {
    expect(read(`packages/${name}/package.json`).dependencies?.['@firstline/core']).toBe('workspace:*');
  });

  it('the root names the repository once and the licence file is Apache-2.0', () => {
    expect(read('package.json').repository).toEqual({ type: 'git', url: `git+${REPO}.git` });
    const licence = readFileSync(`${root}LICENSE`, 'utf8');
    expect(licence).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(licence).toContain('END OF TERMS AND CONDITIONS');
    for (const name of [...PLUGINS, ...HOSTS, 'core'])
      expect(readFileSync(`${root}packages/${name}/LICENSE`, 'utf8')).toBe(licence);
  });

  it('the check can fail', () => {
    const dual: Manifest = {
      name: '@firstline/x',
      version: '0.1.0',
      main: './dist/index.cjs',
      exports: { '.': { import: './dist/index.js', require: './dist/index.cjs' } },
      engines: { node: '>=20' },
    };
    expect(problems('packages/x', dual)).toEqual(
      expect.arrayContaining([
        'exports split by require/import',
        'a .cjs build is exported',
        'engines.node is >=20, not >=20.19',
        'files leaves out LICENSE',
        'repository is not this repository',
      ]),
    );
  });
});

import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileCacheDir } from '../src/compileCache.js';
import { BUNDLED, requireBuiltBin, runNode } from './subprocess.js';

// The bin's V8 code cache (src/compileCache.ts), on a copy of the built bin and bundle in a temporary
// directory, so a test can edit a chunk: real processes, real V8 caches on disk.

const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const EC2_FIRST_LINE = fileURLToPath(
  new URL('../../../examples/playbooks/ec2-first-line.yaml', import.meta.url),
);
const RUNTIME = `v8-${process.version}-${process.arch}`;

describe('compileCacheDir: where the cache lives, or that there is none', () => {
  it('FIRSTLINE_COMPILE_CACHE names the directory; 0, off, false and no turn it off', () => {
    expect(compileCacheDir({ FIRSTLINE_COMPILE_CACHE: '/var/cache/fl', HOME: '/home/u' }, 'linux')).toBe(
      join('/var/cache/fl', RUNTIME),
    );
    for (const off of ['0', 'off', 'OFF', 'false', 'no'])
      expect(compileCacheDir({ FIRSTLINE_COMPILE_CACHE: off, HOME: '/home/u' }, 'linux')).toBeUndefined();
  });

  it("Node's own NODE_DISABLE_COMPILE_CACHE turns it off too", () => {
    expect(compileCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1', HOME: '/home/u' }, 'linux')).toBeUndefined();
  });

  it("defaults to the user's cache directory, per platform; none without a home", () => {
    expect(compileCacheDir({ HOME: '/home/u' }, 'linux')).toBe(join('/home/u/.cache/firstline', RUNTIME));
    expect(compileCacheDir({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg' }, 'linux')).toBe(
      join('/xdg/firstline', RUNTIME),
    );
    expect(compileCacheDir({ HOME: '/Users/u' }, 'darwin')).toBe(
      join('/Users/u/Library/Caches/firstline', RUNTIME),
    );
    expect(compileCacheDir({ LOCALAPPDATA: 'C:/Users/u/AppData/Local' }, 'win32')).toBe(
      join('C:/Users/u/AppData/Local', 'firstline', 'Cache', RUNTIME),
    );
    expect(compileCacheDir({}, 'linux')).toBeUndefined();
    // Never a shared temporary directory: another user could plant code there.
    expect(compileCacheDir({ HOME: '/home/u', TMPDIR: '/tmp' }, 'linux')).not.toContain('/tmp');
  });
});

describe.skipIf(!BUNDLED)('the code cache of the bundled bin (subprocess, a copy of the built bin)', () => {
  let root: string;
  let work: string;
  let cache: string;

  beforeAll(async () => {
    requireBuiltBin();
    root = await mkdtemp(join(tmpdir(), 'firstline-cc-'));
    cpSync(join(PACKAGE, 'bin'), join(root, 'bin'), { recursive: true });
    cpSync(join(PACKAGE, 'dist'), join(root, 'dist'), {
      recursive: true,
      filter: (source) => !source.endsWith('.map'),
    });
    writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    work = await mkdtemp(join(root, 'work-'));
    cache = join(work, 'cache');
  });

  async function firstline(args: string[], env: Record<string, string> = { FIRSTLINE_COMPILE_CACHE: cache }) {
    const { code, stdout, stderr } = await runNode([join(root, 'bin', 'firstline.js'), ...args], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code, stdout, stderr };
  }
  const validate = (env?: Record<string, string>) => firstline(['validate', EC2_FIRST_LINE], env);
  /** The cache files, name → [bytes, modification time]. */
  const cacheFiles = (dir = join(cache, RUNTIME)) =>
    Object.fromEntries(
      readdirSync(dir).map((name) => {
        const stat = statSync(join(dir, name));
        return [name, [stat.size, stat.mtimeMs]];
      }),
    );
  const VALID = { code: 0, stdout: '✓ 1 file: 0 errors, 0 warnings\n', stderr: '' };

  it('a first run writes a cache for each bundle file it compiled, private to the user', async () => {
    expect(await validate()).toEqual(VALID);
    const names = Object.keys(cacheFiles()).sort();
    // The entry's code, the start chunk and validate's chunk: named by their files (content hash), size, time.
    expect(names.map((name) => name.replace(/-[\w-]{8}\.cjs\.\d+\.\d+\.v8$/, ''))).toEqual([
      'firstline',
      'start',
      'validate',
    ]);
    expect(statSync(join(cache, RUNTIME)).mode & 0o777).toBe(0o700);
    for (const name of names) expect(statSync(join(cache, RUNTIME, name)).mode & 0o777).toBe(0o600);
  });

  it('a second run compiles from the cache: nothing is written again, the output is the same', async () => {
    await validate();
    const first = cacheFiles();
    expect(await validate()).toEqual(VALID);
    // A cache V8 refused would be written again (a new time); one not found would be a new file.
    expect(cacheFiles()).toEqual(first);
  });

  it('a corrupt cache is refused by V8 and written again: the command is unaffected', async () => {
    await validate();
    const [name, [size]] = Object.entries(cacheFiles()).find(([file]) => file.startsWith('validate-'))! as [
      string,
      [number, number],
    ];
    const file = join(cache, RUNTIME, name);
    writeFileSync(file, Buffer.alloc(size, 7));
    expect(await validate()).toEqual(VALID);
    expect(readFileSync(file).equals(Buffer.alloc(size, 7))).toBe(false);
    expect(statSync(file).size).toBeGreaterThan(1000);
  });

  it('an edited bundle file (same name, same size) never runs its old cache', async () => {
    await validate();
    const chunks = join(root, 'dist', 'bundle', 'chunks');
    const chunk = join(
      chunks,
      readdirSync(chunks).find((name) => /^validate-.*\.cjs$/.test(name))!,
    );
    const source = readFileSync(chunk, 'utf8');
    const edited = source.replace('"warning")', '"WARNING")');
    expect(edited).not.toBe(source);
    expect(edited.length).toBe(source.length);
    try {
      writeFileSync(chunk, edited);
      // V8 checks only the source's length: the key's modification time is what tells the files apart.
      const later = new Date(statSync(chunk).mtimeMs + 5000);
      utimesSync(chunk, later, later);
      expect((await validate()).stdout).toBe('✓ 1 file: 0 errors, 0 WARNINGs\n');
      expect(Object.keys(cacheFiles()).filter((name) => name.startsWith('validate-'))).toHaveLength(2);
    } finally {
      writeFileSync(chunk, source);
    }
  });

  it('a bin started through a symlink (npm and pnpm link bins so) still caches its bundle', async () => {
    const link = join(work, 'linked');
    symlinkSync(root, link, 'dir');
    const linked = await runNode([join(link, 'bin', 'firstline.js'), 'validate', EC2_FIRST_LINE], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', FIRSTLINE_COMPILE_CACHE: cache },
    });
    expect({ code: linked.code, stdout: linked.stdout, stderr: linked.stderr }).toEqual(VALID);
    expect(Object.keys(cacheFiles())).toHaveLength(3);
  });

  it('FIRSTLINE_COMPILE_CACHE=0 and NODE_DISABLE_COMPILE_CACHE=1 write nothing', async () => {
    expect(await validate({ FIRSTLINE_COMPILE_CACHE: '0', HOME: work })).toEqual(VALID);
    expect(await validate({ NODE_DISABLE_COMPILE_CACHE: '1', HOME: work })).toEqual(VALID);
    expect(readdirSync(work)).toEqual([]);
  });

  it("without FIRSTLINE_COMPILE_CACHE the cache is in the user's ~/.cache", async () => {
    expect(await validate({ HOME: work })).toEqual(VALID);
    expect(Object.keys(cacheFiles(join(work, '.cache', 'firstline', RUNTIME)))).toHaveLength(3);
  });

  it('a cache directory that cannot be made only costs the cache: no error, same output', async () => {
    writeFileSync(join(work, 'a-file'), '');
    expect(await validate({ FIRSTLINE_COMPILE_CACHE: join(work, 'a-file', 'cache') })).toEqual(VALID);
    mkdirSync(join(work, 'locked'), { mode: 0o500 });
    // root ignores directory modes: the read-only case is only a case for other users.
    if (process.getuid?.() !== 0) {
      expect(await validate({ FIRSTLINE_COMPILE_CACHE: join(work, 'locked') })).toEqual(VALID);
      chmodSync(join(work, 'locked'), 0o700);
    }
  });

  it('writing a cache removes the caches of other files not written for 30 days, not those in use', async () => {
    await validate();
    const dir = join(cache, RUNTIME);
    const old = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    const stale = join(dir, 'validate-OLDOLD00.cjs.1000.1.v8');
    const inUse = Object.keys(cacheFiles()).find((name) => name.startsWith('validate-'))!;
    writeFileSync(stale, 'an older version');
    for (const file of [stale, join(dir, inUse)]) utimesSync(file, old, old);
    // A miss, so a write: the start chunk's cache is gone.
    const start = Object.keys(cacheFiles()).find((name) => name.startsWith('start-'))!;
    await rm(join(dir, start));
    expect(await validate()).toEqual(VALID);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(join(dir, inUse))).toBe(true);
    expect(existsSync(join(dir, start))).toBe(true);
  });

  it("the bundle's imports of what is outside it (a project's firstline.config.mjs) go through the bin", async () => {
    // The config is the playbook's project's: beside it.
    writeFileSync(join(work, 'ec2.yaml'), readFileSync(EC2_FIRST_LINE));
    writeFileSync(join(work, 'firstline.config.mjs'), 'export default { store: 42 };\n');
    // Twice: compiled without a cache, then from it. The config was imported: it is refused.
    for (let i = 0; i < 2; i++) {
      const refused = await firstline(['validate', 'ec2.yaml']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('E_CONFIG_INVALID  firstline.config.mjs: store must be');
    }
    writeFileSync(join(work, 'firstline.config.mjs'), 'export default { store: "runs" };\n');
    expect(await firstline(['validate', 'ec2.yaml'])).toEqual(VALID);
  });
});

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// One module instance: core ships one ESM build, and a CommonJS consumer `require()`s that same build
// (require(esm), on by default from Node 20.19). So a CJS host and an ESM plugin in one process share
// one core: its classes, its brands, its registries. A second build (a `require` condition pointing at
// a .cjs file) would load core twice and fail the identity checks below.
//
// The consumers run in a child `node`, not under vitest: vitest's own module runner would load the ESM
// side itself, which says nothing about what Node does for users.
const pkgDir = fileURLToPath(new URL('../../', import.meta.url));
const dist = `${pkgDir}dist/`;
const built = existsSync(`${dist}index.js`) && existsSync(`${dist}internal.js`);
// `pnpm test` builds before it tests; a bare `vitest run` on a clean clone has no build to load.
if (!built && process.env.CI) throw new Error('packages/core/dist is missing: run `pnpm build` first');

const main = fileURLToPath(new URL('./oneInstance/main.mjs', import.meta.url));

function runConsumers(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the package shape', () => {
  const pkg = JSON.parse(readFileSync(`${pkgDir}package.json`, 'utf8')) as {
    main?: string;
    exports: Record<string, unknown>;
  };

  it('has no require condition and no .cjs file anywhere in its exports', () => {
    expect(JSON.stringify(pkg.exports)).not.toMatch(/"require"|\.cjs"/);
    expect(pkg.main).toBe('./dist/index.js');
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(pkg.exports['./internal']).toEqual({
      types: './dist/internal.d.ts',
      default: './dist/internal.js',
    });
  });

  it.skipIf(!built)('builds no CommonJS copy', () => {
    expect(readdirSync(dist).filter((f) => /\.c[jt]s$|\.d\.cts$/.test(f))).toEqual([]);
  });
});

describe.skipIf(!built)('a CommonJS and an ES module consumer in one process', () => {
  it('share one instance of core: classes, brands and compiled playbooks cross between them', async () => {
    const { code, stdout, stderr } = await runConsumers();
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    expect(seen).toEqual({
      resolved: `${dist}index.js`,
      sameModule: true,
      sameInternal: true,
      errorIsActionError: true,
      errorIsFirstlineError: true,
      thrownIsFirstlineError: true,
      thrownCode: 'E_RUN_ID_INVALID',
      compiledRecognized: true,
      outcome: 'unrecovered',
      steps: { up: 'fail', fix: 'pass', recheck: 'pass', 'notify.unrecovered[0]': 'pass' },
      durationMs: 60_000,
      simulated: 'recovered',
      fixCalls: 1,
    });
    // A fresh node loading the built core: on a loaded 2-core machine its start alone can pass vitest's 5 s default.
  }, 30_000);
});

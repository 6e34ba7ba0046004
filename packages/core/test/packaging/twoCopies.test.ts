import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as CoreApi from '../../src/index.js';

// Two copies of core in one process (its ESM and its CJS build, or two installed versions): a playbook
// compiled by one copy must run under the other. Nothing per run may live in module-level state.
const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const built = existsSync(`${dist}index.cjs`) && existsSync(`${dist}index.js`);
// `pnpm test` builds before it tests; a bare `vitest run` on a clean clone has no build to load.
if (!built && process.env.CI) throw new Error('packages/core/dist is missing: run `pnpm build` first');

type Core = typeof CoreApi;

const probe = {
  id: 'copies.probe',
  kind: 'probe' as const,
  description: 'Reports the service down, then up.',
  input: {},
  run: () => Promise.resolve({ up: false }),
};
const fix = {
  id: 'copies.fix',
  kind: 'remediation' as const,
  description: 'A remediation that always works.',
  input: {},
  run: () => Promise.resolve({ fixed: true }),
};
const playbook = {
  firstline: 1,
  name: 'two-copies',
  checks: [{ id: 'up', action: 'copies.probe', expect: 'output.up' }],
  remediate: [{ id: 'fix', action: 'copies.fix' }],
  recheck: { after: '1m' },
  notify: { unrecovered: [{ action: 'core.log', with: { message: 'still down after {{ name }}' } }] },
};

describe.skipIf(!built)('two copies of core in one process', () => {
  const load = async (): Promise<{ cjs: Core; esm: Core }> => ({
    cjs: createRequire(import.meta.url)(`${dist}index.cjs`) as Core,
    esm: (await import(pathToFileURL(`${dist}index.js`).href)) as Core,
  });

  it.each([
    ['compiled by the CJS build, run by the ESM build', 'cjs', 'esm'],
    ['compiled by the ESM build, run by the CJS build', 'esm', 'cjs'],
  ] as const)('%s', async (_name, compiler, runner) => {
    const copies = await load();
    expect(copies.cjs.runPlaybook).not.toBe(copies.esm.runPlaybook);
    const compiled = copies[compiler].compilePlaybook(playbook, { actions: [probe, fix] });
    const run = copies[runner];
    const result = await run.runPlaybook(compiled, { clock: run.createVirtualClock() });
    expect(result.outcome).toBe('unrecovered');
    expect(Object.fromEntries(Object.entries(result.steps).map(([id, s]) => [id, s.outcome]))).toEqual({
      up: 'fail',
      fix: 'pass',
      recheck: 'pass',
      'notify.unrecovered[0]': 'pass',
    });
    expect(result.durationMs).toBe(60_000);
    const simulated = await run.simulatePlaybook(compiled, { outcomes: { up: ['fail', 'pass'] } });
    expect(simulated.outcome).toBe('recovered');
    expect(simulated.calls('copies.fix')).toHaveLength(1);
  });
});

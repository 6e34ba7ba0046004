// Two builds of @firstline/core side by side in one process, interleaved round by round: the engine
// figures a change to the run core must not make worse. Usage (after building both):
//   pnpm bench:compare <other packages/core/dist directory> [playbook]
// (pass the baseline's own copy of ec2-first-line.yaml when the current one uses keys it predates)
// e.g. a worktree of the commit before the change: `git worktree add /tmp/base <rev>`, then in it
// `pnpm install --offline --frozen-lockfile && pnpm --filter @firstline/core build`.
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Core from '@firstline/core';
import { median } from './engine.js';

type CoreApi = typeof Core;

const baseDir = process.argv[2];
if (!baseDir) {
  console.error('usage: pnpm bench:compare <path to another build of packages/core/dist>');
  process.exit(2);
}
const load = async (dir: string) =>
  (await import(pathToFileURL(`${dir.replace(/\/$/, '')}/index.js`).href)) as CoreApi;
const builds: Array<[string, CoreApi]> = [
  ['this build', await load(fileURLToPath(new URL('../packages/core/dist', import.meta.url)))],
  ['baseline', await load(baseDir)],
];

const EC2 =
  process.argv[3] ?? fileURLToPath(new URL('../examples/playbooks/ec2-first-line.yaml', import.meta.url));
const input = { instanceId: 'i-0abc1234', url: 'https://example.test/health', healthCheckId: 'fake-hc-1' };
const ids = [
  ['http.check', 'probe'],
  ['aws.route53.healthCheckStatus', 'probe'],
  ['aws.cloudwatch.metric', 'probe'],
  ['aws.ec2.reboot', 'remediation'],
  ['slack.post', 'notify'],
  ['opsgenie.createAlert', 'notify'],
] as const;

/** The contenders of one build: a simulated recovered run of the first-line example, and a 20-step live chain. */
async function contenders(core: CoreApi) {
  const defs = ids.map(([id, kind]) => ({
    id,
    kind,
    description: 'bench stand-in',
    input: {},
    run: () => Promise.resolve({ ok: true }),
  }));
  const ec2 = core.compilePlaybook(await core.loadPlaybook(EC2), { actions: defs });
  const noop = {
    id: 'bench.noop',
    kind: 'probe' as const,
    description: 'noop',
    input: {},
    run: () => Promise.resolve({}),
  };
  const chain = core.compilePlaybook(
    {
      firstline: 1,
      name: 'chain',
      steps: Array.from({ length: 20 }, (_, i) => ({ id: `s${i}`, action: 'bench.noop' })),
    },
    { actions: [noop] },
  );
  return {
    simulate: () => core.simulatePlaybook(ec2, { input, outcomes: { url: ['fail', 'pass'] } }),
    step: () => core.runPlaybook(chain, { clock: core.systemClock }),
  };
}

async function perCall(fn: () => Promise<unknown>, ms: number): Promise<number> {
  let calls = 0;
  const start = performance.now();
  do {
    await fn();
    calls++;
  } while (performance.now() - start < ms);
  return (performance.now() - start) / calls;
}

const all = await Promise.all(builds.map(async ([name, core]) => [name, await contenders(core)] as const));
const samples = new Map<string, number[]>();
for (const [, c] of all) for (const fn of Object.values(c)) await perCall(fn, 300);
const rounds = 15;
for (let r = 0; r < rounds; r++)
  for (const [name, c] of all)
    for (const [what, fn] of Object.entries(c)) {
      const key = `${what}:${name}`;
      samples.set(key, [...(samples.get(key) ?? []), await perCall(fn, 80)]);
    }
const row = (what: string, unit: (ms: number) => string) => {
  const mine = samples.get(`${what}:this build`)!;
  const base = samples.get(`${what}:baseline`)!;
  const ratios = mine.map((m, i) => m / base[i]!);
  console.log(
    `${what.padEnd(9)} this build ${unit(median(mine))}  baseline ${unit(median(base))}  ` +
      `time ratio min ${Math.min(...ratios).toFixed(3)} median ${median(ratios).toFixed(3)} (${rounds} interleaved rounds)`,
  );
};
row('simulate', (ms) => `${(1000 / ms).toFixed(0)} runs/s`);
row('step', (ms) => `${((ms * 1000) / 20).toFixed(1)} µs/step`);

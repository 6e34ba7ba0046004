// Cold and warm start of the Lambda handler, each in fresh processes: `pnpm exec tsx
// packages/lambda/bench/coldWarm.ts` prints the JSON; bench/run.ts folds it into `pnpm bench`.
// Times the built package (dist/), so build first (`pnpm build`).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Cold and warm start of the handler, and a bare Node start for scale, all in milliseconds. */
export interface LambdaStart {
  /** A fresh process: Node starts, imports the built handler module, answers its first invocation. */
  coldMs: number;
  /** The median invocation after that, in the same process (a warm container). */
  warmMs: number;
  /** A fresh process that does nothing: the part of `coldMs` that is Node's own. */
  baselineColdMs: number;
  /** Of `coldMs`: importing the handler module (and through it core, actions-aws and the AWS SDK). */
  importMs: number;
  /** Of `coldMs`: building the handler and the first invocation (compiling the playbook on the way). */
  firstInvocationMs: number;
}

type Phases = Record<string, number>;

/** The median of each phase over `runs` fresh processes. */
function spawnMedian(args: string[], runs: number): Phases {
  const samples: Phases[] = [];
  for (let i = 0; i < runs; i++)
    samples.push(JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as Phases);
  const out: Phases = {};
  for (const key of Object.keys(samples[0]!)) {
    const values = samples.map((s) => s[key]!).sort((a, b) => a - b);
    out[key] = values[Math.floor(values.length / 2)]!;
  }
  return out;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Measures the handler's cold start (a fresh `node` importing the built module and answering a first
 * direct invocation of a playbook with stand-in actions and a memory store), its warm invocation
 * (median of 50 in the same process), and a bare Node start as the baseline; medians of `runs` processes.
 */
export function measureLambdaStart(runs = 7): Promise<LambdaStart> {
  if (!existsSync(here('../dist/index.js')))
    return Promise.reject(new Error('packages/lambda/dist is missing: run `pnpm build` first'));
  const handler = spawnMedian([here('coldWarm-child.mjs'), '50'], runs);
  const bare = spawnMedian(
    ['-e', 'process.stdout.write(JSON.stringify({ booted: performance.now() }))'],
    runs,
  );
  return Promise.resolve({
    coldMs: round(handler.cold!),
    warmMs: round(handler.warmMs!),
    baselineColdMs: round(bare.booted!),
    importMs: round(handler.imported! - handler.booted!),
    firstInvocationMs: round(handler.cold! - handler.imported!),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  console.log(JSON.stringify(await measureLambdaStart(), null, 2));

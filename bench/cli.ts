// The CLI as a user starts it: `firstline validate` and `simulate` of ec2-first-line.yaml in fresh
// processes through the bin users run (bin/firstline.js, which runs the bundle with its V8 code cache),
// timed from outside, interleaved round by round with a bare `node -e ""` so the machine's load hits every
// contender alike. Ratios per round, then min and median. The simulation is `pnpm demo`'s (recovered,
// exit 0): each command is run once first and must succeed, so an error path is never what is timed.
// The bin's code cache is the bench's own directory: written by that first run, read by every timed one
// (a user's second run onwards); the "first run" contenders get a new empty directory each round (a
// user's first run after an install or upgrade: compiled without a cache, the cache written at exit).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './engine.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
/** The `firstline` bin users run: it runs the bundle. */
const BIN = here('../packages/cli/bin/firstline.js');
/** The bundle the CLI's build writes (scripts/bundle.mjs --split), started directly (no code cache). */
const BUNDLE = here('../packages/cli/dist/bundle/firstline.cjs');
/** The CLI on node_modules, what the bin falls back to when the bundle is not built. */
const DIST = here('../packages/cli/dist/bin.js');
const PLAYBOOK = here('../examples/playbooks/ec2-first-line.yaml');
/** `pnpm demo`'s simulation: the URL check fails once, reboot, the 2-minute wait, recovered. */
const SIMULATE = [
  ...['simulate', PLAYBOOK, '-i', 'instanceId=i-0abc1234', '-i', 'url=https://app.example.com/health'],
  ...['-i', 'healthCheckId=hc-1', '--outcome', 'url=fail,pass'],
];

/** Min and median, over the rounds, of a contender's wall time divided by bare node's in that round. */
export interface CliStart {
  validateMs: number;
  simulateMs: number;
  bareNodeMs: number;
  validateVsNode: { min: number; median: number };
  /** `firstline validate` through the bundle itself (dist/bundle/firstline.mjs), without the bin. */
  bundleValidateMs: number;
  bundleValidateVsNode: { min: number; median: number };
  /** `firstline validate` through dist/bin.js, the CLI on node_modules (the bin's fallback). */
  distValidateMs: number;
  distValidateVsNode: { min: number; median: number };
  simulateVsNode: { min: number; median: number };
  /** `firstline validate` through the bin with an empty code cache (a first run: it writes the cache). */
  validateFirstRunMs: number;
  validateFirstRunVsNode: { min: number; median: number };
  /** `firstline simulate` through the bin with an empty code cache. */
  simulateFirstRunMs: number;
  simulateFirstRunVsNode: { min: number; median: number };
}

function wallMs(args: string[], cache?: string): number {
  const env = cache === undefined ? process.env : { ...process.env, FIRSTLINE_COMPILE_CACHE: cache };
  const start = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore', env });
  return performance.now() - start;
}

/** Times the CLI's cold starts against bare node, `rounds` interleaved rounds. */
export function measureCliStart(rounds = 9): CliStart {
  const node: number[] = [];
  const validate: number[] = [];
  const validateFirstRun: number[] = [];
  const bundleValidate: number[] = [];
  const distValidate: number[] = [];
  const simulate: number[] = [];
  const simulateFirstRun: number[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'firstline-bench-cli-'));
  const cache = join(scratch, 'warm');
  let fresh = 0;
  const emptyCache = () => join(scratch, `first-${fresh++}`);
  try {
    // Once each first: warms the file system cache and the bin's code cache, and throws (exit code) if
    // a command fails.
    for (const args of [
      [BIN, 'validate', PLAYBOOK],
      [BUNDLE, 'validate', PLAYBOOK],
      [DIST, 'validate', PLAYBOOK],
      [BIN, ...SIMULATE],
    ])
      wallMs(args, cache);
    for (let r = 0; r < rounds; r++) {
      node.push(wallMs(['-e', '']));
      validate.push(wallMs([BIN, 'validate', PLAYBOOK], cache));
      validateFirstRun.push(wallMs([BIN, 'validate', PLAYBOOK], emptyCache()));
      bundleValidate.push(wallMs([BUNDLE, 'validate', PLAYBOOK]));
      distValidate.push(wallMs([DIST, 'validate', PLAYBOOK]));
      simulate.push(wallMs([BIN, ...SIMULATE], cache));
      simulateFirstRun.push(wallMs([BIN, ...SIMULATE], emptyCache()));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const ratios = (xs: number[]) => xs.map((x, i) => x / node[i]!);
  const summary = (xs: number[]) => ({ min: Math.min(...ratios(xs)), median: median(ratios(xs)) });
  return {
    validateMs: median(validate),
    simulateMs: median(simulate),
    bareNodeMs: median(node),
    validateVsNode: summary(validate),
    bundleValidateMs: median(bundleValidate),
    bundleValidateVsNode: summary(bundleValidate),
    distValidateMs: median(distValidate),
    distValidateVsNode: summary(distValidate),
    simulateVsNode: summary(simulate),
    validateFirstRunMs: median(validateFirstRun),
    validateFirstRunVsNode: summary(validateFirstRun),
    simulateFirstRunMs: median(simulateFirstRun),
    simulateFirstRunVsNode: summary(simulateFirstRun),
  };
}

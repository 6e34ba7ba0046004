// The CLI as a user starts it: `firstline validate` and `simulate` of ec2-first-line.yaml in fresh
// processes through the bin users run (bin/firstline.js, which runs the bundle), timed from outside,
// interleaved round by round with a bare `node -e ""` so the machine's load hits every contender alike.
// Ratios per round, then min and median. The simulation is `pnpm demo`'s (recovered, exit 0): each
// command is run once first and must succeed, so an error path is never what is timed.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './engine.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
/** The `firstline` bin users run: it runs the bundle. */
const BIN = here('../packages/cli/bin/firstline.js');
/** The bundle the CLI's build writes (scripts/bundle.mjs --split), started directly. */
const BUNDLE = here('../packages/cli/dist/bundle/firstline.mjs');
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
}

function wallMs(args: string[]): number {
  const start = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return performance.now() - start;
}

/** Times the CLI's cold starts against bare node, `rounds` interleaved rounds. */
export function measureCliStart(rounds = 9): CliStart {
  const node: number[] = [];
  const validate: number[] = [];
  const bundleValidate: number[] = [];
  const distValidate: number[] = [];
  const simulate: number[] = [];
  // Once each first: warms the file system cache, and throws (exit code) if a command fails.
  for (const args of [
    [BIN, 'validate', PLAYBOOK],
    [BUNDLE, 'validate', PLAYBOOK],
    [DIST, 'validate', PLAYBOOK],
    [BIN, ...SIMULATE],
  ])
    wallMs(args);
  for (let r = 0; r < rounds; r++) {
    node.push(wallMs(['-e', '']));
    validate.push(wallMs([BIN, 'validate', PLAYBOOK]));
    bundleValidate.push(wallMs([BUNDLE, 'validate', PLAYBOOK]));
    distValidate.push(wallMs([DIST, 'validate', PLAYBOOK]));
    simulate.push(wallMs([BIN, ...SIMULATE]));
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
  };
}

// The CLI as a user starts it: `firstline validate` and `simulate` of ec2-first-line.yaml in fresh
// processes, timed from outside, interleaved round by round with a bare `node -e ""` so the machine's
// load hits every contender alike. Ratios per round, then min and median.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './engine.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const BIN = here('../packages/cli/dist/bin.js');
/** The bundled bin the CLI's build also writes (scripts/bundle.mjs --split). */
const BUNDLE = here('../packages/cli/dist/bundle/firstline.mjs');
const PLAYBOOK = here('../examples/playbooks/ec2-first-line.yaml');

/** Min and median, over the rounds, of a contender's wall time divided by bare node's in that round. */
export interface CliStart {
  validateMs: number;
  simulateMs: number;
  bareNodeMs: number;
  validateVsNode: { min: number; median: number };
  /** `firstline validate` through the bundled bin. */
  bundleValidateMs: number;
  bundleValidateVsNode: { min: number; median: number };
  simulateVsNode: { min: number; median: number };
}

function wallMs(args: string[]): number {
  const start = performance.now();
  try {
    execFileSync(process.execPath, args, { stdio: 'ignore' });
  } catch {
    // simulate exits 1 when the simulated run ends unhealthy; the time is what counts here.
  }
  return performance.now() - start;
}

/** Times the CLI's cold starts against bare node, `rounds` interleaved rounds. */
export function measureCliStart(rounds = 9): CliStart {
  const node: number[] = [];
  const validate: number[] = [];
  const bundleValidate: number[] = [];
  const simulate: number[] = [];
  wallMs([BIN, 'validate', PLAYBOOK]); // warm the file system cache once
  wallMs([BUNDLE, 'validate', PLAYBOOK]);
  for (let r = 0; r < rounds; r++) {
    node.push(wallMs(['-e', '']));
    validate.push(wallMs([BIN, 'validate', PLAYBOOK]));
    bundleValidate.push(wallMs([BUNDLE, 'validate', PLAYBOOK]));
    simulate.push(
      wallMs([BIN, 'simulate', PLAYBOOK, '-i', 'instanceId=i-0abc', '-i', 'url=https://example.test/']),
    );
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
    simulateVsNode: summary(simulate),
  };
}

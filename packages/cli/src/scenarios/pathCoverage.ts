import { describePath, enumeratePaths } from '@firstline/core';
import type { CompiledPlaybook, PathStep } from '@firstline/core';
import { matchPath } from './runPath.js';

/** An outcome path no scenario took. */
export interface UncoveredPath {
  /** One line: `url:pass → route53:fail|error|timeout → reboot:pass → … ⇒ recovered`. */
  description: string;
  steps: PathStep[];
  outcome: string;
}

/** How many of a playbook's outcome paths its scenarios took, and which they missed. */
export interface PlaybookCoverage {
  /** The playbook file, as shown in reports. */
  playbook: string;
  /** The playbook's `name:`. */
  name: string;
  /** Outcome paths enumerated (a lower bound when `truncated`). */
  paths: number;
  covered: number;
  /** covered / paths in percent, rounded down to one decimal (99.95 is not 100). */
  percent: number;
  /** The enumeration stopped at a bound: more paths exist than `paths` says. */
  truncated: boolean;
  /** In enumeration order (depth first, pass before fail). */
  uncovered: UncoveredPath[];
}

/**
 * Path coverage of a playbook: enumerates its outcome paths (core's enumeratePaths) and matches each
 * run (its decided steps and outcome) to the one it took. `taken[i]` is the path run `i` took, in
 * `firstline paths` words, or null for a run that ended on none (cut short by the run's deadline).
 */
export function pathCoverage(
  compiled: CompiledPlaybook,
  display: string,
  runs: ReadonlyArray<{ path: readonly PathStep[]; outcome?: string }>,
): { coverage: PlaybookCoverage; taken: Array<string | null> } {
  const { paths, truncated } = enumeratePaths(compiled);
  const matched = runs.map((run) =>
    run.outcome === undefined ? -1 : matchPath(paths, run.path, run.outcome),
  );
  const hit = new Set(matched.filter((i) => i >= 0));
  const uncovered = paths
    .filter((_, i) => !hit.has(i))
    .map((p) => ({ description: describePath(p), steps: p.steps, outcome: p.outcome }));
  const percent = paths.length === 0 ? 100 : Math.floor((hit.size / paths.length) * 1000) / 10;
  return {
    coverage: {
      playbook: display,
      name: compiled.name,
      paths: paths.length,
      covered: hit.size,
      percent,
      truncated,
      uncovered,
    },
    taken: matched.map((i) => (i >= 0 ? describePath(paths[i]!) : null)),
  };
}

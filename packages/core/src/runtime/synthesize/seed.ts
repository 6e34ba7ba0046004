import { createHash } from 'node:crypto';

/** What a synthesized value is derived from: the same run, step and visit always give the same value. */
export interface SynthesisSeed {
  /** The run's id. */
  runId: string;
  /** The step's `id:`. */
  stepId: string;
  /** Which visit of the step (1 for the first). */
  visit?: number;
}

/** A short hex digest of the seed and a path inside the value: stable, and different per field. */
export function digest(seed: SynthesisSeed, path: string, length = 12): string {
  return createHash('sha256')
    .update(`${seed.runId}\u0000${seed.stepId}\u0000${seed.visit ?? 1}\u0000${path}`)
    .digest('hex')
    .slice(0, length);
}

/** A stable number in [0, 1) from the seed and a path. */
export function fraction(seed: SynthesisSeed, path: string): number {
  return parseInt(digest(seed, path, 8), 16) / 0x1_0000_0000;
}

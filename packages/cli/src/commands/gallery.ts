import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The seed `firstline init` uses without `--from`. */
export const DEFAULT_SEED = 'ec2-first-line';

// The built package carries the example playbooks in dist/gallery/ (copied at build time), found from
// dist/ (tsup), dist/bundle/ or dist/bundle/chunks/ (the bundle, wherever this module lands in it); run
// from the sources (tests), the repository's examples are the gallery.
const CANDIDATES = [
  './gallery/',
  '../gallery/',
  '../../gallery/',
  '../../dist/gallery/',
  '../../../../examples/playbooks/',
];

/** The directory holding the seed playbooks and their scenario files. */
export function galleryDir(): string {
  for (const candidate of CANDIDATES) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(join(dir, `${DEFAULT_SEED}.yaml`))) return dir;
  }
  throw new Error('the playbook gallery is missing from this installation of @firstline/cli');
}

/** The seeds: every gallery playbook that has a scenario file, sorted. */
export function seedNames(): string[] {
  const files = new Set(readdirSync(galleryDir()));
  return [...files]
    .filter((file) => file.endsWith('.yaml') && !file.endsWith('.scenarios.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .filter((seed) => files.has(`${seed}.scenarios.yaml`))
    .sort();
}

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findConfig } from '../config/findConfig.js';
import { EXIT, UsageError } from '../context.js';
import type { CliContext } from '../context.js';
import { paletteFor } from '../io.js';
import { displayPath } from '../displayPath.js';
import { didYouMean } from '@firstline/core';
import { DEFAULT_SEED, galleryDir, seedNames } from './gallery.js';

/** Options of `firstline init`. */
export interface InitFlags {
  /** The seed playbook to start from (default `ec2-first-line`). */
  from?: string;
  /** Overwrite the playbook and scenario files if they exist. */
  force?: boolean;
}

/** Where editors find the playbook schema in a project that installed the CLI. */
export const SCHEMA_MODELINE = '# yaml-language-server: $schema=./node_modules/@firstline/cli/schema.json';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * `firstline init [name] [--from seed]`: writes `<name>.yaml` and `<name>.scenarios.yaml` from a
 * gallery seed, and a `firstline.config.mjs` when no project config is found, into the working
 * directory. Never overwrites a file without `--force` (and never an existing config).
 */
export async function initCommand(
  given: string | undefined,
  flags: InitFlags,
  ctx: CliContext,
): Promise<number> {
  const { io } = ctx;
  const seeds = seedNames();
  const seed = flags.from ?? DEFAULT_SEED;
  if (!seeds.includes(seed))
    throw new UsageError(`unknown seed "${seed}"${didYouMean(seed, seeds)}`, `seeds: ${seeds.join(', ')}`);
  const name = (given ?? seed).replace(/\.ya?ml$/, '');
  if (!NAME.test(name))
    throw new UsageError(
      `"${name}" is not a playbook name: letters, digits, '.', '_' and '-', starting with a letter or digit`,
    );
  const playbook = join(io.cwd, `${name}.yaml`);
  const scenarios = join(io.cwd, `${name}.scenarios.yaml`);
  for (const file of [playbook, scenarios]) {
    if (existsSync(file) && !flags.force)
      throw new UsageError(`${displayPath(file, io.cwd)} exists`, 'use --force to overwrite it');
  }
  const gallery = galleryDir();
  const [playbookText, scenarioText] = await Promise.all([
    readFile(join(gallery, `${seed}.yaml`), 'utf8'),
    readFile(join(gallery, `${seed}.scenarios.yaml`), 'utf8'),
  ]);
  await writeFile(playbook, renamePlaybook(withModeline(playbookText), seed, name));
  await writeFile(
    scenarios,
    scenarioText.replace(
      new RegExp(`^playbook: \\./${escape(seed)}\\.yaml$`, 'm'),
      `playbook: ./${name}.yaml`,
    ),
  );
  const palette = paletteFor(io);
  io.out(`${palette.green('wrote')} ${name}.yaml ${palette.dim(`(from the ${seed} seed)`)}\n`);
  io.out(`${palette.green('wrote')} ${name}.scenarios.yaml\n`);
  const config = findConfig(io.cwd);
  if (config === undefined) {
    await writeFile(join(io.cwd, 'firstline.config.mjs'), CONFIG_TEMPLATE, { flag: 'wx' });
    io.out(`${palette.green('wrote')} firstline.config.mjs\n`);
  } else {
    io.out(`${palette.dim(`kept ${displayPath(config, io.cwd)} (the project config already there)`)}\n`);
  }
  io.out(
    `\nnext: ${palette.bold('firstline test')} runs its scenarios; ${palette.bold(`firstline validate ${name}.yaml`)} checks your edits\n`,
  );
  return EXIT.ok;
}

/** The playbook with its schema modeline pointing into the project's node_modules. */
function withModeline(text: string): string {
  const lines = text.split('\n');
  if (lines[0]?.startsWith('# yaml-language-server:')) lines[0] = SCHEMA_MODELINE;
  else lines.unshift(SCHEMA_MODELINE);
  return lines.join('\n');
}

/** The playbook's top-level `name:` changed from the seed's to the chosen one. */
function renamePlaybook(text: string, seed: string, name: string): string {
  return text.replace(new RegExp(`^name:(\\s*)${escape(seed)}(\\s*(#.*)?)$`, 'm'), `name:$1${name}$2`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The config `init` writes: plain JavaScript, so it loads before anything is installed. */
const CONFIG_TEMPLATE = `// The Firstline project config: every firstline command run in this directory (or below it) reads it.
// Paths are relative to this file. See the project-config guide in Firstline's docs.

/** @type {import('@firstline/cli').FirstlineConfig} */
export default {
  // Your own actions: modules (.ts or .js, or package names) exporting defineAction() definitions.
  plugins: [],
  // Where firstline run keeps its run records (for resume, cancel and report).
  store: '.firstline/runs',
  // Stand-ins and proxies for the installed actions, e.g. moto for AWS:
  // endpoints: { aws: 'http://localhost:5000', slack: 'http://localhost:4000/api/' },
  // The AWS region for steps that name none:
  // region: 'eu-west-1',
};
`;

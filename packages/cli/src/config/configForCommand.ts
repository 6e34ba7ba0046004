import { resolve } from 'node:path';
import type { Command } from 'commander';
import { findConfig } from './findConfig.js';
import { loadConfig } from './loadConfig.js';
import type { LoadedConfig } from './loadConfig.js';

/** Commands whose first argument is a playbook (or scenario file, directory, glob): the search starts there. */
const PLAYBOOK_COMMANDS = new Set(['validate', 'simulate', 'run', 'graph', 'paths', 'test']);

/**
 * The project config a command runs with: `--config <file>`; none with `--no-config`; else the
 * nearest `firstline.config.*` upward from the command's playbook (its first one when there are
 * several; the fixed part of a glob), or from the working directory for commands that take none.
 */
export async function configForCommand(command: Command, cwd: string): Promise<LoadedConfig | undefined> {
  const { config } = command.optsWithGlobals<{ config?: string | false }>();
  if (config === false) return undefined;
  if (typeof config === 'string') return loadConfig(config, cwd);
  const first = PLAYBOOK_COMMANDS.has(command.name()) ? (command.args[0] ?? '.') : '.';
  const file = findConfig(resolve(cwd, fixedPart(first)));
  return file === undefined ? undefined : loadConfig(file, cwd);
}

/** A glob's part before its first wildcard (`playbooks/**\/*.yaml` → `playbooks/`); a path as it is. */
function fixedPart(target: string): string {
  const wildcard = target.search(/[*?[{]/);
  return wildcard === -1 ? target : target.slice(0, wildcard);
}

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FirstlineError } from '@firstline/core';
import { displayPath } from '../displayPath.js';
import { checkConfig, invalid } from './checkConfig.js';
import { checkedAction, pluginActions } from './collectActions.js';
import type { ConfigAction } from './collectActions.js';
import type { ConfigEndpoints } from './defineConfig.js';
import { importModule } from './importModule.js';
import { resolvePlugin } from './resolvePlugin.js';

/** A project config as the CLI uses it: checked, its plugins loaded, its paths absolute. */
export interface LoadedConfig {
  /** The config file, absolute. */
  file: string;
  /** The file as messages show it (relative to the working directory when inside it). */
  shown: string;
  /** Its actions and those of its plugins, each with where it came from. */
  actions: readonly ConfigAction[];
  /** The run store when the config names one: a directory (absolute) or a `dynamodb://` URL. */
  store?: string;
  /** Base URLs for the installed packages. */
  endpoints: ConfigEndpoints;
  /** Default AWS region. */
  region?: string;
}

/**
 * Loads a project config: imports it (TypeScript through jiti), checks its shape, checks its inline
 * actions, imports its plugins and collects theirs. Throws `E_CONFIG_LOAD` (missing file, a module
 * that throws or does not parse) or `E_CONFIG_INVALID` (a wrong shape), naming the file.
 */
export async function loadConfig(file: string, cwd: string): Promise<LoadedConfig> {
  const path = resolve(cwd, file);
  const shown = displayPath(path, cwd);
  if (!existsSync(path)) throw new FirstlineError('E_CONFIG_LOAD', `config file ${shown} not found`);
  const exports = await importModule(path, shown, cwd);
  if (!('default' in exports))
    throw invalid(shown, [
      'no default export: end the file with export default defineConfig({ ... }) (or a plain object)',
    ]);
  const config = checkConfig(exports.default, shown);
  const actions = (config.actions ?? []).map((action, i) => checkedAction(action, `actions[${i}]`, shown));
  for (const plugin of config.plugins ?? []) {
    const pluginFile = resolvePlugin(plugin, path, shown);
    actions.push(
      ...pluginActions(await importModule(pluginFile, `${shown}: plugin "${plugin}"`, cwd), plugin, shown),
    );
  }
  return {
    file: path,
    shown,
    actions,
    // A URL (dynamodb://…) stays as written; a directory is relative to the config file.
    ...(config.store !== undefined && {
      store: /^[a-z][a-z0-9+.-]*:\/\//i.test(config.store)
        ? config.store
        : resolve(dirname(path), config.store),
    }),
    endpoints: { ...config.endpoints },
    ...(config.region !== undefined && { region: config.region }),
  };
}

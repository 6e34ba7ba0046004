import { defineAction, isFirstlineError } from '@firstline/core';
import type { AnyActionDefinition } from '@firstline/core';
import { invalid, kindOf } from './checkConfig.js';

/** An action the config brings, with where it came from (for duplicate-id messages). */
export interface ConfigAction {
  /** The checked definition. */
  action: AnyActionDefinition;
  /** Where it is defined: `firstline.config.ts actions[0]`, `plugin "./cache.ts" (export flushCache)`. */
  source: string;
}

/** Whether a value is meant as an action definition (an object with a string id and a run function). */
function looksLikeAction(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'string' &&
    'run' in value
  );
}

/** Checks one definition the way `defineAction` does; a bad one is `E_CONFIG_INVALID` naming `source`. */
export function checkedAction(value: unknown, source: string, shown: string): ConfigAction {
  if (!looksLikeAction(value))
    throw invalid(shown, [
      `${source} is not an action definition (made with defineAction); got ${kindOf(value)}`,
    ]);
  try {
    return { action: defineAction(value as unknown as AnyActionDefinition), source };
  } catch (error) {
    if (isFirstlineError(error)) throw invalid(shown, [`${source}: ${error.message}`]);
    throw error;
  }
}

/**
 * The action definitions a plugin module exports: each export (the default one too) that is a
 * definition or an array of them; other exports (helpers, factories) are left alone. The same
 * object exported twice (`export default actions`) counts once; no definition at all is an error.
 */
export function pluginActions(
  exports: Record<string, unknown>,
  plugin: string,
  shown: string,
): ConfigAction[] {
  const seen = new Set<unknown>();
  const found: ConfigAction[] = [];
  for (const [name, value] of Object.entries(exports)) {
    const source = `plugin "${plugin}" (export ${name})`;
    const items = Array.isArray(value) ? value : [value];
    if (!items.some(looksLikeAction)) continue;
    items.forEach((item: unknown, i) => {
      if (seen.has(item)) return;
      seen.add(item);
      found.push(checkedAction(item, Array.isArray(value) ? `${source}[${i}]` : source, shown));
    });
  }
  if (found.length === 0)
    throw invalid(shown, [
      `plugin "${plugin}" exports no action definitions (export what defineAction returns, or an array of them)`,
    ]);
  return found;
}

/** The package that provides an installed action, for messages: by the family of its id. */
const PROVIDERS: Record<string, string> = {
  core: '@firstline/core (built in)',
  aws: '@firstline/actions-aws',
  http: '@firstline/actions-net',
  ssh: '@firstline/actions-net',
  tcp: '@firstline/actions-net',
  dns: '@firstline/actions-net',
  icmp: '@firstline/actions-net',
  prometheus: '@firstline/actions-net',
  slack: '@firstline/notifiers',
  opsgenie: '@firstline/notifiers',
  github: '@firstline/notifiers',
};

/**
 * The installed actions with the config's added. An id defined twice, in the config or against an
 * installed (or built-in) action, is `E_CONFIG_INVALID` naming both sources.
 */
export function mergeActions(
  installed: readonly AnyActionDefinition[],
  builtinIds: readonly string[],
  configActions: readonly ConfigAction[],
  shown: string,
): AnyActionDefinition[] {
  const taken = new Map<string, string>();
  for (const id of builtinIds) taken.set(id, PROVIDERS.core!);
  for (const { id } of installed) taken.set(id, PROVIDERS[id.split('.')[0]!] ?? 'the installed actions');
  const problems: string[] = [];
  for (const { action, source } of configActions) {
    const other = taken.get(action.id);
    if (other !== undefined)
      problems.push(`action ${action.id} is defined twice: by ${other} and by ${source}`);
    else taken.set(action.id, source);
  }
  if (problems.length > 0) throw invalid(shown, problems);
  return [...installed, ...configActions.map(({ action }) => action)];
}

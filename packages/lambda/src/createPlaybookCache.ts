import { compiledOf, compilePlaybook, FirstlineError, loadPlaybook } from '@firstline/core';
import type { ActionRegistry, CompiledPlaybook, RunnablePlaybook } from '@firstline/core';

/** The handler's playbooks, each loaded and compiled once per container, on first use. */
export interface PlaybookCache {
  /** The names it holds, in the order given. */
  readonly names: readonly string[];
  /**
   * The compiled playbook; the first call compiles, concurrent and later calls share its promise.
   * Rejects with E_EVENT_UNKNOWN for a name the handler does not have (an event naming it is wrong).
   */
  get(name: string): Promise<CompiledPlaybook>;
}

/**
 * Caches compiled playbooks for the life of a Lambda container. A failed load or compile is not
 * kept: the next invocation tries again, so a transient read error does not poison the container.
 */
export function createPlaybookCache(
  playbooks: Record<string, RunnablePlaybook | string>,
  registry: ActionRegistry,
): PlaybookCache {
  const compiled = new Map<string, Promise<CompiledPlaybook>>();
  const names = Object.keys(playbooks);
  return {
    names,
    get(name) {
      let pending = compiled.get(name);
      if (!pending && !names.includes(name))
        return Promise.reject(
          new FirstlineError(
            'E_EVENT_UNKNOWN',
            `no playbook named ${JSON.stringify(name)} in this handler (it has: ${names.join(', ')})`,
          ),
        );
      if (!pending) {
        const source = playbooks[name]!;
        pending = compile(source, registry);
        compiled.set(name, pending);
        pending.catch(() => compiled.delete(name));
      }
      return pending;
    },
  };
}

async function compile(
  source: RunnablePlaybook | string,
  registry: ActionRegistry,
): Promise<CompiledPlaybook> {
  if (typeof source === 'string' || source instanceof URL)
    return compilePlaybook(await loadPlaybook(source), { actions: registry });
  return compiledOf(source) ?? compilePlaybook(source, { actions: registry });
}

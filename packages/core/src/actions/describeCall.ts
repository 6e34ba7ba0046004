import type { AnyActionDefinition } from './registry.js';

/**
 * What a call would do in a few words, from the action's own `describe` ("reboot i-0abc1234"); undefined
 * when it has none, or when it throws or says nothing on this input (a describe must never fail a step).
 */
export function describeCall(
  def: Partial<Pick<AnyActionDefinition, 'describe'>>,
  input: unknown,
): string | undefined {
  try {
    const said = def.describe?.(input);
    return typeof said === 'string' && said.trim() !== '' ? said : undefined;
  } catch {
    return undefined;
  }
}

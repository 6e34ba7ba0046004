// Shared setup for the `firstline test` and `firstline graph` tests: fake actions, a capturing context.
import { fileURLToPath } from 'node:url';
import { defineAction } from '@firstline/core';
import type { ActionKind, AnyActionDefinition } from '@firstline/core';
import type { CliContext } from '../../src/context.js';
import { createCapturingIo } from '../../src/io.js';

/** The fixtures of these tests. */
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The example playbooks the lead keeps in examples/playbooks. */
export const EXAMPLES = fileURLToPath(new URL('../../../../examples/playbooks/', import.meta.url));

/** A fake action that accepts any object input; simulations never call `run`, a real run would fail loudly. */
export function fakeAction(id: string, kind: ActionKind): AnyActionDefinition {
  return defineAction<unknown, unknown>({
    id,
    kind,
    description: `Fake ${kind} ${id}.`,
    input: { type: 'object' },
    run: () => Promise.reject(new Error(`${id} is a test fake and must not run`)),
  }) as AnyActionDefinition;
}

/** The fake actions the fixture playbooks name. */
export const FIXTURE_ACTIONS: readonly AnyActionDefinition[] = [
  fakeAction('http.check', 'probe'),
  fakeAction('svc.status', 'probe'),
  fakeAction('svc.restart', 'remediation'),
  fakeAction('cache.flush', 'remediation'),
  fakeAction('chat.post', 'notify'),
  fakeAction('pager.alert', 'notify'),
];

/**
 * Fakes for every action a playbook's data names, with the kind its place implies (the way core's
 * stand-ins do it): remediations under `remediate:`, notifications under `notify:`, probes elsewhere.
 */
export function fakeActionsFor(data: unknown): AnyActionDefinition[] {
  const kinds = new Map<string, ActionKind>();
  const visit = (value: unknown, kind: ActionKind) => {
    if (Array.isArray(value)) value.forEach((v) => visit(v, kind));
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.action === 'string' && (kinds.get(record.action) ?? 'probe') === 'probe')
        kinds.set(record.action, kind);
      for (const [key, child] of Object.entries(record))
        visit(child, key === 'remediate' ? 'remediation' : key === 'notify' ? 'notify' : kind);
    }
  };
  visit(data, 'probe');
  return [...kinds].map(([id, kind]) => fakeAction(id, kind));
}

/** A CliContext over a capturing io rooted at `cwd`. */
export function testContext(
  cwd: string,
  actions: readonly AnyActionDefinition[] = FIXTURE_ACTIONS,
  color = false,
) {
  const io = createCapturingIo({ cwd, color });
  const ctx: CliContext = { io, actions, debug: false };
  return { io, ctx };
}

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { awsActions } from '@firstline/actions-aws';
import { netActions } from '@firstline/actions-net';
import { notifiers } from '@firstline/notifiers';
import { createActionRegistry } from '@firstline/core';
import type { ActionRegistry } from '@firstline/core';

/** The repository's example playbooks directory. */
export const EXAMPLES = fileURLToPath(new URL('../../../examples/playbooks/', import.meta.url));

/** Every example playbook's name (without `.yaml`). */
export const exampleNames = (): string[] =>
  readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenarios.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();

/** The installed action packages' definitions, as a deployment registers them (clients are never made here). */
export function installedActions(): ActionRegistry {
  return createActionRegistry([...awsActions(), ...netActions(), ...notifiers()]);
}

import { playbookSchema } from '@firstline/core';
import { EXIT } from '../context.js';
import type { CliContext } from '../context.js';

/** `firstline schema`: the playbook JSON Schema, for editors (`yaml-language-server`) and CI. */
export function schemaCommand(ctx: CliContext): number {
  ctx.io.out(`${JSON.stringify(playbookSchema, null, 2)}\n`);
  return EXIT.ok;
}

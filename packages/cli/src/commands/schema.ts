import { playbookSchema } from '@firstline/core';
import { EXIT } from '../context.js';
import type { CliContext } from '../context.js';
import { editorSchema } from '../schema/editorSchema.js';

/** Options of `firstline schema`. */
export interface SchemaFlags {
  /** Print core's bare schema: `with:` any mapping, `action:` any well-formed id. */
  generic?: boolean;
}

/**
 * `firstline schema`: the playbook JSON Schema, for editors (`yaml-language-server`) and CI, with the
 * installed actions' inputs folded in so `with:` completes and a misspelt input is flagged; `--generic`
 * prints core's schema as it is.
 */
export function schemaCommand(ctx: CliContext, flags: SchemaFlags = {}): number {
  const schema = flags.generic ? playbookSchema : editorSchema(ctx.actions);
  ctx.io.out(`${JSON.stringify(schema, null, 2)}\n`);
  return EXIT.ok;
}

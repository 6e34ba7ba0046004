import { coreActions } from '@firstline/core';
import type { AnyActionDefinition } from '@firstline/core';
import { EXIT, UsageError } from '../context.js';
import type { CliContext } from '../context.js';
import {
  actionEntry,
  renderActionsMarkdown,
  renderActionTable,
  renderActionText,
  sortedActions,
} from '../render/actionCatalogue.js';
import { didYouMean } from '@firstline/core';

/** Options of `firstline actions`. */
export interface ActionsFlags {
  /** Print the catalogue (or the one action) as JSON. */
  json?: boolean;
  /** Print the whole catalogue as Markdown (docs/reference/actions.md). */
  markdown?: boolean;
}

/** Every action a playbook may name here: core's built-ins and the installed (or given) ones. */
export function catalogueActions(ctx: CliContext): AnyActionDefinition[] {
  return sortedActions([...coreActions, ...ctx.actions]);
}

/**
 * `firstline actions [id]`: the installed actions as a table (id, kind, description), or one action's
 * kind, description, inputs, outputs, IAM permissions and an example step. An unknown id is a usage
 * error (exit 2) with the closest id suggested.
 */
export function actionsCommand(id: string | undefined, flags: ActionsFlags, ctx: CliContext): number {
  const actions = catalogueActions(ctx);
  if (flags.json && flags.markdown) throw new UsageError('give --json or --markdown, not both');
  if (id === undefined) {
    if (flags.markdown) ctx.io.out(renderActionsMarkdown(actions));
    else if (flags.json) ctx.io.out(`${JSON.stringify(actions.map(actionEntry), null, 2)}\n`);
    else ctx.io.out(renderActionTable(actions));
    return EXIT.ok;
  }
  const action = actions.find((a) => a.id === id);
  if (!action) {
    const ids = actions.map((a) => a.id);
    const family = ids.filter((known) => known.startsWith(`${id.split('.')[0]}.`));
    throw new UsageError(
      `no action "${id}" is installed${didYouMean(id, ids)}`,
      family.length > 0 && family.length <= 12
        ? `its family has: ${family.join(', ')}`
        : 'see firstline actions for the list',
    );
  }
  if (flags.markdown) ctx.io.out(renderActionsMarkdown([action]));
  else if (flags.json) ctx.io.out(`${JSON.stringify(actionEntry(action), null, 2)}\n`);
  else ctx.io.out(renderActionText(action));
  return EXIT.ok;
}

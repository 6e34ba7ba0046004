// PENDING ACTIONS — delete this file and examples/src/pending/ when @firstline/actions-aws (issue 5),
// @firstline/actions-net (issue 6) and @firstline/notifiers (issue 7) land; the playbooks and the
// demo then register the real actions instead.
//
// The example playbooks name actions those packages will provide. Until they exist, these stand-ins
// carry each action's id, kind and real input/output JSON Schemas (from DESIGN.md and the issues),
// so the playbooks are validated exactly as they will be later: unknown inputs, wrong types and
// references to outputs that do not exist are all reported. They are validation fixtures, not
// implementations: `run` rejects with an ActionError naming the package that has not landed.
import type { AnyActionDefinition } from '@firstline/core';
import { pendingAwsActions } from './pending/aws.js';
import { pendingNetActions } from './pending/net.js';
import { pendingNotifierActions } from './pending/notifiers.js';

export { pendingAwsActions, pendingNetActions, pendingNotifierActions };

/** Every action the example playbooks name that no landed package provides yet. */
export const pendingActions: readonly AnyActionDefinition[] = [
  ...pendingAwsActions,
  ...pendingNetActions,
  ...pendingNotifierActions,
];

import { userInfo } from 'node:os';
import { createActionRegistry, decideApproval, isFirstlineError } from '@firstline/core';
import type { DecideResult } from '@firstline/core';
import { EXIT, UsageError } from '../context.js';
import type { CliContext } from '../context.js';
import { paletteFor } from '../io.js';
import { renderHandedBack } from '../render/runState.js';
import { renderOutcome } from '../render/simulation.js';
import { openStore } from '../openStore.js';
import type { OpenedStore } from '../openStore.js';
import { nowOf, withProgress } from './run.js';
import type { RunHost, StoreFlags } from './run.js';

/** Options of `firstline approve` and `firstline deny`. */
export type DecideFlags = Pick<StoreFlags, 'store' | 'json'> & {
  /** Who decides (default: the login name); checked against the approval's `approvers.console`. */
  as?: string;
  /** Why, recorded with the decision. */
  reason?: string;
};

/**
 * `firstline approve <approvalId>` / `firstline deny <approvalId>`: records a decision on a stored run
 * waiting for approval and resumes the run with it (decideApproval): exit 0 when it was taken and the run
 * went on to a good end or its next wait; 1 when it was refused (already decided, expired, not an
 * approver, not pending: nothing changed) or the run then ended badly; 2 for an unknown run.
 */
export async function decideCommand(
  decision: 'approved' | 'denied',
  approvalId: string,
  flags: DecideFlags,
  ctx: CliContext,
  host: RunHost = {},
): Promise<number> {
  const by = flags.as ?? loginName();
  if (by === '') throw new UsageError('who decides? give --as <name>');
  const store = await openStore(flags, ctx);
  try {
    return await decideIn(store, decision, approvalId, by, flags, ctx, host);
  } finally {
    store.close();
  }
}

async function decideIn(
  store: OpenedStore,
  decision: 'approved' | 'denied',
  approvalId: string,
  by: string,
  flags: DecideFlags,
  ctx: CliContext,
  host: RunHost,
): Promise<number> {
  const { io } = ctx;
  const palette = paletteFor(io);
  const at = nowOf(host);
  let answer: DecideResult;
  try {
    answer = await withProgress(flags, ctx, host, (hostOptions) =>
      decideApproval(
        approvalId,
        { decision, by, via: 'cli', at, ...(flags.reason !== undefined && { reason: flags.reason }) },
        { ...hostOptions, store: store.store, actions: ctx.actions },
      ),
    );
  } catch (error) {
    if (!isFirstlineError(error) || error.code !== 'E_RUN_BUSY') throw error;
    io.err(`${palette.red('firstline:')} ${error.code}  ${error.message}\n`);
    return EXIT.bad;
  }
  if (flags.json) {
    io.out(`${JSON.stringify(answer, null, 2)}\n`);
    return answer.status === 'decided' ? EXIT.ok : EXIT.bad;
  }
  if (answer.status === 'refused') {
    io.err(`${palette.red('firstline:')} ${answer.code}  ${answer.message}\n`);
    return EXIT.bad;
  }
  const result = answer.result;
  io.out(`${palette.bold(decision)}  ${approvalId}  by ${by}\n`);
  if (result.outcome === 'suspended') {
    io.out(renderHandedBack(result, { palette, store: store.shown, now: nowOf(host) }));
    return EXIT.ok;
  }
  const actions = createActionRegistry(ctx.actions);
  const good = decision === 'denied' ? ['skipped'] : ['healthy', 'recovered'];
  io.out(`\n${renderOutcome(result, { palette, color: io.color, actions, verb: 'did', good })}`);
  return good.includes(result.outcome) ? EXIT.ok : EXIT.bad;
}

function loginName(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

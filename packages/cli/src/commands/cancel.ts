import { cancelRun, createActionRegistry, FirstlineError, isFirstlineError } from '@firstline/core';
import type { RunResult } from '@firstline/core';
import { EXIT } from '../context.js';
import type { CliContext } from '../context.js';
import { paletteFor } from '../io.js';
import { renderAlreadyEnded } from '../render/runState.js';
import { renderOutcome } from '../render/simulation.js';
import { openStore } from '../openStore.js';
import type { OpenedStore } from '../openStore.js';
import { nowOf, withProgress } from './run.js';
import type { RunHost, StoreFlags } from './run.js';

/** Options of `firstline cancel`. */
export type CancelFlags = Pick<StoreFlags, 'store' | 'json'>;

/**
 * `firstline cancel <runId>`: cancels a stored run that is not over (one handed back by SIGTERM, or
 * left by a crashed host). It is resumed already cancelled: nothing more runs but its notifications
 * (`notify.cancelled`, or `unrecovered` once a remediation passed), it ends `cancelled` and its lock
 * is freed; exit 0. A run a live process holds is left to it (who holds it is printed), an ended run
 * is only reported (outcome and when), exit 1; an unknown run id is E_RUN_NOT_FOUND, exit 2.
 */
export async function cancelCommand(
  runId: string,
  flags: CancelFlags,
  ctx: CliContext,
  host: RunHost = {},
): Promise<number> {
  const store = await openStore(flags, ctx);
  try {
    return await cancelIn(store, runId, flags, ctx, host);
  } finally {
    store.close();
  }
}

async function cancelIn(
  store: OpenedStore,
  runId: string,
  flags: CancelFlags,
  ctx: CliContext,
  host: RunHost,
): Promise<number> {
  const { io } = ctx;
  const palette = paletteFor(io);
  const record = await store.store.load(runId);
  if (!record) throw new FirstlineError('E_RUN_NOT_FOUND', `no run ${runId} in ${store.shown}`);
  if (!flags.json && record.status === 'running')
    io.out(`${palette.bold('cancel')}  ${record.playbook.name}  run ${runId}\n\n`);
  let result: RunResult;
  try {
    result = await withProgress(flags, ctx, host, (hostOptions) =>
      cancelRun(runId, { ...hostOptions, store: store.store, actions: ctx.actions }),
    );
  } catch (error) {
    if (!isFirstlineError(error) || error.code !== 'E_RUN_BUSY') throw error;
    io.err(`${palette.red('firstline:')} ${error.code}  ${error.message}\n`);
    io.err(
      `${palette.dim('cancel it where it runs (Ctrl-C twice there), or once that process has handed it back')}\n`,
    );
    return EXIT.bad;
  }
  const cancelled = result.outcome === 'cancelled' && !result.alreadyEnded;
  if (flags.json) {
    io.out(`${JSON.stringify(result, null, 2)}\n`);
    return cancelled ? EXIT.ok : EXIT.bad;
  }
  const now = nowOf(host);
  if (result.alreadyEnded) {
    io.out(renderAlreadyEnded(result, { palette, now, did: 'nothing was cancelled' }));
    return EXIT.bad;
  }
  const actions = createActionRegistry(ctx.actions);
  const verb = record.mode === 'live' ? 'did' : 'would';
  // Not a good outcome, but what was asked for: shown plainly, not in red.
  io.out(`\n${renderOutcome(result, { palette, color: io.color, actions, good: ['cancelled'], verb })}`);
  io.out(`${palette.dim(store.recordLine(runId))}\n`);
  return cancelled ? EXIT.ok : EXIT.bad;
}

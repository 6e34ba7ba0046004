import { simulatePlaybook } from '@firstline/core';
import type { PlaybookIR } from '@firstline/core/internal';
import { EXIT } from '../context.js';
import type { CliContext } from '../context.js';
import { paletteFor } from '../io.js';
import { openPlaybook } from '../openPlaybook.js';
import { readOutcomes, readRunInputs } from '../options/runInputs.js';
import type { RunInputFlags } from '../options/runInputs.js';
import { GOOD_OUTCOMES, renderRunReport } from '../render/simulation.js';
import { renderSynthesized } from '../render/synthesized.js';

/** Options of `firstline simulate`. */
export interface SimulateFlags extends RunInputFlags {
  /** `--outcome step=fail,pass`, repeatable. */
  outcome?: string[];
  /** Custom `end:` outcomes that count as good for the exit code. */
  good?: string[];
  /** The result object as JSON instead of the timeline. */
  json?: boolean;
  /** Also list which step outputs were synthesized, and from what. */
  explain?: boolean;
}

/**
 * `firstline simulate <playbook>`: runs the playbook with scripted outcomes on a virtual clock, calling
 * nothing, and prints the timeline, what it would have changed and the outcome. Exit 0 for a good
 * outcome, 1 otherwise, 2 for an invalid playbook, input or script.
 */
export async function simulateCommand(path: string, flags: SimulateFlags, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const outcomes = readOutcomes(flags.outcome);
  const opened = await openPlaybook(path, ctx);
  const inputs = await readRunInputs(flags, declaredInputs(opened.loaded.data), io.cwd);
  const result = await simulatePlaybook(opened.compiled, {
    input: inputs.input,
    ...(inputs.trigger !== undefined && { trigger: inputs.trigger }),
    // No environment and no resolvers: a simulation stands in for every secret, so it runs in CI or
    // on a laptop without the production tokens and can never leak one.
    outcomes,
  });
  const good = [...GOOD_OUTCOMES, ...(flags.good ?? [])];
  const exit = good.includes(result.outcome) ? EXIT.ok : EXIT.bad;
  if (flags.json) {
    const ids = actionIdsOf(opened.compiled.ir);
    const calls = Object.fromEntries(ids.map((id) => [id, result.calls(id)]));
    io.out(`${JSON.stringify({ ...result, calls }, null, 2)}\n`);
    return exit;
  }
  const palette = paletteFor(io);
  io.out(`${palette.bold('simulate')}  ${opened.compiled.name}  ${palette.dim(opened.shown)}\n`);
  io.out(`${palette.dim('scripted outcomes, virtual clock: no action is called for real')}\n\n`);
  io.out(
    renderRunReport(result, {
      palette,
      color: io.color,
      actions: opened.compiled.registry,
      good,
      verb: 'would',
    }),
  );
  if (flags.explain) io.out(`\n${renderSynthesized(result, palette)}`);
  return exit;
}

/** The playbook's `inputs:` declarations, to read `--input` values as their declared types. */
export function declaredInputs(data: unknown): Record<string, unknown> | undefined {
  const inputs = (data as { inputs?: unknown } | null)?.inputs;
  return typeof inputs === 'object' && inputs !== null ? (inputs as Record<string, unknown>) : undefined;
}

/** Every action id a compiled playbook can call, steps and notifications, in first-use order. */
export function actionIdsOf(ir: PlaybookIR): string[] {
  const ids = new Set<string>();
  for (const node of ir.nodes.values()) {
    if (node.kind === 'action') ids.add(node.action);
    if (node.kind === 'poll') ids.add(node.probe.action);
    if (node.kind === 'parallel') for (const step of node.steps) ids.add(step.action);
    if (node.kind === 'approve') for (const step of node.request) ids.add(step.action);
  }
  for (const list of ir.notify.values()) for (const node of list) ids.add(node.action);
  return [...ids];
}

import { ActionError } from '@firstline/core';
import type { ActionRegistry, TraceEvent } from '@firstline/core';
import { complete, createScript, synthesize } from '@firstline/core/internal';
import type { PlaybookIR, ScriptedOutcomes } from '@firstline/core/internal';
import { createActionRunner } from '@firstline/lambda';
import type { RunnerInvoke } from '@firstline/lambda';

// The action runner with a scripted registry: each attempt takes the step's next scripted outcome and
// unscripted steps pass with their output synthesized, exactly as core's simulation does, with the
// simulation's own run id as the seed, so the two runs see the same outputs. Nothing is really called.

/** Obviously fake secret values: the runner resolves every reference to one. */
const fakeSecret = () => Promise.resolve('fake-secret-value-for-tests');

/** The runner core bound to a script, as the differential test's Lambda stand-in (named scripted, it is one). */
export function scriptedRunner(
  actions: ActionRegistry,
  ir: PlaybookIR,
  outcomes: ScriptedOutcomes | undefined,
  seedRunId: string,
) {
  const stepIds = new Set<string>();
  for (const node of ir.nodes.values()) {
    if (node.kind === 'action') stepIds.add(node.id);
    if (node.kind === 'parallel') node.steps.forEach((m) => stepIds.add(m.id));
    if (node.kind === 'poll') stepIds.add(node.probe.id);
  }
  const script = createScript(outcomes, stepIds);
  const invoke: RunnerInvoke = (def, _input, ctx) => {
    const visit = Number(ctx.idempotencyKey.slice(ctx.idempotencyKey.lastIndexOf(':') + 1));
    const seed = { runId: seedRunId, stepId: ctx.stepId, visit };
    const scripted = script.next(ctx.stepId);
    if (scripted === undefined || scripted === 'pass')
      return Promise.resolve(
        def.output ? { output: synthesize(def.output, seed).value, forced: 'pass' } : { forced: 'pass' },
      );
    if (scripted === 'fail') return Promise.resolve({ forced: 'fail' });
    if (typeof scripted === 'object' && scripted !== null)
      return Promise.resolve({ output: def.output ? complete(def.output, scripted, seed).value : scripted });
    const kind = scripted as 'timeout' | 'error' | 'throttled' | '5xx' | 'network';
    return Promise.reject(new ActionError(def.id, `scripted ${kind}`, { retryable: true, kind }));
  };
  return createActionRunner({
    actions,
    invoke,
    secrets: { env: fakeSecret, ssm: fakeSecret, secretsManager: fakeSecret },
  });
}

/**
 * A simulation's path as `firstline test` reads it (`packages/cli/src/scenarios/runPath.ts`): the ends of
 * actions (not notifications), waits, polls and parallel groups, not the members a group or poll runs,
 * plus `<id>:skipped` for a step passed over by `maxVisits`.
 */
export function simulationPath(ir: PlaybookIR, trace: readonly TraceEvent[]): string[] {
  const kinds = new Map<string, string>();
  for (const node of ir.nodes.values()) {
    if (node.kind === 'action' && node.place === 'notify') continue;
    if (node.kind === 'goto' || node.kind === 'judge') {
      if (node.maxVisits !== undefined) kinds.set(node.id, node.kind);
      continue;
    }
    kinds.set(node.id, node.kind);
  }
  const path: string[] = [];
  let inside: string | undefined;
  for (const event of trace) {
    if (event.type === 'step.start') {
      const kind = kinds.get(event.step);
      if (inside === undefined && (kind === 'poll' || kind === 'parallel')) inside = event.step;
    } else if (event.type === 'step.end') {
      if (inside !== undefined && event.step !== inside) continue;
      inside = undefined;
      const kind = kinds.get(event.step);
      if (kind !== undefined && kind !== 'goto') path.push(`${event.step}:${event.outcome}`);
    } else if (event.type === 'decision' && inside === undefined && event.step !== undefined) {
      if (kinds.has(event.step) && event.message.startsWith(`${event.step}: maxVisits `))
        path.push(`${event.step}:skipped`);
    }
  }
  return path;
}

// One process, two consumers: the CommonJS one (consumer.cjs) and this ES module. Prints what the
// test asserts as one JSON line.
import { createRequire } from 'node:module';

const fromCjs = createRequire(import.meta.url)('./consumer.cjs');
const core = await import('@firstline/core');
const internal = await import('@firstline/core/internal');

const result = await core.runPlaybook(fromCjs.compiled, { clock: core.createVirtualClock() });
const simulated = await core.simulatePlaybook(fromCjs.compiled, { outcomes: { up: ['fail', 'pass'] } });
let thrown;
try {
  core.checkRunId('not a run id!');
} catch (error) {
  thrown = error;
}

process.stdout.write(
  `${JSON.stringify({
    resolved: fromCjs.resolved,
    // require(esm) hands back the very namespace object import() does: one module record.
    sameModule: fromCjs.core === core,
    sameInternal: fromCjs.internal === internal,
    errorIsActionError: fromCjs.error instanceof core.ActionError,
    errorIsFirstlineError: fromCjs.error instanceof core.FirstlineError,
    thrownIsFirstlineError: thrown instanceof fromCjs.core.FirstlineError,
    thrownCode: thrown?.code,
    compiledRecognized: core.isCompiledPlaybook(fromCjs.compiled),
    outcome: result.outcome,
    steps: Object.fromEntries(Object.entries(result.steps).map(([id, s]) => [id, s.outcome])),
    durationMs: result.durationMs,
    simulated: simulated.outcome,
    fixCalls: simulated.calls('copies.fix').length,
  })}\n`,
);

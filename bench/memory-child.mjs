// Memory of waiting runs, in a fresh process started with --expose-gc: `runs` live runs of the
// first-line example are started on a clock whose timers never fire; each fails its url check,
// reboots, and then waits in the 2-minute recheck. Heap is measured (after full collections) before
// they start and once every run has emitted wait.start; then every run is cancelled and must end
// `cancelled` with no timer left behind, and the heap must fall back. Prints the figures as JSON.
// The fourth argument: `park` (the default: runs in a long wait are parked, see HostOptions.parkWaitsOver)
// or `keep` (parkWaitsOver: false, every waiting run keeps its live actor).
/* global AbortController, setImmediate */
import { readFileSync } from 'node:fs';

const [playbookPath, actionsPath, count = '1000', mode = 'park'] = process.argv.slice(2);
if (mode !== 'park' && mode !== 'keep') throw new Error(`mode must be park or keep, not ${mode}`);
const parkWaitsOver = mode === 'keep' ? false : undefined;
const runs = Number(count);
const gc = globalThis.gc;
if (typeof gc !== 'function') throw new Error('run with node --expose-gc');
const { ActionError, compilePlaybook, createActionRegistry, defineAction, loadPlaybook, runPlaybook } =
  await import('../packages/core/dist/index.js');

// Stand-ins: every action answers at once, except the url check, which is down.
const specs = JSON.parse(readFileSync(actionsPath, 'utf8'));
const actions = createActionRegistry(
  specs.map(({ id, kind, description }) =>
    defineAction({
      id,
      kind,
      description,
      input: {},
      run: async () => {
        // A verdict (the target answered badly), so the run remediates and waits; a plain throw would
        // mean "could not check" and end the run inconclusive before any wait.
        if (id === 'http.check')
          throw new ActionError(id, 'connection refused', { retryable: false }, { verdict: true });
        return {};
      },
    }),
  ),
);
const compiled = compilePlaybook(await loadPlaybook(playbookPath), { actions });

/** A clock that keeps its timers and never fires them: every run stays in its wait. */
function createFrozenClock() {
  const timers = new Set();
  return {
    timers,
    now: () => Date.UTC(2026, 0, 1),
    setTimeout(fn, ms) {
      const handle = { fn, ms };
      timers.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      timers.delete(handle);
    },
  };
}

const input = { instanceId: 'i-0abc1234', url: 'https://example.test/health', healthCheckId: 'fake-hc-1' };
const env = { SLACK_TOKEN: 'fake-token-123' };

/** Starts `n` runs; resolves with their controllers and outcomes once all of them are waiting. */
async function startWaiting(n, clock) {
  const controllers = [];
  const outcomes = [];
  const waiting = [];
  for (let i = 0; i < n; i++) {
    const controller = new AbortController();
    let onWait;
    let waited = false;
    const outcome = runPlaybook(compiled, {
      input,
      env,
      clock,
      signal: controller.signal,
      onEvent,
      ...(parkWaitsOver !== undefined && { parkWaitsOver }),
    });
    // A run that ends before its wait would leave the batch waiting forever: fail loudly instead.
    waiting.push(
      new Promise((resolve, reject) => {
        onWait = resolve;
        void outcome.then((r) => waited || reject(new Error(`a run ended ${r.outcome} before its wait`)));
      }),
    );
    function onEvent(event) {
      if (event.type === 'wait.start') {
        waited = true;
        onWait();
      }
    }
    outcomes.push(outcome);
    controllers.push(controller);
  }
  await Promise.all(waiting);
  // A run parks once its wait has started, a few promise reactions later: measured after they ran.
  await new Promise((resolve) => setImmediate(resolve));
  return { controllers, outcomes };
}

async function cancelAll({ controllers, outcomes }) {
  for (const c of controllers) c.abort();
  const results = await Promise.all(outcomes);
  const wrong = results.filter((r) => r.outcome !== 'cancelled');
  if (wrong.length > 0) throw new Error(`${wrong.length} runs ended ${wrong[0].outcome}, not cancelled`);
}

const collect = () => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage();
};

// A warm-up batch first, so code compiled and caches filled on first use are not counted per run.
const warmClock = createFrozenClock();
await cancelAll(await startWaiting(50, warmClock));

const clock = createFrozenClock();
const before = collect();
const started = performance.now();
let batch = await startWaiting(runs, clock);
const startMs = performance.now() - started;
const after = collect();
const timersWhileWaiting = clock.timers.size;
await cancelAll(batch);
// Dropped, so what is still held after the collection is what the engine kept: a leak check.
batch = undefined;
const end = collect();
process.stdout.write(
  JSON.stringify({
    runs,
    mode,
    heapBefore: before.heapUsed,
    heapWaiting: after.heapUsed,
    heapAfterCancel: end.heapUsed,
    bytesPerRun: (after.heapUsed - before.heapUsed) / runs,
    externalPerRun: (after.external - before.external) / runs,
    rssDelta: after.rss - before.rss,
    startMs,
    timersWhileWaiting,
    timersLeft: clock.timers.size + warmClock.timers.size,
  }),
);

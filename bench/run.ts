// `pnpm bench`: measures Firstline against baselines run in the same process, prints a table and
// writes bench/results.json. Figures, not assertions: BENCHMARKS.md records them with this command.
// Times the built package (bench/core.ts), so `pnpm bench` builds first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { exampleActions } from '../examples/src/actions.js';
import { measureLambdaColdVsHandwritten } from '../packages/lambda/bench/coldVsHandwritten.js';
import { measureLambdaStart } from '../packages/lambda/bench/coldWarm.js';
import { measureCliStart } from './cli.js';
import { core } from './core.js';
import { measureCompile, measureOverhead, measureParallel, measureSimulation, median } from './engine.js';
import { measureSaves } from './saves.js';
import { measureEquivalentOverhead, measureSimulateVsHandwritten } from './perStep.js';

const { compilePlaybook, createActionRegistry, parsePlaybook, playbookSchema, validatePlaybook } = core;
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const playbookPath = here('../examples/playbooks/ec2-first-line.yaml');
const text = readFileSync(playbookPath, 'utf8');
const actions = createActionRegistry(exampleActions);

/** Median milliseconds per call of `fn`, over `rounds` rounds of `batch` calls, after a warm-up. */
function timeIt(fn: () => unknown, batch = 200, rounds = 15): number {
  for (let i = 0; i < batch; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push((performance.now() - start) / batch);
  }
  return median(samples);
}

/** Phases of a fresh process, in ms since it began (Node booted, imports done, …, work done). */
type Phases = Record<string, number>;

/** Median of each phase over `runs` fresh processes, plus the median wall time seen from outside. */
function spawnMedian(args: string[], runs = 11): Phases & { wallMs: number } {
  const samples: Phases[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    samples.push(JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as Phases);
    wall.push(performance.now() - start);
  }
  const out: Phases = {};
  for (const key of Object.keys(samples[0]!)) out[key] = median(samples.map((s) => s[key]!));
  return { ...out, wallMs: median(wall) };
}

// 1. Load: parsePlaybook (YAML + source map + limits + hash) against yaml's own parse.
const loadMs = timeIt(() => parsePlaybook(text));
const yamlMs = timeIt(() => parse(text));

// 2. Validate: every check against a bare ajv validation of the published schema.
const loaded = parsePlaybook(text);
const ajv = new Ajv2020({ allErrors: true, strict: false });
const bare = ajv.compile(playbookSchema);
const validateMs = timeIt(() => validatePlaybook(loaded, { actions }));
const ajvMs = timeIt(() => bare(loaded.data));

// 3. Engine, in this process: per-step overhead, simulated runs, compile time by size, a parallel group.
const overhead = await measureOverhead();
const simulation = await measureSimulation(compilePlaybook(loaded, { actions }));
const compileMs = measureCompile([10, 50, 200]);
// Like for like: hand-written XState with the same per-step features, and the same flow simulated.
const equivalent = await measureEquivalentOverhead();
const simulateVs = await measureSimulateVsHandwritten(compilePlaybook(loaded, { actions }));
const parallel = await measureParallel();

// 4. Fresh processes: cold starts (check; compile with stand-in actions, and with the real input
// schemas), their baselines, and the memory of 1,000 waiting runs.
mkdirSync(here('tmp'), { recursive: true });
const specsPath = here('tmp/actions.json');
writeFileSync(
  specsPath,
  JSON.stringify(
    exampleActions.map(({ id, kind, description, input, output }) => ({
      id,
      kind,
      description,
      input,
      output,
    })),
  ),
);
const child = here('coldstart-child.mjs');
const cold = spawnMedian([child, playbookPath, specsPath, 'check']);
const coldBaseline = spawnMedian([here('baseline-child.mjs'), playbookPath]);
const engineCold = spawnMedian([child, playbookPath, specsPath, 'compile'], 11);
const engineColdSchemas = spawnMedian([child, playbookPath, specsPath, 'compile', 'schemas'], 5);
const bareNode = spawnMedian(
  ['-e', 'process.stdout.write(JSON.stringify({ booted: performance.now() }))'],
  11,
);
// `park`: what a host does by default (runs in a long wait parked); `keep`: parkWaitsOver false, each
// waiting run holding its live actor, as every run did before parking.
const waitingRuns = (mode: 'park' | 'keep') =>
  JSON.parse(
    execFileSync(
      process.execPath,
      ['--expose-gc', here('memory-child.mjs'), playbookPath, specsPath, '1000', mode],
      { encoding: 'utf8' },
    ),
  ) as { runs: number; bytesPerRun: number; heapBefore: number; heapAfterCancel: number; timersLeft: number };
const memory = waitingRuns('park');
const memoryNotParked = waitingRuns('keep');

// The save path of a warm invocation: whole records against changes, per store (bench/saves.ts).
const saves = await measureSaves();

const MB = 1024 * 1024;
// 7. The Lambda handler: a fresh container's first invocation, then warm ones (built package).
const lambda = await measureLambdaStart();
// 7b. The Lambda bundle against a hand-written bundled handler: spawn → first AWS request.
const lambdaBundle = await measureLambdaColdVsHandwritten();
// 8. The CLI, started the way a user starts it, against bare node.
const cli = measureCliStart();

const results = {
  node: process.version,
  playbook: 'examples/playbooks/ec2-first-line.yaml',
  loadMs: round(loadMs),
  loadVsYamlParse: round(loadMs / yamlMs),
  validateMs: round(validateMs),
  validateVsBareAjv: round(validateMs / ajvMs),
  checksPerSec: Math.round(1000 / (loadMs + validateMs)),
  // Engine figures (the project's targets are in BENCHMARKS.md).
  overheadVsXState: round(overhead.firstlineUs / overhead.xstateUs),
  overheadVsPlainAsync: round(overhead.firstlineUs / overhead.plainUs),
  overhead: mapValues(overhead, round),
  simulatedRunsPerSec: Math.round(simulation.recoveredPerSec),
  simulatedHealthyRunsPerSec: Math.round(simulation.healthyPerSec),
  simulation: mapValues(simulation, round),
  overheadVsXStateEquivalent: equivalent.ratio.median,
  overheadEquivalent: {
    ...equivalent,
    firstlineUs: round(equivalent.firstlineUs),
    equivalentUs: round(equivalent.equivalentUs),
  },
  simulateVsHandwrittenXState: simulateVs.ratio.median,
  simulateHandwritten: mapValues(
    { firstlinePerSec: simulateVs.firstlinePerSec, handwrittenPerSec: simulateVs.handwrittenPerSec },
    round,
  ),
  compileMs10: round(compileMs[10]!),
  compileMs50: round(compileMs[50]!),
  compileMs200: round(compileMs[200]!),
  coldStartMs: round(engineCold.done!),
  coldStartWallMs: round(engineCold.wallMs),
  coldStartVsBareNode: round(engineCold.done! / bareNode.booted!),
  bareNodeStartMs: round(bareNode.booted!),
  coldStartPhases: {
    nodeBootMs: round(engineCold.booted!),
    importMs: round(engineCold.imported! - engineCold.booted!),
    loadMs: round(engineCold.parsed! - engineCold.imported!),
    validateAndCompileMs: round(engineCold.done! - engineCold.parsed!),
  },
  coldStartWithSchemasMs: round(engineColdSchemas.done!),
  parallelGroupMs: round(parallel.parallelMs),
  sequentialChecksMs: round(parallel.sequentialMs),
  parallelVsSlowest: round(parallel.parallelMs / parallel.checkMs),
  parallelVsSum: round(parallel.parallelMs / parallel.sequentialMs),
  bytesPerWaitingRun: Math.round(memory.bytesPerRun),
  cliValidateVsNode: round(cli.validateVsNode.median),
  cliSimulateVsNode: round(cli.simulateVsNode.median),
  cliBundleValidateVsNode: round(cli.bundleValidateVsNode.median),
  cliValidateFirstRunVsNode: round(cli.validateFirstRunVsNode.median),
  cliSimulateFirstRunVsNode: round(cli.simulateFirstRunVsNode.median),
  cli: {
    validateMs: round(cli.validateMs),
    simulateMs: round(cli.simulateMs),
    bareNodeMs: round(cli.bareNodeMs),
    validateVsNode: mapValues(cli.validateVsNode, round),
    bundleValidateMs: round(cli.bundleValidateMs),
    bundleValidateVsNode: mapValues(cli.bundleValidateVsNode, round),
    distValidateMs: round(cli.distValidateMs),
    distValidateVsNode: mapValues(cli.distValidateVsNode, round),
    simulateVsNode: mapValues(cli.simulateVsNode, round),
    validateFirstRunMs: round(cli.validateFirstRunMs),
    validateFirstRunVsNode: mapValues(cli.validateFirstRunVsNode, round),
    simulateFirstRunMs: round(cli.simulateFirstRunMs),
    simulateFirstRunVsNode: mapValues(cli.simulateFirstRunVsNode, round),
  },
  lambda,
  lambdaColdVsHandwritten: lambdaBundle.ratio.median,
  lambdaBundle,
  waitingRunsMB: round((memory.bytesPerRun * memory.runs) / MB),
  memory,
  memoryNotParked,
  savePath: saves,
  // Cold start of the validator alone (load + registry + validate), as measured since the foundation.
  validateColdStartMs: round(cold.done!),
  validateColdStartWallMs: round(cold.wallMs),
  validateColdStartVsBaseline: round(cold.done! / coldBaseline.done!),
  baselineColdStartMs: round(coldBaseline.done!),
  validateColdStartPhases: {
    nodeBootMs: round(cold.booted!),
    importMs: round(cold.imported! - cold.booted!),
    loadAndValidateMs: round(cold.done! - cold.imported!),
  },
  baselinePhases: {
    nodeBootMs: round(coldBaseline.booted!),
    importMs: round(coldBaseline.imported! - coldBaseline.booted!),
    parseMs: round(coldBaseline.done! - coldBaseline.imported!),
  },
};
writeFileSync(here('results.json'), `${JSON.stringify(results, null, 2)}\n`);

const r = results;
const o = r.overhead;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
const rows: Array<[string, string, string, string]> = [
  ['load (parsePlaybook)', `${r.loadMs} ms`, `${r.loadVsYamlParse}× yaml.parse`, ''],
  ['validate (all checks)', `${r.validateMs} ms`, `${r.validateVsBareAjv}× bare ajv schema check`, ''],
  ['load + validate', `${r.checksPerSec}/s`, '', ''],
  [
    `per step, ${o.steps} steps (µs)`,
    `${o.firstlineUs}`,
    `${r.overheadVsXState}× xstate by hand (${o.xstateUs}); plain async ${o.plainUs}`,
    `≤ 1.3×: ${met(r.overheadVsXState <= 1.3)}`,
  ],
  [
    '  vs the same features by hand (µs)',
    `${r.overheadEquivalent.firstlineUs}`,
    `${r.overheadVsXStateEquivalent}× (min ${r.overheadEquivalent.ratio.min}×) xstate with timeout, guard, signal, deadline (${r.overheadEquivalent.equivalentUs})`,
    `≤ 1.1×: ${met(r.overheadVsXStateEquivalent <= 1.1)}`,
  ],
  ['  one more step (µs)', `${o.firstlineMarginalUs}`, `xstate by hand ${o.xstateMarginalUs}`, ''],
  [
    'simulated runs/s, recovered (2m wait)',
    `${r.simulatedRunsPerSec}/s`,
    `healthy ${r.simulatedHealthyRunsPerSec}/s; xstate, ${r.simulation.steps} steps by hand ${Math.round(r.simulation.xstateSameStepsPerSec)}/s`,
    `≥ 5,000/s: ${met(r.simulatedRunsPerSec >= 5000)}`,
  ],
  [
    '  vs the same flow by hand (runs/s)',
    `${Math.round(r.simulateHandwritten.firstlinePerSec)}/s`,
    `${r.simulateVsHandwrittenXState}× xstate with guards and a virtual-clock timer (${Math.round(r.simulateHandwritten.handwrittenPerSec)}/s)`,
    `≥ 1.0×: ${met(r.simulateVsHandwrittenXState >= 1)}`,
  ],
  ['compile 10 / 50 / 200 steps', `${r.compileMs10} / ${r.compileMs50} / ${r.compileMs200} ms`, '', ''],
  [
    'cold start (import+load+validate+compile)',
    `${r.coldStartMs} ms`,
    `${r.coldStartVsBareNode}× bare node (${r.bareNodeStartMs} ms); real schemas ${r.coldStartWithSchemasMs} ms`,
    `< 80 ms: ${met(r.coldStartMs < 80)}`,
  ],
  [
    '  node boot / import / load / compile',
    `${r.coldStartPhases.nodeBootMs} / ${r.coldStartPhases.importMs} / ${r.coldStartPhases.loadMs} / ${r.coldStartPhases.validateAndCompileMs} ms`,
    '',
    '',
  ],
  [
    `parallel group, ${parallel.checks} × ${parallel.checkMs} ms`,
    `${r.parallelGroupMs} ms`,
    `${r.parallelVsSlowest}× slowest; in order ${r.sequentialChecksMs} ms (${r.parallelVsSum}×)`,
    `≈ slowest: ${met(r.parallelVsSlowest < 1.5)}`,
  ],
  [
    `${memory.runs} waiting runs`,
    `${r.waitingRunsMB} MB`,
    `${r.bytesPerWaitingRun} B/run parked (not parked: ${Math.round(memoryNotParked.bytesPerRun)} B)`,
    `≤ 10 KB/run: ${met(r.bytesPerWaitingRun <= 10_000)}`,
  ],
  ...Object.entries(saves).map(([store, f]): [string, string, string, string] => [
    `warm invocation's saves, ${store} store`,
    `${f.changes.cpuMedianUs} µs CPU`,
    `${f.cpuWholeVsChanges.median}× less than whole records (min ${f.cpuWholeVsChanges.min}×); ${f.changes.bytesPerInvocation} B serialized, not ${f.whole.bytesPerInvocation}`,
    '',
  ]),
  [
    'Lambda cold start (import+first invoke)',
    `${r.lambda.coldMs} ms`,
    `${round(r.lambda.coldMs / r.lambda.baselineColdMs)}× bare node (${r.lambda.baselineColdMs} ms); import ${r.lambda.importMs} ms, first invocation ${r.lambda.firstInvocationMs} ms`,
    '',
  ],
  ['Lambda warm invocation', `${r.lambda.warmMs} ms`, 'median of 50 in one process', ''],
  [
    'Lambda bundle: spawn → first AWS request',
    `${r.lambdaBundle.firstlineColdMs.median} ms`,
    `${r.lambdaColdVsHandwritten}× a hand-written bundled handler (${r.lambdaBundle.handwrittenColdMs.median} ms; min ${r.lambdaBundle.ratio.min}×)`,
    `≤ 1.3×: ${met(r.lambdaColdVsHandwritten <= 1.3)}`,
  ],
  [
    'Lambda bundle: the same, ÷ a lean hand-written handler',
    `${r.lambdaBundle.ratioVsLean.median}×`,
    `only the DynamoDB client at start (${r.lambdaBundle.handwrittenLeanColdMs.median} ms); CPU to the request ${r.lambdaBundle.cpuRatio.handwrittenLean.median}× (÷ the first: ${r.lambdaBundle.cpuRatio.handwritten.median}×)`,
    '',
  ],
  [
    'Lambda bundle: alarm event → first AWS call, warm',
    `${r.lambdaBundle.firstlineWarmMs} ms`,
    `hand-written: ${r.lambdaBundle.handwrittenWarmMs} ms`,
    '',
  ],
  [
    'CLI validate, `firstline` bin (runs the bundle, code cache written), fresh process',
    `${r.cli.validateMs} ms`,
    `${r.cliValidateVsNode}× bare node (${r.cli.bareNodeMs} ms; min ${r.cli.validateVsNode.min}×)`,
    `≤ 2×: ${met(r.cliValidateVsNode <= 2)}`,
  ],
  [
    'CLI validate, `firstline` bin, first run (empty code cache; it writes it)',
    `${r.cli.validateFirstRunMs} ms`,
    `${r.cliValidateFirstRunVsNode}× bare node (min ${r.cli.validateFirstRunVsNode.min}×)`,
    '',
  ],
  [
    'CLI validate, the bundle started directly (no code cache), fresh process',
    `${r.cli.bundleValidateMs} ms`,
    `${r.cliBundleValidateVsNode}× bare node (min ${r.cli.bundleValidateVsNode.min}×)`,
    `≤ 2×: ${met(r.cliBundleValidateVsNode <= 2)}`,
  ],
  [
    'CLI validate, dist/bin.js (node_modules; the fallback), fresh process',
    `${r.cli.distValidateMs} ms`,
    `${r.cli.distValidateVsNode.median}× bare node (min ${r.cli.distValidateVsNode.min}×)`,
    '',
  ],
  [
    'CLI simulate (`pnpm demo`), `firstline` bin (code cache written), fresh process',
    `${r.cli.simulateMs} ms`,
    `${r.cliSimulateVsNode}× bare node (min ${r.cli.simulateVsNode.min}×)`,
    `≤ 2.5×: ${met(r.cliSimulateVsNode <= 2.5)}`,
  ],
  [
    'CLI simulate, `firstline` bin, first run (empty code cache; it writes it)',
    `${r.cli.simulateFirstRunMs} ms`,
    `${r.cliSimulateFirstRunVsNode}× bare node (min ${r.cli.simulateFirstRunVsNode.min}×)`,
    '',
  ],
  [
    'cold start (import+load+validate)',
    `${r.validateColdStartMs} ms`,
    `${r.validateColdStartVsBaseline}× node+yaml parse (${r.baselineColdStartMs} ms)`,
    '',
  ],
];
for (const [name, value, baseline, target] of rows)
  console.log(`${name.padEnd(42)} ${value.padStart(24)}  ${baseline}${target ? `  [${target}]` : ''}`);
console.log('\nwrote bench/results.json');

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function mapValues<T extends Record<string, number>>(obj: T, fn: (n: number) => number): T {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)])) as T;
}

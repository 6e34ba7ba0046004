// `pnpm bench`: measures Firstline against baselines run in the same process, prints a table and
// writes bench/results.json. Figures, not assertions: BENCHMARKS.md records them with this command.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { createActionRegistry, parsePlaybook, playbookSchema, validatePlaybook } from '@firstline/core';
import { pendingActions } from '../examples/src/pending-actions.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const playbookPath = here('../examples/playbooks/ec2-first-line.yaml');
const text = readFileSync(playbookPath, 'utf8');
const actions = createActionRegistry(pendingActions);

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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Phases of a fresh process, in ms since it began: Node booted, imports done, work done. */
interface Phases {
  booted: number;
  imported: number;
  done: number;
}

/** Median of each phase over `runs` fresh processes, plus the median wall time seen from outside. */
function spawnMedian(script: string, args: string[], runs = 15): Phases & { wallMs: number } {
  const samples: Phases[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    samples.push(
      JSON.parse(execFileSync(process.execPath, [script, ...args], { encoding: 'utf8' })) as Phases,
    );
    wall.push(performance.now() - start);
  }
  const phase = (key: keyof Phases) => median(samples.map((s) => s[key]));
  return { booted: phase('booted'), imported: phase('imported'), done: phase('done'), wallMs: median(wall) };
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

// 3. Cold start in a fresh process: import + load + registry + validate, against importing yaml and parsing.
mkdirSync(here('tmp'), { recursive: true });
const specsPath = here('tmp/actions.json');
writeFileSync(
  specsPath,
  JSON.stringify(
    pendingActions.map(({ id, kind, description, input, output }) => ({
      id,
      kind,
      description,
      input,
      output,
    })),
  ),
);
const cold = spawnMedian(here('coldstart-child.mjs'), [playbookPath, specsPath]);
const coldBaseline = spawnMedian(here('baseline-child.mjs'), [playbookPath]);

const results = {
  node: process.version,
  playbook: 'examples/playbooks/ec2-first-line.yaml',
  loadMs: round(loadMs),
  loadVsYamlParse: round(loadMs / yamlMs),
  validateMs: round(validateMs),
  validateVsBareAjv: round(validateMs / ajvMs),
  checksPerSec: Math.round(1000 / (loadMs + validateMs)),
  coldStartMs: round(cold.done),
  coldStartWallMs: round(cold.wallMs),
  coldStartVsBaseline: round(cold.done / coldBaseline.done),
  baselineColdStartMs: round(coldBaseline.done),
  coldStartPhases: {
    nodeBootMs: round(cold.booted),
    importMs: round(cold.imported - cold.booted),
    loadAndValidateMs: round(cold.done - cold.imported),
  },
  baselinePhases: {
    nodeBootMs: round(coldBaseline.booted),
    importMs: round(coldBaseline.imported - coldBaseline.booted),
    parseMs: round(coldBaseline.done - coldBaseline.imported),
  },
};
writeFileSync(here('results.json'), `${JSON.stringify(results, null, 2)}\n`);

const rows: Array<[string, string, string]> = [
  ['load (parsePlaybook)', `${results.loadMs} ms`, `${results.loadVsYamlParse}× yaml.parse`],
  [
    'validate (all checks)',
    `${results.validateMs} ms`,
    `${results.validateVsBareAjv}× bare ajv schema check`,
  ],
  ['load + validate', `${results.checksPerSec}/s`, ''],
  [
    'cold start (import+load+validate)',
    `${results.coldStartMs} ms`,
    `${results.coldStartVsBaseline}× node+yaml parse (${results.baselineColdStartMs} ms)`,
  ],
  [
    '  node boot / import / work',
    `${results.coldStartPhases.nodeBootMs} / ${results.coldStartPhases.importMs} / ${results.coldStartPhases.loadAndValidateMs} ms`,
    `baseline ${results.baselinePhases.nodeBootMs} / ${results.baselinePhases.importMs} / ${results.baselinePhases.parseMs} ms`,
  ],
];
for (const [name, value, ratio] of rows) console.log(`${name.padEnd(36)} ${value.padStart(24)}  ${ratio}`);
console.log('\nwrote bench/results.json');

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

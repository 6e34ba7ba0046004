// Issue 15: a fuzz test over every example playbook. Each mutant goes through load, validate and,
// when valid, a simulation with an event budget; the loader and validator must answer with coded
// issues only, the simulation must end (virtual time, bounded events) with a known outcome, and
// nothing may throw anything but a Firstline error with a code.
//
//   FIRSTLINE_FUZZ_SEED=<n>   another run (default a fixed seed, so the suite is deterministic;
//                             `random` for a fresh one; the seed is printed in every failure)
//   FIRSTLINE_FUZZ_RUNS=6000  the full run (default: a few hundred, for CI)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  isFirstlineError,
  ISSUE_CODES,
  RUN_OUTCOMES,
  simulatePlaybook,
  tryParsePlaybook,
  validatePlaybook,
} from '@firstline/core';
import type { ActionKind } from '@firstline/core';
import { fakeAction } from '../support.js';
import { fuzzSeed, mutant, Rng } from './mutate.js';

const SEED = fuzzSeed(process.env.FIRSTLINE_FUZZ_SEED);
const RUNS = Number(process.env.FIRSTLINE_FUZZ_RUNS ?? 300);
/** Most trace events one simulated run may emit before it counts as a hang. */
const EVENT_BUDGET = 20_000;
/** Wall-clock bound per mutant, generous: a hang or a quadratic blow-up is minutes, not this. */
const CASE_MS = 20_000;

const examples = fileURLToPath(new URL('../../../../examples/playbooks/', import.meta.url));
const playbooks = readdirSync(examples)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenarios.yaml'))
  .map((file) => {
    const text = readFileSync(join(examples, file), 'utf8');
    const scenarios = file.replace(/\.yaml$/, '.scenarios.yaml');
    const input = (() => {
      try {
        const doc = parse(readFileSync(join(examples, scenarios), 'utf8')) as {
          scenarios?: Array<{ input?: Record<string, unknown> }>;
        };
        return doc.scenarios?.[0]?.input ?? {};
      } catch {
        return {};
      }
    })();
    return { file, data: parse(text) as unknown, input };
  });

/** The kind of each action the examples name, guessed from its name as the action packages define it. */
const kinds: Record<string, ActionKind> = {};
for (const { data } of playbooks) {
  for (const id of JSON.stringify(data).match(/(?<="action":")[^"]+/g) ?? []) {
    kinds[id] = /slack|opsgenie|github/.test(id)
      ? 'notify'
      : /reboot|setInstanceHealth|startAutomation|exec/.test(id)
        ? 'remediation'
        : 'probe';
  }
}
/** Stand-ins taking any input: the fuzz is about the playbook, not the actions' schemas. */
const actions = Object.entries(kinds).map(([id, kind]) => fakeAction(id, kind));

/** How far the mutants got: a fuzz whose mutants all fail to load tests nothing. */
const reached = { loaded: 0, valid: 0, simulated: 0 };

/** What went wrong with one mutant, or undefined when it held. */
async function check(text: string, input: Record<string, unknown>): Promise<string | undefined> {
  const loaded = tryParsePlaybook(text);
  const unknownCode = loaded.issues.find((i) => !(i.code in ISSUE_CODES));
  if (unknownCode) return `load: issue without a known code: ${JSON.stringify(unknownCode)}`;
  if (!loaded.ok) return undefined;
  reached.loaded++;

  const validated = validatePlaybook(loaded.playbook, { actions });
  const bad = validated.issues.find((i) => !(i.code in ISSUE_CODES) || !(i.line >= 1));
  if (bad) return `validate: malformed issue ${JSON.stringify(bad)}`;
  if (!validated.ok) return undefined;
  reached.valid++;

  const controller = new AbortController();
  let events = 0;
  const result = await simulatePlaybook(loaded.playbook, {
    input,
    standIns: kinds,
    signal: controller.signal,
    onEvent: () => {
      if (++events === EVENT_BUDGET) controller.abort(new Error('fuzz: event budget spent'));
    },
  });
  reached.simulated++;
  if (events >= EVENT_BUDGET) return `simulate: over ${EVENT_BUDGET} trace events (a hang)`;
  // A playbook may end with outcomes of its own (`end: replaced`): those are expected too.
  const declared = JSON.stringify(loaded.playbook.data).match(/(?<="end":")[^"]+/g) ?? [];
  if (![...RUN_OUTCOMES, ...declared].includes(result.outcome))
    return `simulate: unexpected outcome ${JSON.stringify(result.outcome)}`;
  return undefined;
}

describe('fuzz baseline', () => {
  it('every example, unmutated, loads, validates with the stand-ins and simulates', async () => {
    expect(playbooks.length).toBeGreaterThanOrEqual(5);
    for (const { file, data, input } of playbooks) {
      const loaded = tryParsePlaybook(readFileSync(join(examples, file)), { file });
      if (!loaded.ok) throw new Error(`${file}: ${loaded.issues[0]?.message}`);
      const { issues } = validatePlaybook(loaded.playbook, { actions });
      expect(
        issues.filter((i) => i.severity === 'error'),
        file,
      ).toEqual([]);
      expect(data).toEqual(loaded.playbook.data);
      const result = await simulatePlaybook(loaded.playbook, { input, standIns: kinds });
      expect(RUN_OUTCOMES, file).toContain(result.outcome);
    }
  });
});

describe(`fuzz: mutated example playbooks (seed ${SEED}, ${RUNS} mutants)`, () => {
  it('load, validate and simulate never crash, hang or end oddly', async () => {
    const rng = new Rng(SEED);
    const failures: string[] = [];
    for (let n = 0; n < RUNS && failures.length < 5; n++) {
      const { file, data, input } = playbooks[n % playbooks.length]!;
      const { text, did } = mutant(data, rng);
      const where = `seed ${SEED}, mutant ${n} of ${file} (${did.join('; ')})`;
      const started = performance.now();
      let problem: string | undefined;
      try {
        problem = await check(text, input);
      } catch (error) {
        problem =
          isFirstlineError(error) && typeof error.code === 'string'
            ? undefined
            : `threw ${String((error as Error)?.stack ?? error).slice(0, 600)}`;
      }
      const ms = performance.now() - started;
      if (!problem && ms > CASE_MS) problem = `took ${Math.round(ms)} ms`;
      if (problem) failures.push(`${where}: ${problem}`);
    }
    expect(failures, `replay with FIRSTLINE_FUZZ_SEED=${SEED}`).toEqual([]);
    // Mutations are small enough that many mutants still load, and some still run.
    expect(reached.loaded, JSON.stringify(reached)).toBeGreaterThan(RUNS / 4);
    expect(reached.simulated, JSON.stringify(reached)).toBeGreaterThan(RUNS / 50);
    console.log(`fuzz seed ${SEED}: ${RUNS} mutants, ${JSON.stringify(reached)}`);
  }, 600_000);
});

import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { didYouMean } from '@firstline/core';
import type { ScriptedOutcomes, StepOutcome } from '@firstline/core';
import { checkExpect, checkOutcomes, formatPath, isRecord } from './checkScenarioShape.js';
import { ScenarioInvalid } from './ScenarioInvalid.js';
import type { ScenarioProblem } from './ScenarioInvalid.js';
import { createLocator } from './yamlLocator.js';
import type { Locate } from './yamlLocator.js';

/** One entry of `expect.path`: a step id, and the outcomes it may have ended with (any, when absent). */
export interface ExpectedStep {
  step: string;
  outcomes?: StepOutcome[];
  /** As written: `url`, `url:fail`, `url:fail|error`. */
  text: string;
}

/** What a scenario expects of its run; each part that is present is compared. */
export interface ScenarioExpect {
  /** The run outcome: `recovered`, `unrecovered`, an `end:` value… */
  outcome?: string;
  /** Calls per action id, retries included. */
  calls?: Record<string, number>;
  /** The steps decided, in order, as `firstline paths` lists them (waits and skips included, notifications not). */
  path?: ExpectedStep[];
}

/** One scenario of a scenario file. */
export interface Scenario {
  name: string;
  /** Position in the file's `scenarios` list. */
  index: number;
  input?: Record<string, unknown>;
  outcomes?: ScriptedOutcomes;
  trigger?: unknown;
  /** Every remediation budget of the playbook is already spent: budgeted remediations are refused. */
  budgetsSpent?: boolean;
  expect: ScenarioExpect;
  /** Where the scenario starts in the file. */
  line: number;
  column: number;
}

/** A parsed, shape-checked scenario file. */
export interface ScenarioFile {
  /** The file as shown in reports (relative to the working directory). */
  file: string;
  /** `playbook:` as written, relative to the scenario file. */
  playbook: string;
  /** `playbook:` resolved against the scenario file's directory. */
  playbookPath: string;
  scenarios: Scenario[];
  /** Positions in the file, for problems found later (against the playbook, or while running). */
  locate: Locate;
}

/** Largest scenario file read: they are hand-written lists, a bigger file is a mistake. */
export const MAX_SCENARIO_FILE_BYTES = 2 * 1024 * 1024;

const FILE_KEYS = ['playbook', 'scenarios'];
const SCENARIO_KEYS = ['name', 'input', 'outcomes', 'trigger', 'budgetsSpent', 'expect'];

/**
 * Reads and checks a `*.scenarios.yaml` file. Throws {@link ScenarioInvalid} listing every problem
 * (unreadable, bad YAML, unknown keys, missing `playbook`/`name`/`expect`, bad outcome values, call
 * counts that are not whole numbers); what needs the playbook is checked by `checkScenarios`.
 *
 * @example
 * const file = await loadScenarioFile('/repo/tests/ec2.scenarios.yaml', 'tests/ec2.scenarios.yaml');
 */
export async function loadScenarioFile(path: string, display = path): Promise<ScenarioFile> {
  const fail = (message: string) =>
    new ScenarioInvalid([{ file: display, path: '', line: 1, column: 1, message }]);
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw fail(`${display} is a directory, not a scenario file`);
    if (info.size > MAX_SCENARIO_FILE_BYTES)
      throw fail(`the file is ${info.size} bytes; scenario files are limited to ${MAX_SCENARIO_FILE_BYTES}`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof ScenarioInvalid) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(
      `cannot read the file: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error)}`,
    );
  }
  return parseScenarioFile(bytes.toString('utf8').replace(/^\uFEFF/, ''), display, path);
}

/** Parses and checks scenario text; `path` is where the file is, to resolve `playbook:` against. */
export function parseScenarioFile(text: string, display: string, path: string): ScenarioFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locate = createLocator(doc, lines);
  const problems: ScenarioProblem[] = [];
  const report = (at: Array<string | number>, message: string, key = false) => {
    const where = locate(at, { key });
    problems.push({ file: display, path: formatPath(at), ...where, message });
  };
  for (const error of doc.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    problems.push({
      file: display,
      path: '',
      line,
      column: col,
      message: `invalid YAML: ${firstLine(error.message)}`,
    });
  }
  if (problems.length > 0) throw new ScenarioInvalid(problems);

  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  const unknownKeys = (
    value: Record<string, unknown>,
    at: Array<string | number>,
    allowed: string[],
    what: string,
  ) => {
    for (const key of Object.keys(value))
      if (!allowed.includes(key))
        report(
          [...at, key],
          `unknown key "${key}" in ${what} (allowed: ${allowed.join(', ')})${didYouMean(key, allowed)}`,
          true,
        );
  };

  if (!isRecord(data)) {
    report(
      [],
      'a scenario file is a mapping with `playbook:` (the playbook to test) and `scenarios:` (a list)',
    );
    throw new ScenarioInvalid(problems);
  }
  unknownKeys(data, [], FILE_KEYS, 'a scenario file');
  if (data.playbook === undefined)
    report([], 'missing `playbook:`, the path of the playbook these scenarios test (relative to this file)');
  else if (typeof data.playbook !== 'string' || data.playbook.trim() === '')
    report(['playbook'], '`playbook:` must be a path to a playbook file, relative to this file');
  const list = data.scenarios;
  if (list === undefined) report([], 'missing `scenarios:`, the list of scenarios to run');
  else if (!Array.isArray(list) || list.length === 0)
    report(['scenarios'], '`scenarios:` must be a non-empty list');

  const scenarios: Scenario[] = [];
  const names = new Map<string, number>();
  for (const [index, item] of (Array.isArray(list) ? list : []).entries()) {
    const at = ['scenarios', index];
    if (!isRecord(item)) {
      report(
        at,
        'a scenario is a mapping with `name:`, `expect:` and optionally `input:`, `outcomes:`, `trigger:`, `budgetsSpent:`',
      );
      continue;
    }
    unknownKeys(item, at, SCENARIO_KEYS, 'a scenario');
    const name = item.name;
    if (name === undefined) report(at, 'missing `name:`; every scenario needs one to be reported by');
    else if (typeof name !== 'string' || name.trim() === '')
      report([...at, 'name'], '`name:` must be a non-empty string');
    else if (names.has(name))
      report(
        [...at, 'name'],
        `another scenario is already named "${name}" (scenarios[${names.get(name)}]); names must be unique`,
      );
    else names.set(name, index);
    if (item.input !== undefined && !isRecord(item.input))
      report([...at, 'input'], "`input:` must be a mapping of the playbook's inputs");
    if (item.outcomes !== undefined) checkOutcomes(item.outcomes, [...at, 'outcomes'], report);
    if (item.budgetsSpent !== undefined && typeof item.budgetsSpent !== 'boolean')
      report([...at, 'budgetsSpent'], '`budgetsSpent:` must be true or false');
    const expect = checkExpect(item.expect, at, report, unknownKeys);
    const where = locate(at);
    scenarios.push({
      name: typeof name === 'string' ? name : `scenarios[${index}]`,
      index,
      ...(isRecord(item.input) && { input: item.input }),
      ...(isRecord(item.outcomes) && { outcomes: item.outcomes as ScriptedOutcomes }),
      ...(item.trigger !== undefined && { trigger: item.trigger }),
      ...(item.budgetsSpent === true && { budgetsSpent: true }),
      expect,
      ...where,
    });
  }
  if (problems.length > 0)
    throw new ScenarioInvalid(problems.sort((a, b) => a.line - b.line || a.column - b.column));
  const playbook = data.playbook as string;
  return { file: display, playbook, playbookPath: resolve(dirname(path), playbook), scenarios, locate };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

import { didYouMean } from '@firstline/core';
import type { StepOutcome } from '@firstline/core';
import type { ExpectedStep, ScenarioExpect } from './loadScenarioFile.js';
import { OUTCOME_KEYWORDS } from '../options/runInputs.js';

// The shape of a scenario file's parts, checked by hand for messages that say what to write instead.

/** Reports a problem at a path of the scenario file: at its key with `key`, else at its value. */
export type Report = (at: Array<string | number>, message: string, key?: boolean) => void;

/** What `outcomes:` may script for an attempt (besides an output mapping): the words `--outcome` takes. */
export const SCRIPT_WORDS: readonly string[] = OUTCOME_KEYWORDS;
/** The outcomes a path step can have. */
export const STEP_OUTCOMES: readonly StepOutcome[] = ['pass', 'fail', 'error', 'timeout', 'skipped'];
const EXPECT_KEYS = ['outcome', 'calls', 'path'];

/** Checks `outcomes:`: step ids mapped to an outcome word, an output mapping, or a non-empty list of them. */
export function checkOutcomes(outcomes: unknown, at: Array<string | number>, report: Report): void {
  if (!isRecord(outcomes)) {
    report(at, '`outcomes:` must map step ids to an outcome or a list of outcomes, one per attempt');
    return;
  }
  const words = SCRIPT_WORDS.join(', ');
  for (const [step, value] of Object.entries(outcomes)) {
    const items = Array.isArray(value) ? value : [value];
    if (items.length === 0)
      report([...at, step], `outcomes.${step}: the list is empty; give at least one outcome`);
    items.forEach((item: unknown, i) => {
      if (isRecord(item)) return;
      const where = Array.isArray(value) ? [...at, step, i] : [...at, step];
      const shown = typeof item === 'string' ? `"${item}"` : JSON.stringify(item);
      if (typeof item !== 'string' || !SCRIPT_WORDS.includes(item))
        report(
          where,
          `${shown} is not an outcome: use ${words} or an output mapping${typeof item === 'string' ? didYouMean(item, SCRIPT_WORDS) : ''}`,
        );
    });
  }
}

/** Checks `expect:` and returns what it could read of it. */
export function checkExpect(
  expect: unknown,
  at: Array<string | number>,
  report: Report,
  unknownKeys: (
    value: Record<string, unknown>,
    at: Array<string | number>,
    allowed: string[],
    what: string,
  ) => void,
): ScenarioExpect {
  const here = [...at, 'expect'];
  if (expect === undefined) {
    report(at, 'missing `expect:`; say what the run must do (`outcome:`, `calls:`, `path:`)');
    return {};
  }
  if (!isRecord(expect) || !EXPECT_KEYS.some((k) => k in expect)) {
    report(here, '`expect:` must be a mapping with at least one of `outcome:`, `calls:`, `path:`');
    return {};
  }
  unknownKeys(expect, here, EXPECT_KEYS, '`expect:`');
  const result: ScenarioExpect = {};
  if (expect.outcome !== undefined) {
    if (typeof expect.outcome === 'string' && expect.outcome !== '') result.outcome = expect.outcome;
    else
      report(
        [...here, 'outcome'],
        '`expect.outcome` must be a run outcome name, such as recovered or unrecovered',
      );
  }
  if (expect.calls !== undefined) {
    if (!isRecord(expect.calls))
      report([...here, 'calls'], '`expect.calls` must map action ids to call counts');
    else {
      result.calls = Object.create(null) as Record<string, number>;
      for (const [action, count] of Object.entries(expect.calls)) {
        if (typeof count === 'number' && Number.isInteger(count) && count >= 0) result.calls[action] = count;
        else
          report(
            [...here, 'calls', action],
            `expect.calls.${action}: ${JSON.stringify(count)} is not a whole number of calls (0 or more)`,
          );
      }
    }
  }
  if (expect.path !== undefined) {
    if (!Array.isArray(expect.path))
      report([...here, 'path'], '`expect.path` must be a list of step ids (`url` or `url:fail`)');
    else {
      result.path = [];
      for (const [i, entry] of expect.path.entries()) {
        const parsed = typeof entry === 'string' ? parseExpectedStep(entry) : undefined;
        if (parsed) result.path.push(parsed);
        else
          report(
            [...here, 'path', i],
            `${JSON.stringify(entry)} is not a path step: write a step id, optionally with its outcome (\`url:fail\`, \`url:fail|error\`; outcomes: ${STEP_OUTCOMES.join(', ')})`,
          );
      }
    }
  }
  return result;
}

/** `url`, `url:fail` or `url:fail|error`; undefined when an outcome is not a step outcome. */
function parseExpectedStep(text: string): ExpectedStep | undefined {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return text.trim() ? { step: text.trim(), text } : undefined;
  const step = text.slice(0, colon).trim();
  const outcomes = text
    .slice(colon + 1)
    .split('|')
    .map((o) => o.trim());
  if (!step || !outcomes.every((o): o is StepOutcome => (STEP_OUTCOMES as string[]).includes(o)))
    return undefined;
  return { step, outcomes, text };
}

/** A mapping (not a list, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `scenarios[1].outcomes.url`, as core writes playbook paths; keys with dots are quoted. */
export function formatPath(segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

import { classifyTrigger } from '@firstline/actions-aws/triggers';
import type { Trigger } from '@firstline/actions-aws/triggers';
import { checkDataShape, DATA_LIMITS, DataShapeInvalid } from '@firstline/core';
import { UNSAFE_KEYS } from '@firstline/core/internal';
import type { ScriptedOutcome, ScriptedOutcomes } from '@firstline/core';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../context.js';
import { readDataFile } from './readData.js';

/** The flags every command that runs a playbook shares. */
export interface RunInputFlags {
  /** `--input name=value`, repeatable. */
  input?: string[];
  /** `--input-file inputs.json|yaml`. */
  inputFile?: string;
  /** `--trigger event.json` or `--trigger '{…}'`: the event that started the run. */
  trigger?: string;
}

/** Outcome keywords a simulation can script for a step. */
export const OUTCOME_KEYWORDS = [
  'pass',
  'fail',
  'error',
  'timeout',
  'throttled',
  '5xx',
  'network',
  'approved',
  'denied',
  'expired',
] as const;

/**
 * The run's inputs: the input file first, then each `--input` over it. A value is read as the type the
 * playbook declares for that input (`--input count=3` is the number 3 when `count` is an integer), so
 * the playbook's own validation judges it, with its own message. The `--trigger` event (a file, or
 * inline JSON) is classified as the Lambda handler and the server classify it, so a playbook sees
 * the same `trigger` here as there. Every value is held to core's DATA_LIMITS, and an input named
 * `__proto__`, `constructor` or `prototype` is refused (E_UNSAFE_KEY, exit 2), not silently lost.
 */
export async function readRunInputs(
  flags: RunInputFlags,
  declared: Record<string, unknown> | undefined,
  cwd: string,
): Promise<{ input: Record<string, unknown>; trigger?: Trigger }> {
  const input: Record<string, unknown> = {};
  if (flags.inputFile) {
    const file = await readDataFile(flags.inputFile, cwd, 'object');
    checkDataShape(file, DATA_LIMITS, flags.inputFile);
    Object.assign(input, file);
  }
  for (const pair of flags.input ?? []) {
    const [name, value] = splitPair(pair, '--input', 'name=value');
    if (UNSAFE_KEYS.has(name))
      throw new DataShapeInvalid(
        'E_UNSAFE_KEY',
        `--input ${name}`,
        "this input name is refused: it would reach the object's prototype",
      );
    const coerced = coerce(value, typeOf(declared?.[name]));
    checkDataShape(coerced, DATA_LIMITS, `--input ${name}`);
    input[name] = coerced;
  }
  if (flags.trigger === undefined) return { input };
  const event = await readTriggerEvent(flags.trigger, cwd);
  checkDataShape(event, DATA_LIMITS, '--trigger');
  return { input, trigger: classifyTrigger(event) };
}

/** `--trigger FILE|JSON`: inline JSON when it starts with `{`, else a JSON or YAML file. */
async function readTriggerEvent(value: string, cwd: string): Promise<unknown> {
  if (!value.trimStart().startsWith('{')) return readDataFile(value, cwd);
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw new UsageError(
      `--trigger: the inline event is not valid JSON: ${(error as Error).message}`,
      'give the event as JSON (--trigger \'{"detail-type": …}\') or as a file (--trigger event.json)',
    );
  }
}

/** `--outcome url=fail,pass --outcome cpu={"value":95}` as a simulation script, checked word by word. */
export function readOutcomes(specs: readonly string[] | undefined): ScriptedOutcomes {
  // Keyed by step ids: without a prototype, `--outcome __proto__=fail` is a step id like any other
  // (refused as unknown), not a silent change of the object's prototype.
  const outcomes = Object.create(null) as ScriptedOutcomes;
  for (const spec of specs ?? []) {
    const [step, list] = splitPair(spec, '--outcome', 'step=outcome[,outcome…]');
    const items = list.trim().startsWith('{') ? [list] : list.split(',');
    outcomes[step] = items.map((item) => readOutcome(item.trim(), spec));
  }
  return outcomes;
}

function readOutcome(item: string, spec: string): ScriptedOutcome {
  if ((OUTCOME_KEYWORDS as readonly string[]).includes(item)) return item as ScriptedOutcome;
  if (item.startsWith('{')) {
    try {
      const output: unknown = JSON.parse(item);
      if (typeof output === 'object' && output !== null) return output as ScriptedOutcome;
    } catch {
      // Reported below with the allowed forms.
    }
  }
  throw new UsageError(
    `--outcome ${spec}: "${item}" is not an outcome`,
    `use one of ${OUTCOME_KEYWORDS.join(', ')}, or a JSON object the step's expect judges: --outcome cpu='{"value":95}'`,
  );
}

function splitPair(text: string, flag: string, form: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0)
    throw new UsageError(`${flag} ${text}: expected ${form}`, `for example: ${flag} ${example(flag)}`);
  return [text.slice(0, at), text.slice(at + 1)];
}

function example(flag: string): string {
  return flag === '--input' ? 'instanceId=i-0abc1234' : 'url=fail,pass';
}

function typeOf(spec: unknown): string | undefined {
  const type = (spec as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : undefined;
}

function coerce(value: string, type: string | undefined): unknown {
  if (type === undefined || type === 'string') return value;
  if (type === 'number' || type === 'integer') {
    const number = Number(value);
    return value.trim() !== '' && Number.isFinite(number) ? number : value;
  }
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  try {
    // Arrays and objects: JSON or YAML flow syntax, `--input ids=[i-1,i-2]`.
    return parseYaml(value) as unknown;
  } catch {
    return value;
  }
}

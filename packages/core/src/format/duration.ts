const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(?:\d+(?:ms|s|m|h))+$/;
const PART = /(\d+)(ms|s|m|h)/g;

/** Parses `500ms`, `20s`, `3m`, `1h` or combinations like `1m30s` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART))
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return Number.isSafeInteger(total) ? total : undefined;
}

/** Formats milliseconds the way playbooks write them: `2m`, `1m30s`, `500ms`. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  let rest = Math.round(ms);
  // Checked after rounding: 0.4 would otherwise format as an empty string.
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** The whole-run deadline used when a playbook sets none: nothing runs forever. */
export const DEFAULT_RUN_TIMEOUT_MS = 3_600_000;
/** The longest whole-run deadline a playbook may set (24 hours). */
export const MAX_RUN_TIMEOUT_MS = 24 * 3_600_000;
/** The per-step timeout used when neither the step nor `defaults` sets one. */
export const DEFAULT_STEP_TIMEOUT_MS = 60_000;

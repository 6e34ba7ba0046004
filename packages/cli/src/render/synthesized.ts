import type { RunResult } from '@firstline/core';
import type { Palette } from '../io.js';

const FROM: Record<string, string> = {
  examples: "the output schema's example",
  default: "the output schema's defaults",
  minimal: 'minimal values of the output schema',
};

/**
 * `simulate --explain` and shadow runs: which step outputs were synthesized rather than scripted or
 * returned, and from what (the schema's examples, its defaults, or minimal valid values), in run order.
 */
export function renderSynthesized(result: RunResult, palette: Palette): string {
  const rows = Object.values(result.steps)
    .filter((step) => step.synthesized)
    .sort((a, b) => a.startedAt - b.startedAt);
  if (rows.length === 0) return `${palette.bold('synthesized outputs')}  none\n`;
  const width = Math.max(...rows.map((row) => row.id.length));
  let text = `${palette.bold('synthesized outputs')}  ${palette.dim("(not scripted: built from the action's output schema)")}\n`;
  for (const row of rows) {
    const from = FROM[row.synthesizedFrom ?? 'minimal'] ?? row.synthesizedFrom;
    text += `  ${palette.cyan(row.id.padEnd(width))}  ${row.action ?? ''}  from ${from}: ${palette.dim(JSON.stringify(row.output))}\n`;
  }
  return text;
}

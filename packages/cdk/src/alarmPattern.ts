/**
 * The EventBridge content filter matching alarm names a glob matches (`*` any run of characters, the
 * handler's own glob): the name itself, a `prefix` or `suffix` where one `*` ends or starts it, else a
 * `wildcard`. `undefined` for `*` alone: every alarm.
 *
 * @example
 * alarmNameFilter('cpu-*'); // { prefix: 'cpu-' }
 */
export function alarmNameFilter(glob: string): string | Record<string, string> | undefined {
  const stars = glob.split('*').length - 1;
  if (stars === 0) return glob;
  if (/^\*+$/.test(glob)) return undefined;
  if (stars === 1 && glob.endsWith('*')) return { prefix: glob.slice(0, -1) };
  if (stars === 1 && glob.startsWith('*')) return { suffix: glob.slice(1) };
  // EventBridge's wildcard also reads `\` as an escape; alarm names rarely hold one, but keep it literal.
  return { wildcard: glob.replace(/\\/g, '\\\\').replace(/\*+/g, '*') };
}

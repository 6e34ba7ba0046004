// Durations as people say them: precise where it matters (a 230ms probe), rounded where it does not
// (a run deadline of 59m 59.9s is "1h").

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration rounded for people: `230ms`, `2.5s` (tenths under 10s), `42s`, `2m 5s` (seconds under 10m),
 * `15m`, `1h`, `1h 5m` (minutes from 10m), `2d 3h` (hours from a day). Zero parts are left out.
 */
export function formatHumanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatHumanDuration(-ms)}`;
  if (Math.round(ms) < SECOND) return `${Math.round(ms)}ms`;
  if (Math.round(ms / 100) < 100) return `${trimTenths(Math.round(ms / 100) / 10)}s`;
  if (Math.round(ms / SECOND) * SECOND < 10 * MINUTE) {
    const seconds = Math.round(ms / SECOND);
    return join([Math.floor(seconds / 60), 'm'], [seconds % 60, 's']);
  }
  if (Math.round(ms / MINUTE) * MINUTE < DAY) {
    const minutes = Math.round(ms / MINUTE);
    return join([Math.floor(minutes / 60), 'h'], [minutes % 60, 'm']);
  }
  const hours = Math.round(ms / HOUR);
  return join([Math.floor(hours / 24), 'd'], [hours % 24, 'h']);
}

function trimTenths(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function join(...parts: Array<[number, string]>): string {
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}

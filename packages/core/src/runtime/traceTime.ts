// How a trace says time: offsets from the run's start, clock durations, ISO wall-clock times.

/** Time since the run's first event: `+02:05.300` under an hour, `+1:02:03.004` beyond. */
export function formatOffset(ms: number): string {
  return offsetText(ms, false);
}

/** An offset, with hours on every line when `withHours` (a trace past an hour keeps its columns aligned). */
export function offsetText(ms: number, withHours: boolean): string {
  if (!Number.isFinite(ms)) return '+??:??.???';
  const sign = ms < 0 ? '-' : '+';
  const total = Math.round(Math.abs(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor(total / 60_000) % 60;
  const seconds = Math.floor(total / 1000) % 60;
  const clock = `${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(total % 1000, 3)}`;
  return hours > 0 || withHours ? `${sign}${hours}:${clock}` : `${sign}${clock}`;
}

/** A duration for people: `0ms`, `1.5s`, `2m`, `2m 5.3s`, `1h 2m 3s` (tenths of seconds under an hour). */
export function formatClockDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatClockDuration(-ms)}`;
  const rounded = Math.round(ms);
  if (rounded < 1000) return `${rounded}ms`;
  const tenths = Math.round(rounded / 100);
  const parts: string[] = [];
  if (tenths >= 36_000) {
    const seconds = Math.round(rounded / 1000);
    parts.push(`${Math.floor(seconds / 3600)}h`, `${Math.floor(seconds / 60) % 60}m`, `${seconds % 60}s`);
  } else {
    const rest = tenths % 600;
    parts.push(`${Math.floor(tenths / 600)}m`, `${rest % 10 === 0 ? rest / 10 : (rest / 10).toFixed(1)}s`);
  }
  const shown = parts.filter((part) => !/^0(?:\.0)?[hms]$/.test(part));
  return shown.join(' ');
}

/** A clock time as ISO 8601, or the number as it is when it is no date. */
export function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

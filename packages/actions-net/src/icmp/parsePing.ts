/** What {@link parsePing} read from `ping`'s output. */
export interface PingReport {
  /** The address pinged, from the `PING host (address)` header. */
  address?: string;
  transmitted: number;
  received: number;
  duplicates: number;
  errors: number;
  /** Round-trip times of the replies, duplicates left out, in order. */
  rtts: number[];
  /** True when the summary lines were found (ping ran to its end). */
  complete: boolean;
}

const HEADER = /^PING\s+\S+\s+\(([^)]+)\)/;
const REPLY = /^\d+\s+bytes\s+from\s.*?(?:icmp_seq|seq)=(\d+).*?\btime[=<]\s*([\d.]+)\s*ms(.*)$/;
const TRANSMITTED = /(\d+)\s+packets\s+transmitted,\s+(\d+)\s+(?:packets\s+)?received/;
const DUPLICATES = /\+(\d+)\s+duplicates/;
const ERRORS = /\+(\d+)\s+errors/;

/**
 * Reads iputils `ping` output (busybox's too): the header, each reply line (for per-reply times, so
 * p90 is computed from the replies rather than guessed from min/avg/max) and the summary.
 * Run ping with LC_ALL=C: the decimal separator and the words are locale-dependent otherwise.
 */
export function parsePing(stdout: string): PingReport {
  const report: PingReport = {
    transmitted: 0,
    received: 0,
    duplicates: 0,
    errors: 0,
    rtts: [],
    complete: false,
  };
  const seen = new Set<string>();
  let replies = 0;
  let dupLines = 0;
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    const header = HEADER.exec(line);
    if (header) {
      report.address = header[1]!;
      continue;
    }
    const reply = REPLY.exec(line);
    if (reply) {
      const seq = reply[1]!;
      if (/\(DUP!\)/.test(reply[3]!) || seen.has(seq)) {
        dupLines++;
        continue;
      }
      seen.add(seq);
      replies++;
      report.rtts.push(Number(reply[2]));
      continue;
    }
    const summary = TRANSMITTED.exec(line);
    if (summary) {
      report.transmitted = Number(summary[1]);
      report.received = Number(summary[2]);
      report.duplicates = Number(DUPLICATES.exec(line)?.[1] ?? 0);
      report.errors = Number(ERRORS.exec(line)?.[1] ?? 0);
      report.complete = true;
    }
  }
  if (!report.complete) {
    // Killed before its summary (the step timed out): count what the reply lines show.
    report.received = replies;
    report.duplicates = dupLines;
  }
  return report;
}

/** The `p`-th percentile (0–100) of `values`, interpolated linearly between ranks (as Prometheus and numpy do). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Why ping itself failed, from its stderr: permission, unknown host, or its own words. */
export function pingProblem(stderr: string): { reason: string; code: string } | undefined {
  const text = stderr.trim();
  if (text === '') return undefined;
  if (/Operation not permitted|Permission denied|socket: .*not permitted/i.test(text))
    return {
      code: 'EPERM',
      reason:
        'ICMP is not permitted here (ping needs CAP_NET_RAW, a setuid/setcap binary, or net.ipv4.ping_group_range covering this group)',
    };
  if (/Name or service not known|unknown host|bad address|No address associated/i.test(text))
    return { code: 'ENOTFOUND', reason: 'unknown host' };
  if (/Temporary failure in name resolution/i.test(text))
    return { code: 'EAI_AGAIN', reason: 'temporary name resolution failure' };
  if (/Network is unreachable/i.test(text)) return { code: 'ENETUNREACH', reason: 'network unreachable' };
  return { code: 'EPING', reason: text.split('\n')[0]!.replace(/^ping:\s*/, '') };
}

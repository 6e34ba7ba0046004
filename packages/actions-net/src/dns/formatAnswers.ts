import type { CaaRecord, MxRecord, RecordWithTtl, SoaRecord, SrvRecord } from 'node:dns';

/** The record types `dns.check` queries. */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SRV', 'PTR', 'SOA', 'CAA'] as const;

/** One of {@link RECORD_TYPES}. */
export type RecordType = (typeof RECORD_TYPES)[number];

/**
 * Answers of any type as strings, the way `dig +short` prints them, so a playbook compares them with
 * one expression: "10 mail.example.com", "0 5 5060 sip.example.com", TXT chunks joined.
 */
export function formatAnswers(type: RecordType, data: unknown): string[] {
  switch (type) {
    case 'A':
    case 'AAAA':
      return (data as Array<RecordWithTtl | string>).map((r) => (typeof r === 'string' ? r : r.address));
    case 'TXT':
      return (data as string[][]).map((chunks) => chunks.join(''));
    case 'MX':
      return (data as MxRecord[]).map((r) => `${r.priority} ${r.exchange}`);
    case 'SRV':
      return (data as SrvRecord[]).map((r) => `${r.priority} ${r.weight} ${r.port} ${r.name}`);
    case 'SOA': {
      const r = data as SoaRecord;
      return [`${r.nsname} ${r.hostmaster} ${r.serial} ${r.refresh} ${r.retry} ${r.expire} ${r.minttl}`];
    }
    case 'CAA':
      return (data as CaaRecord[]).map((r) => {
        const entry: [string, unknown] = Object.entries(r).find(([key]) => key !== 'critical') ?? ['', ''];
        const [tag, value] = entry;
        return `${r.critical} ${tag} "${String(value)}"`;
      });
    default:
      return (data as string[]).map(String);
  }
}

/** A comparable form of an answer: names lower-cased without the root dot, IPv6 in canonical form. */
export function normalizeAnswer(type: RecordType, answer: string): string {
  if (type === 'TXT') return answer;
  if (type === 'AAAA') {
    try {
      return new URL(`http://[${answer}]/`).hostname.slice(1, -1);
    } catch {
      return answer.toLowerCase();
    }
  }
  return answer
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/\.(\s)/g, '$1');
}

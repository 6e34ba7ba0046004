import { compileLinear } from '@firstline/core';

/** What `expectStatus` accepts: a code, a list of codes, or a range ("200-299", "2xx"). */
export type ExpectStatus = number | number[] | string;

/** A status test built from `expectStatus`, with a description for error messages. */
export interface StatusMatcher {
  (status: number): boolean;
  /** "2xx", "200 or 204", "200-299". */
  readonly description: string;
}

/** Builds the status test for `expectStatus`; absent means any 2xx. */
export function statusMatcher(expect: ExpectStatus | undefined): StatusMatcher {
  const make = (test: (status: number) => boolean, description: string): StatusMatcher =>
    Object.assign(test, { description });
  if (expect === undefined) return statusMatcher('2xx');
  if (typeof expect === 'number') return make((s) => s === expect, String(expect));
  if (Array.isArray(expect)) {
    const codes = new Set(expect);
    return make((s) => codes.has(s), expect.join(' or '));
  }
  const family = /^([1-5])xx$/.exec(expect);
  if (family) {
    const lo = Number(family[1]) * 100;
    return make((s) => s >= lo && s <= lo + 99, expect);
  }
  const range = /^(\d{3})-(\d{3})$/.exec(expect);
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (lo > hi) throw new RangeError(`expectStatus range ${expect} is empty`);
    return make((s) => s >= lo && s <= hi, expect);
  }
  throw new RangeError(`expectStatus ${expect} is not a code, a list, "200-299" or "2xx"`);
}

/**
 * Builds the body test for `expectBody`: `/regex/flags`, or else a plain substring. The regex runs on
 * RE2, in time linear in the body whatever the pattern; one RE2 cannot run (a backreference,
 * lookaround) throws E_REGEX.
 */
export function bodyMatcher(expect: string): (body: string) => boolean {
  const regex = /^\/(.+)\/([dgimsuvy]*)$/s.exec(expect);
  if (regex) {
    const pattern = compileLinear(regex[1]!, regex[2]);
    return (body) => pattern.test(body);
  }
  return (body) => body.includes(expect);
}

import { describe, expect, it } from 'vitest';
import { parsePing, percentile, pingProblem } from './parsePing.js';

// Samples as iputils 20221126 (Debian 12) prints them with LC_ALL=C, plus busybox's format.
const NORMAL = `PING db-1.internal (10.0.3.17) 56(84) bytes of data.
64 bytes from 10.0.3.17: icmp_seq=1 ttl=63 time=0.412 ms
64 bytes from 10.0.3.17: icmp_seq=2 ttl=63 time=0.388 ms
64 bytes from 10.0.3.17: icmp_seq=3 ttl=63 time=1.92 ms
64 bytes from 10.0.3.17: icmp_seq=4 ttl=63 time=0.401 ms
64 bytes from 10.0.3.17: icmp_seq=5 ttl=63 time=12.5 ms

--- db-1.internal ping statistics ---
5 packets transmitted, 5 received, 0% packet loss, time 4006ms
rtt min/avg/max/mdev = 0.388/3.124/12.500/4.712 ms
`;

const ALL_LOST = `PING 10.255.0.9 (10.255.0.9) 56(84) bytes of data.

--- 10.255.0.9 ping statistics ---
3 packets transmitted, 0 received, 100% packet loss, time 2047ms
`;

const UNREACHABLE = `PING 10.0.9.9 (10.0.9.9) 56(84) bytes of data.
From 10.0.3.1 icmp_seq=1 Destination Host Unreachable
From 10.0.3.1 icmp_seq=2 Destination Host Unreachable
64 bytes from 10.0.9.9: icmp_seq=3 ttl=64 time=3.10 ms

--- 10.0.9.9 ping statistics ---
3 packets transmitted, 1 received, +2 errors, 66.6667% packet loss, time 2030ms
rtt min/avg/max/mdev = 3.100/3.100/3.100/0.000 ms
`;

const DUPLICATES = `PING 192.168.1.255 (192.168.1.255) 56(84) bytes of data.
64 bytes from 192.168.1.10: icmp_seq=1 ttl=64 time=0.210 ms
64 bytes from 192.168.1.11: icmp_seq=1 ttl=64 time=0.530 ms (DUP!)
64 bytes from 192.168.1.10: icmp_seq=2 ttl=64 time=0.190 ms
64 bytes from 192.168.1.11: icmp_seq=2 ttl=64 time=0.610 ms (DUP!)

--- 192.168.1.255 ping statistics ---
2 packets transmitted, 2 received, +2 duplicates, 0% packet loss, time 1001ms
rtt min/avg/max/mdev = 0.190/0.385/0.610/0.190 ms
`;

const BUSYBOX = `PING 127.0.0.1 (127.0.0.1): 56 data bytes
64 bytes from 127.0.0.1: seq=0 ttl=64 time=0.052 ms
64 bytes from 127.0.0.1: seq=1 ttl=64 time=0.081 ms

--- 127.0.0.1 ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max = 0.052/0.066/0.081 ms
`;

const CUT_SHORT = `PING 10.0.3.17 (10.0.3.17) 56(84) bytes of data.
64 bytes from 10.0.3.17: icmp_seq=1 ttl=63 time=0.412 ms
64 bytes from 10.0.3.17: icmp_seq=2 ttl=63 time=0.388 ms
`;

describe('parsePing', () => {
  it('reads the header, every reply time and the summary', () => {
    expect(parsePing(NORMAL)).toEqual({
      address: '10.0.3.17',
      transmitted: 5,
      received: 5,
      duplicates: 0,
      errors: 0,
      rtts: [0.412, 0.388, 1.92, 0.401, 12.5],
      complete: true,
    });
  });

  it('reads 100% loss: no replies', () => {
    expect(parsePing(ALL_LOST)).toMatchObject({ transmitted: 3, received: 0, rtts: [], complete: true });
  });

  it('ignores "From … Destination Host Unreachable" lines and counts the errors', () => {
    expect(parsePing(UNREACHABLE)).toMatchObject({ transmitted: 3, received: 1, errors: 2, rtts: [3.1] });
  });

  it('leaves duplicate replies out of the round trips and counts them', () => {
    expect(parsePing(DUPLICATES)).toMatchObject({ received: 2, duplicates: 2, rtts: [0.21, 0.19] });
  });

  it("reads busybox's format", () => {
    expect(parsePing(BUSYBOX)).toMatchObject({
      address: '127.0.0.1',
      transmitted: 2,
      received: 2,
      rtts: [0.052, 0.081],
    });
  });

  it('counts reply lines when ping was stopped before its summary', () => {
    expect(parsePing(CUT_SHORT)).toMatchObject({ transmitted: 0, received: 2, complete: false });
  });
});

describe('pingProblem', () => {
  it('recognises ICMP not permitted', () => {
    expect(pingProblem('ping: socket: Operation not permitted\n')).toMatchObject({ code: 'EPERM' });
    expect(pingProblem('ping: socktype: SOCK_RAW\nping: socket: Permission denied\n')?.reason).toContain(
      'CAP_NET_RAW',
    );
  });

  it('recognises unknown hosts and resolution failures', () => {
    expect(pingProblem('ping: no-such-host.invalid: Name or service not known\n')).toEqual({
      code: 'ENOTFOUND',
      reason: 'unknown host',
    });
    expect(pingProblem('ping: db-1: Temporary failure in name resolution\n')?.code).toBe('EAI_AGAIN');
  });

  it("passes ping's own words on otherwise, and nothing for empty stderr", () => {
    expect(pingProblem('ping: cannot flood; minimal interval allowed for user is 200ms\n')).toEqual({
      code: 'EPING',
      reason: 'cannot flood; minimal interval allowed for user is 200ms',
    });
    expect(pingProblem('')).toBeUndefined();
  });
});

describe('percentile', () => {
  it('interpolates between ranks', () => {
    expect(percentile([0.412, 0.388, 1.92, 0.401, 12.5], 90)).toBeCloseTo(8.268, 3);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([], 50)).toBeNaN();
  });
});

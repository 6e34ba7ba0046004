// @firstline/actions-net: network and host probes (HTTP, TCP, DNS, ICMP, SSH, Prometheus), ssh.exec,
// and a latency monitor exporting Prometheus histograms.
import { createDnsCheck } from './dns/dnsCheck.js';
import { createHttpCheck } from './http/httpCheck.js';
import { createIcmpPing } from './icmp/icmpPing.js';
import { createPrometheusQuery } from './prometheus/prometheusQuery.js';
import { createSshCheck } from './ssh/sshCheck.js';
import { createSshExec } from './ssh/sshExec.js';
import { createTcpCheck } from './tcp/tcpCheck.js';

export { netActions } from './netActions.js';
export type { NetActionsOptions } from './netActions.js';

export { createHttpCheck, DEFAULT_USER_AGENT } from './http/httpCheck.js';
export type { HttpCheckInput, HttpCheckOptions, HttpCheckOutput } from './http/httpCheck.js';
export type { RequestTimings } from './http/sendRequest.js';
export { statusMatcher } from './http/statusMatcher.js';
export type { ExpectStatus, StatusMatcher } from './http/statusMatcher.js';
export { createTcpCheck } from './tcp/tcpCheck.js';
export type { TcpCheckInput, TcpCheckOutput } from './tcp/tcpCheck.js';
export { createDnsCheck } from './dns/dnsCheck.js';
export type { DnsCheckInput, DnsCheckOutput } from './dns/dnsCheck.js';
export { RECORD_TYPES } from './dns/formatAnswers.js';
export type { RecordType } from './dns/formatAnswers.js';
export { createIcmpPing, pingArgs } from './icmp/icmpPing.js';
export type { IcmpPingInput, IcmpPingOptions, IcmpPingOutput } from './icmp/icmpPing.js';
export { parsePing, percentile } from './icmp/parsePing.js';
export type { PingReport } from './icmp/parsePing.js';
export { createSshCheck } from './ssh/sshCheck.js';
export type { SshCheckOutput } from './ssh/sshCheck.js';
export { createSshExec } from './ssh/sshExec.js';
export type { SshExecInput, SshExecOutput } from './ssh/sshExec.js';
export type { SshConnectionInput, SshOptions } from './ssh/sshConnect.js';
export { entriesFor, fingerprintOf, parseKnownHosts } from './ssh/hostKeys.js';
export type { KnownHostEntry } from './ssh/hostKeys.js';
export { createPrometheusQuery } from './prometheus/prometheusQuery.js';
export type {
  PrometheusQueryInput,
  PrometheusQueryOptions,
  PrometheusQueryOutput,
} from './prometheus/prometheusQuery.js';
export { pickSeries, reduceSamples, REDUCERS } from './prometheus/reduce.js';
export type { ReducedSeries, Reducer } from './prometheus/reduce.js';

// The latency monitor is at `@firstline/actions-net/monitor`: it brings prom-client, which no action needs.

/** `http.check` with default options (see {@link createHttpCheck}). */
export const httpCheck = createHttpCheck();
/** `tcp.check` (see {@link createTcpCheck}). */
export const tcpCheck = createTcpCheck();
/** `dns.check` (see {@link createDnsCheck}). */
export const dnsCheck = createDnsCheck();
/** `icmp.ping` with `ping` from the PATH (see {@link createIcmpPing}). */
export const icmpPing = createIcmpPing();
/** `ssh.check` with ~/.ssh/known_hosts as the default (see {@link createSshCheck}). */
export const sshCheck = createSshCheck();
/** `ssh.exec` with ~/.ssh/known_hosts as the default (see {@link createSshExec}). */
export const sshExec = createSshExec();
/** `prometheus.query` (see {@link createPrometheusQuery}). */
export const prometheusQuery = createPrometheusQuery();

import { withPrecompiledValidators } from '@firstline/core';
import type { ActionDefinition } from '@firstline/core';
import { createDnsCheck } from './dns/dnsCheck.js';
import { createHttpCheck } from './http/httpCheck.js';
import { createIcmpPing } from './icmp/icmpPing.js';
import { createPrometheusQuery } from './prometheus/prometheusQuery.js';
import { createSshCheck } from './ssh/sshCheck.js';
import { createSshExec } from './ssh/sshExec.js';
import { createTcpCheck } from './tcp/tcpCheck.js';
import { precompiled } from './actionValidators.generated.js';

/** Options of {@link netActions}: settings that belong to the host, not to a playbook. */
export interface NetActionsOptions {
  /** known_hosts used by ssh.* when the input names none (default ~/.ssh/known_hosts). */
  knownHosts?: string;
  /** The iputils `ping` binary for icmp.ping (default `ping` on the PATH). */
  pingPath?: string;
  /** User-Agent of http.check and prometheus.query. */
  userAgent?: string;
}

/**
 * Every network and host action: http.check, tcp.check, dns.check, icmp.ping, ssh.check, ssh.exec
 * and prometheus.query, configured once for the host.
 *
 * @example
 * const result = await runPlaybook(playbook, { input, actions: [...netActions({ knownHosts: '/etc/firstline/known_hosts' })] });
 */
export function netActions(options: NetActionsOptions = {}): ActionDefinition[] {
  const ssh = options.knownHosts === undefined ? {} : { knownHosts: options.knownHosts };
  const http = options.userAgent === undefined ? {} : { userAgent: options.userAgent };
  return withPrecompiledValidators(precompiled, [
    createHttpCheck(http),
    createTcpCheck(),
    createDnsCheck(),
    createIcmpPing(options.pingPath === undefined ? {} : { pingPath: options.pingPath }),
    createSshCheck(ssh),
    createSshExec(ssh),
    createPrometheusQuery(http),
  ] as ActionDefinition[]);
}

import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkPlaybook, defineAction, formatIssue, loadPlaybook } from '@firstline/core';
import type { ActionDefinition } from '@firstline/core';
import { httpCheck, netActions, sshExec } from '@firstline/actions-net';

const examples = fileURLToPath(new URL('../../../examples/playbooks/', import.meta.url));

describe('netActions()', () => {
  it('returns every network action once, each with input and output schemas', () => {
    const actions = netActions({
      knownHosts: '/etc/firstline/known_hosts',
      pingPath: '/bin/ping',
      userAgent: 'x',
    });
    expect(actions.map((a) => [a.id, a.kind])).toEqual([
      ['http.check', 'probe'],
      ['tcp.check', 'probe'],
      ['dns.check', 'probe'],
      ['icmp.ping', 'probe'],
      ['ssh.check', 'probe'],
      ['ssh.exec', 'remediation'],
      ['prometheus.query', 'probe'],
    ]);
    for (const action of actions) {
      expect(action.output, action.id).toBeTypeOf('object');
      expect(
        action.kind === 'probe' ? action.idempotent === true : typeof action.plan === 'function',
        action.id,
      ).toBe(true);
    }
    expect(httpCheck.id).toBe('http.check');
    expect(typeof sshExec.plan).toBe('function');
  });

  it('ssh.exec is a change unless the playbook says the command only looks (readOnly: true)', () => {
    const call = { host: 'h', user: 'u', command: 'ls -l /var/tmp/core' };
    expect(sshExec.changes?.(call)).toBe(true);
    expect(sshExec.changes?.({ ...call, readOnly: false })).toBe(true);
    expect(sshExec.changes?.({ ...call, readOnly: true })).toBe(false);
  });
});

describe.skipIf(!existsSync(examples))('the example playbooks', () => {
  it('validate against these actions (other packages’ actions stood in by permissive definitions)', async () => {
    const ours = netActions();
    // Only playbooks: scenario files (`playbook:` + `scenarios:`) sit beside them.
    const files = readdirSync(examples).filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenarios.yaml'));
    expect(files.length).toBeGreaterThan(0);
    let usesOurs = 0;
    for (const file of files) {
      const playbook = await loadPlaybook(`${examples}${file}`);
      const named = new Set(
        [...JSON.stringify(playbook.data).matchAll(/"action":"([^"]+)"/g)].map((m) => m[1]!),
      );
      const others: ActionDefinition[] = [...named]
        .filter((id) => !ours.some((a) => a.id === id) && !id.startsWith('core.'))
        .map((id) =>
          defineAction({
            id,
            kind: 'remediation',
            description: `stand-in for ${id}`,
            input: { type: 'object' },
            run: () => Promise.resolve({}),
          }),
        );
      if (ours.some((a) => named.has(a.id))) usesOurs++;
      const result = await checkPlaybook(`${examples}${file}`, { actions: [...ours, ...others] });
      // A stand-in's kind is a guess; what matters here is that our actions' inputs check out.
      const guessedKind = (message: string) => others.some((o) => message.includes(` ${o.id} is a `));
      const errors = result.issues.filter(
        (i) => i.severity === 'error' && !(i.code === 'E_ACTION_KIND' && guessedKind(i.message)),
      );
      expect(errors.map((i) => formatIssue(i, file))).toEqual([]);
    }
    expect(usesOurs).toBeGreaterThanOrEqual(3);
  });
});

import {
  createVirtualClock,
  defineAction,
  parsePlaybook,
  resumeDue,
  runPlaybook,
  systemClock,
} from '@firstline/core';
import type { RunResult } from '@firstline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoRunStore } from '../src/index.js';
import { motoClient, motoEndpoint, tableStore } from './support.js';

// The engine on the DynamoDB store, against moto: what the issue promises across Lambda invocations.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});
async function fresh() {
  const made = await tableStore();
  cleanups.push(made.cleanup);
  return made;
}

const playbook = (extra: string) =>
  parsePlaybook(`firstline: 1
name: reboot-on-alarm
inputs:
  instanceId: { type: string }
${extra}
checks:
  - id: health
    action: test.ec2.health
    expect: output.healthy
remediate:
  - id: reboot
    action: test.ec2.reboot
notify:
  skipped:
    - action: test.page
`);

/** Fake EC2 and pager: the reboot counts calls, and waits for `gate` when one is set. */
function fakeAws() {
  const state = { reboots: [] as string[], pages: 0, gate: undefined as Promise<void> | undefined };
  const actions = [
    defineAction<unknown, { healthy: boolean }>({
      id: 'test.ec2.health',
      kind: 'probe',
      description: 'Fake instance health: never healthy.',
      input: { type: 'object' },
      run: () => Promise.resolve({ healthy: false }),
    }),
    defineAction<unknown, object>({
      id: 'test.ec2.reboot',
      kind: 'remediation',
      description: 'Fake reboot that counts calls.',
      input: { type: 'object' },
      run: async (_input, ctx) => {
        state.reboots.push(ctx.idempotencyKey);
        await state.gate;
        return {};
      },
    }),
    defineAction<unknown, object>({
      id: 'test.page',
      kind: 'notify',
      description: 'Fake pager.',
      input: { type: 'object' },
      run: () => Promise.resolve((state.pages++, {})),
    }),
  ];
  return { state, actions };
}

describe.skipIf(!motoEndpoint)('runPlaybook on the DynamoDB store (moto)', () => {
  it('20 concurrent runs for one instance: exactly one reboot, 19 skipped', async () => {
    const { table } = await fresh();
    const aws = fakeAws();
    let open!: () => void;
    aws.state.gate = new Promise<void>((resolve) => (open = resolve));
    const loaded = playbook('lock: { key: "{{ inputs.instanceId }}" }');
    // Each run as its own Lambda invocation: its own client and store object, one shared table.
    const settled: RunResult[] = [];
    const runs = Array.from({ length: 20 }, (_, i) =>
      runPlaybook(loaded, {
        input: { instanceId: 'i-0abc1234' },
        actions: aws.actions,
        mode: 'live',
        runId: `alarm-${i}`,
        clock: systemClock,
        store: dynamoRunStore({ table, client: motoClient() }),
      }).then((result) => {
        settled.push(result);
        // The reboot is held until every other run has ended, so none can take the lock after it.
        if (settled.length === 19 || aws.state.reboots.length > 1) open();
        return result;
      }),
    );
    const results = await Promise.all(runs);
    expect(aws.state.reboots).toHaveLength(1);
    const skipped = results.filter((r) => r.outcome === 'skipped');
    expect(skipped).toHaveLength(19);
    const winner = results.find((r) => r.outcome !== 'skipped')!;
    for (const r of skipped) {
      expect(r.skipped).toMatchObject({ reason: 'lock', key: 'i-0abc1234', holder: winner.runId });
      expect(r.steps).toEqual({});
    }
    expect(aws.state.pages).toBe(0);
  });

  it('a spent budget escalates instead of rebooting', async () => {
    const { table } = await fresh();
    const aws = fakeAws();
    const loaded = playbook(
      'budgets:\n  - { key: "{{ inputs.instanceId }}", actions: [test.ec2.reboot], max: 2, per: 24h }',
    );
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await runPlaybook(loaded, {
        input: { instanceId: 'i-0abc1234' },
        actions: aws.actions,
        mode: 'live',
        runId: `flap-${i}`,
        clock: systemClock,
        store: dynamoRunStore({ table, client: motoClient() }),
      });
      outcomes.push(result.outcome);
      if (i === 2) expect(result.skipped).toMatchObject({ reason: 'budget', key: 'i-0abc1234', max: 2 });
    }
    expect(aws.state.reboots).toHaveLength(2);
    expect(outcomes[2]).toBe('skipped');
    expect(aws.state.pages).toBe(1);
  });

  it("a crashed run's lock lapses at its ttl, and the next run acts", async () => {
    const { table, client } = await fresh();
    const aws = fakeAws();
    const clock = createVirtualClock();
    const store = dynamoRunStore({ table, client });
    await store.lock!('i-0abc1234', 'crashed-run', clock.now() + 30 * 60_000, clock.now());
    const loaded = playbook('lock: { key: "{{ inputs.instanceId }}", ttl: 30m }');
    const options = {
      input: { instanceId: 'i-0abc1234' },
      actions: aws.actions,
      mode: 'live' as const,
      clock,
      store,
    };
    const blocked = await runPlaybook(loaded, { ...options, runId: 'early' });
    expect(blocked.skipped).toMatchObject({ reason: 'lock', holder: 'crashed-run' });
    clock.advance(30 * 60_000);
    const after = await runPlaybook(loaded, { ...options, runId: 'after-expiry' });
    expect(after.outcome).not.toBe('skipped');
    expect(aws.state.reboots).toEqual([expect.stringContaining('after-expiry')]);
  });

  it('a run waiting longer than its invocation is stored, and a fresh invocation resumes it', async () => {
    const { table } = await fresh();
    const aws = fakeAws();
    const clock = createVirtualClock();
    const loaded = parsePlaybook(`firstline: 1
name: wait-then-reboot
inputs:
  instanceId: { type: string }
steps:
  - id: settle
    wait: 10m
  - id: reboot
    action: test.ec2.reboot
`);
    const first = await runPlaybook(loaded, {
      input: { instanceId: 'i-0abc1234' },
      actions: aws.actions,
      mode: 'live',
      runId: 'waiting-run',
      clock,
      suspendBefore: clock.now() + 60_000,
      store: dynamoRunStore({ table, client: motoClient() }),
    });
    expect(first).toMatchObject({ outcome: 'suspended', suspended: { reason: 'wait' } });
    expect(aws.state.reboots).toEqual([]);

    // Another invocation: new client, new store object; only the table is shared.
    clock.advance(10 * 60_000);
    const later = await resumeDue({
      store: dynamoRunStore({ table, client: motoClient() }),
      actions: aws.actions,
      clock,
    });
    expect(later.failed).toEqual([]);
    expect(later.resumed.map((r) => [r.runId, r.outcome === 'suspended'])).toEqual([['waiting-run', false]]);
    expect(aws.state.reboots).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { defineAction } from '../actions/defineAction.js';
import { parsePlaybook } from '../load/loadPlaybook.js';
import { validatePlaybook } from '../validate/validatePlaybook.js';
import { buildRunReport } from '../report/runReport.js';
import { reportMarkdown } from '../report/reportMarkdown.js';
import { createVirtualClock } from './clock.js';
import { cancelRun, decideApproval, pendingApproval, resumeRun } from './resumeRun.js';
import { resumeDue } from './resumeDue.js';
import { runPlaybook } from './runPlaybook.js';
import { simulatePlaybook } from './simulatePlaybook.js';
import { createMemoryStore } from './stores/memoryStore.js';
import type { ApprovalDecision, RunStore, TraceEvent } from './types.js';

// The approve step: a run asks a person, is handed back to its store while it waits, and goes on only
// with the decision that decideApproval recorded, once; denied or expired, nothing is remediated.

const T0 = Date.UTC(2026, 2, 1);
const MIN = 60_000;

const FIRST_LINE = parsePlaybook(`firstline: 1
name: approve-unit
inputs:
  instanceId: { type: string }
checks:
  - id: health
    action: test.check
    expect: output.healthy
remediate:
  - id: reboot
    action: test.reboot
    approval:
      message: "Reboot {{ inputs.instanceId }}?"
      timeout: 15m
      approvers: { console: [alice], slack: [U0AAAAAAA] }
      notify:
        - id: ask
          action: test.page
          with: { text: "{{ approval.message }} {{ approval.id }} {{ approval.url }}" }
recheck: { rounds: 1, after: 2m }
notify:
  skipped:
    - id: escalate
      action: test.page
      with: { text: "skipped: {{ run.outcome }}" }
`);

/** Fakes counting what they did: a check healthy once rebooted, a reboot, a pager. */
function fakes() {
  const did = { checks: 0, reboots: 0, pages: [] as string[] };
  const actions = [
    defineAction<unknown, { healthy: boolean }>({
      id: 'test.check',
      kind: 'probe',
      description: 'Fake check: healthy after a reboot.',
      input: { type: 'object' },
      run: () => (did.checks++, Promise.resolve({ healthy: did.reboots > 0 })),
    }),
    defineAction<unknown, { rebooted: boolean }>({
      id: 'test.reboot',
      kind: 'remediation',
      description: 'Fake reboot.',
      input: { type: 'object' },
      run: () => (did.reboots++, Promise.resolve({ rebooted: true })),
    }),
    defineAction<{ text: string }, { sent: boolean }>({
      id: 'test.page',
      kind: 'notify',
      description: 'Fake pager.',
      input: { type: 'object', properties: { text: { type: 'string' } } },
      run: (input) => (did.pages.push(input.text), Promise.resolve({ sent: true })),
    }),
  ];
  return { did, actions };
}

const input = { instanceId: 'i-0abc1234' };
const RUN = 'run-a';
const APPROVAL = `${RUN}/reboot.approval/1`;

async function waitingForApproval(store: RunStore) {
  const { did, actions } = fakes();
  const events: TraceEvent[] = [];
  const result = await runPlaybook(FIRST_LINE, {
    actions,
    store,
    runId: RUN,
    input,
    clock: createVirtualClock({ startAt: T0 }),
    onEvent: (e) => events.push(e),
    consoleUrl: 'https://console.example.test/',
  });
  return { result, did, events, actions };
}

const decision = (over: Partial<ApprovalDecision> = {}): ApprovalDecision => ({
  decision: 'approved',
  by: 'alice',
  via: 'console',
  reason: 'instance is wedged',
  at: T0 + 3 * MIN,
  ...over,
});

describe('an approval in a live run', () => {
  it('asks once, is handed back to the store, and names what it waits for', async () => {
    const store = createMemoryStore();
    const { result, did, events } = await waitingForApproval(store);
    expect(result).toMatchObject({
      outcome: 'suspended',
      suspended: { reason: 'approval', wakeAt: T0 + 15 * MIN },
    });
    expect(did).toEqual({
      checks: 1,
      reboots: 0,
      pages: [
        `Reboot i-0abc1234? ${APPROVAL} https://console.example.test/approvals?id=run-a%2Freboot.approval%2F1`,
      ],
    });
    const record = (await store.load(RUN))!;
    expect(record.status).toBe('running');
    expect(record.deadlines.wake).toBe(T0 + 15 * MIN);
    expect(pendingApproval(record, T0)).toMatchObject({
      id: APPROVAL,
      step: 'reboot.approval',
      message: 'Reboot i-0abc1234?',
      expiresAt: T0 + 15 * MIN,
      approvers: { console: ['alice'], slack: ['U0AAAAAAA'] },
    });
    expect(pendingApproval(record, T0 + 15 * MIN)).toBeUndefined();
    expect(events.find((e) => e.type === 'approval.request')).toMatchObject({
      step: 'reboot.approval',
      id: APPROVAL,
    });
    expect(events.at(-1)).toMatchObject({ type: 'run.suspend', reason: 'approval' });
  });

  it('goes on once approved: the reboot runs once, the request is not sent again, the approver is recorded', async () => {
    const store = createMemoryStore();
    await waitingForApproval(store);
    const { did, actions } = fakes();
    const clock = createVirtualClock({ startAt: T0 + 3 * MIN });
    const decided = await decideApproval(APPROVAL, decision(), { store, actions, clock });
    expect(decided.status).toBe('decided');
    if (decided.status !== 'decided') return;
    expect(decided.result.outcome).toBe('recovered');
    expect(did.reboots).toBe(1);
    expect(did.pages).toEqual([]);
    expect(decided.result.steps['reboot.approval']).toMatchObject({
      outcome: 'pass',
      output: { decision: 'approved', by: 'alice', via: 'console', reason: 'instance is wedged' },
    });
    expect(decided.result.trace.find((e) => e.type === 'approval.decision')).toMatchObject({
      decision: 'approved',
      by: 'alice',
      via: 'console',
    });
    const record = (await store.load(RUN))!;
    expect(record).toMatchObject({ status: 'done', outcome: 'recovered' });
    // The report says what was asked, and who decided what and why.
    const report = reportMarkdown(buildRunReport(record, { actions }));
    expect(report).toContain('- Asked: Reboot i-0abc1234?');
    // Started, stored, resumed: one visit, reported once.
    expect(report.match(/#### reboot\.approval/g)).toHaveLength(1);
    expect(report).toMatch(
      /- Decided: approved by alice \(console\) at 2026-03-01T00:03:00\.000Z: “instance is wedged”/,
    );
    expect(record.approval).toMatchObject({ outcome: 'approved', decision: { by: 'alice' } });

    // The same callback again: refused, nothing runs, nothing changes.
    const again = fakes();
    const second = await decideApproval(APPROVAL, decision({ by: 'alice' }), {
      store,
      actions: again.actions,
      clock,
    });
    expect(second).toMatchObject({ status: 'refused', code: 'E_APPROVAL_DECIDED' });
    expect(again.did).toEqual({ checks: 0, reboots: 0, pages: [] });
    expect(await store.load(RUN)).toEqual(record);
  });

  it('a decision stored by a host that failed before resuming is taken by the next resumeDue, not at the expiry', async () => {
    const store = createMemoryStore();
    await waitingForApproval(store);
    const { did, actions } = fakes();
    // The deciding host has no reboot action: the decision is stored, then resuming it fails.
    const broken = actions.filter((a) => a.id !== 'test.reboot');
    const clock = createVirtualClock({ startAt: T0 + 3 * MIN });
    await expect(decideApproval(APPROVAL, decision(), { store, actions: broken, clock })).rejects.toThrow();
    expect((await store.load(RUN))!.approval?.decision?.by).toBe('alice');
    const due = await resumeDue({ store, actions, clock: createVirtualClock({ startAt: T0 + 4 * MIN }) });
    expect(due.resumed.map((r) => r.outcome)).toEqual(['recovered']);
    expect(did.reboots).toBe(1);
  });

  it('denied: nothing is remediated, the run ends skipped and escalates', async () => {
    const store = createMemoryStore();
    await waitingForApproval(store);
    const { did, actions } = fakes();
    const decided = await decideApproval(
      APPROVAL,
      decision({ decision: 'denied', by: 'U0AAAAAAA', via: 'slack', reason: 'not now' }),
      { store, actions, clock: createVirtualClock({ startAt: T0 + 3 * MIN }) },
    );
    expect(decided).toMatchObject({ status: 'decided', result: { outcome: 'skipped' } });
    expect(did.reboots).toBe(0);
    expect(did.pages).toEqual(['skipped: skipped']);
    expect((await store.load(RUN))!.skipped).toEqual({
      reason: 'approval',
      step: 'reboot',
      outcome: 'denied',
      by: 'U0AAAAAAA',
    });
  });

  it('refuses a decider who is not an approver for that channel, and changes nothing', async () => {
    const store = createMemoryStore();
    await waitingForApproval(store);
    const before = structuredClone(await store.load(RUN));
    const { did, actions } = fakes();
    const options = { store, actions, clock: createVirtualClock({ startAt: T0 + MIN }) };
    expect(await decideApproval(APPROVAL, decision({ by: 'mallory' }), options)).toMatchObject({
      status: 'refused',
      code: 'E_APPROVAL_NOT_ALLOWED',
    });
    // alice is a console approver, not a Slack one.
    expect(await decideApproval(APPROVAL, decision({ via: 'slack' }), options)).toMatchObject({
      status: 'refused',
      code: 'E_APPROVAL_NOT_ALLOWED',
    });
    expect(await decideApproval(`${RUN}/reboot.approval/2`, decision(), options)).toMatchObject({
      status: 'refused',
      code: 'E_APPROVAL_NOT_PENDING',
    });
    expect(did).toEqual({ checks: 0, reboots: 0, pages: [] });
    expect(await store.load(RUN)).toEqual(before);
  });

  it('expires: a decision after the deadline is refused, and the resumed run ends skipped without a reboot', async () => {
    const store = createMemoryStore();
    await waitingForApproval(store);
    const { did, actions } = fakes();
    const late = createVirtualClock({ startAt: T0 + 16 * MIN });
    expect(await decideApproval(APPROVAL, decision(), { store, actions, clock: late })).toMatchObject({
      status: 'refused',
      code: 'E_APPROVAL_EXPIRED',
    });
    // Not due before its expiry: resumeDue leaves it waiting.
    const early = await resumeDue({ store, actions, clock: createVirtualClock({ startAt: T0 + 5 * MIN }) });
    expect(early.resumed).toEqual([]);
    const due = await resumeDue({ store, actions, clock: late });
    expect(due.resumed.map((r) => r.outcome)).toEqual(['skipped']);
    expect(did.reboots).toBe(0);
    expect((await store.load(RUN))!.skipped).toMatchObject({ reason: 'approval', outcome: 'expired' });
  });

  it('resumed before anyone decided (a restart), it holds again without asking twice', async () => {
    const store = createMemoryStore();
    await waitingForApproval(store);
    const { did, actions } = fakes();
    const result = await resumeRun(RUN, {
      store,
      actions,
      clock: createVirtualClock({ startAt: T0 + 2 * MIN }),
    });
    expect(result).toMatchObject({ outcome: 'suspended', suspended: { reason: 'approval' } });
    expect(did).toEqual({ checks: 0, reboots: 0, pages: [] });
    const requests = (await store.load(RUN))!.trace.filter((e) => e.type === 'approval.request');
    expect(requests).toHaveLength(1);
  });

  it('cancelled while it waits: ends cancelled, nothing remediated, and a later decision is refused', async () => {
    const store = createMemoryStore();
    await waitingForApproval(store);
    const { did, actions } = fakes();
    const clock = createVirtualClock({ startAt: T0 + 2 * MIN });
    const result = await cancelRun(RUN, { store, actions, clock });
    expect(result.outcome).toBe('cancelled');
    expect(did.reboots).toBe(0);
    expect(await decideApproval(APPROVAL, decision(), { store, actions, clock })).toMatchObject({
      status: 'refused',
      code: 'E_APPROVAL_NOT_PENDING',
    });
    expect(did.reboots).toBe(0);
  });

  it('without a store nobody could decide: it expires at once and nothing is remediated', async () => {
    const { did, actions } = fakes();
    const result = await runPlaybook(FIRST_LINE, {
      actions,
      input,
      clock: createVirtualClock({ startAt: T0 }),
    });
    expect(result.outcome).toBe('skipped');
    expect(did.reboots).toBe(0);
    expect(result.steps['reboot.approval']).toMatchObject({ outcome: 'timeout' });
    expect(result.steps['reboot.approval']!.error).toMatch(/no run store/);
  });
});

describe('an approval in shadow mode and in simulation', () => {
  it('shadow: says it would ask, and plans what follows as if approved', async () => {
    const { did, actions } = fakes();
    const result = await runPlaybook(FIRST_LINE, {
      actions,
      input,
      mode: 'shadow',
      clock: createVirtualClock({ startAt: T0 }),
    });
    expect(result.trace.find((e) => e.type === 'plan' && e.step === 'reboot.approval')).toMatchObject({
      summary: 'would ask for approval: Reboot i-0abc1234?',
    });
    expect(did.reboots).toBe(0);
    expect(did.pages).toEqual([]);
  });

  it.each([
    ['approved', 'unrecovered', 1],
    ['denied', 'skipped', 0],
    ['expired', 'skipped', 0],
  ] as const)('scripted %s → %s', async (outcome, runOutcome, reboots) => {
    const result = await simulatePlaybook(FIRST_LINE, {
      actions: fakes().actions,
      input,
      outcomes: { health: { healthy: false }, 'reboot.approval': outcome },
    });
    expect(result.outcome).toBe(runOutcome);
    expect(result.calls('test.reboot')).toHaveLength(reboots);
    // The request is sent in every case; expiry costs the approval's whole timeout.
    expect(result.calls('test.page')[0]).toEqual({
      text: `Reboot i-0abc1234? ${result.runId}/reboot.approval/1 `,
    });
    if (outcome === 'expired') expect(result.durationMs).toBeGreaterThanOrEqual(15 * MIN);
  });

  it('refuses a script word that is not a decision', async () => {
    await expect(
      simulatePlaybook(FIRST_LINE, {
        actions: fakes().actions,
        input,
        outcomes: { 'reboot.approval': 'pass' },
      }),
    ).rejects.toThrow(/not approved, denied or expired/);
  });
});

describe('the general form', () => {
  const GENERAL = parsePlaybook(`firstline: 1
name: approve-general
steps:
  - id: health
    action: test.check
    expect: output.healthy
    on: { fail: ask }
  - id: fine
    end: healthy
  - id: ask
    approve: { timeout: 10m, message: "Reboot? health said {{ steps.health.outcome }}" }
    on: { denied: refused, expired: refused }
  - id: reboot
    action: test.reboot
  - id: done
    end: recovered
  - id: refused
    end: left_alone
`);

  it('branches on each decision like any step', async () => {
    for (const [scripted, outcome] of [
      ['approved', 'recovered'],
      ['denied', 'left_alone'],
      ['expired', 'left_alone'],
    ] as const) {
      const result = await simulatePlaybook(GENERAL, {
        actions: fakes().actions,
        outcomes: { health: { healthy: false }, ask: scripted },
      });
      expect(result.outcome).toBe(outcome);
    }
  });

  it('asks with what it can render when part of the message cannot be', async () => {
    const store = createMemoryStore();
    const broken = parsePlaybook(`firstline: 1
name: approve-message
steps:
  - id: health
    action: test.check
    expect: output.healthy
    on: { fail: ask }
  - id: fine
    end: healthy
  - id: ask
    approve: { timeout: 10m, message: "Reboot? {{ steps.health.output.missing.deep }} at {{ name }}" }
  - id: reboot
    action: test.reboot
`);
    const result = await runPlaybook(broken, {
      actions: fakes().actions,
      store,
      runId: 'run-m',
      clock: createVirtualClock({ startAt: T0 }),
    });
    expect(result.outcome).toBe('suspended');
    expect((await store.load('run-m'))!.approval?.message).toBe(
      'Reboot? <steps.health.output.missing.deep> at approve-message',
    );
    expect(result.trace.some((e) => e.type === 'decision' && /could not be rendered/.test(e.message))).toBe(
      true,
    );
  });

  it('a live run waits, and the decision routes it', async () => {
    const store = createMemoryStore();
    const first = fakes();
    const started = await runPlaybook(GENERAL, {
      actions: first.actions,
      store,
      runId: 'run-g',
      clock: createVirtualClock({ startAt: T0 }),
    });
    expect(started.outcome).toBe('suspended');
    expect((await store.load('run-g'))!.approval?.message).toBe('Reboot? health said fail');
    const { did, actions } = fakes();
    const decided = await decideApproval(
      'run-g/ask/1',
      { decision: 'denied', by: 'bob', via: 'console', at: T0 + MIN },
      { store, actions, clock: createVirtualClock({ startAt: T0 + MIN }) },
    );
    expect(decided).toMatchObject({ status: 'decided', result: { outcome: 'left_alone' } });
    expect(did.reboots).toBe(0);
  });
});

describe('validating approvals', () => {
  const issuesOf = (yaml: string) =>
    validatePlaybook(parsePlaybook(yaml), {
      actions: fakes().actions,
    }).issues.map((i) => `${i.code} ${i.path}`);

  it('refuses approval: outside first-line remediations, and names what is in scope', () => {
    const found = issuesOf(`firstline: 1
name: bad
checks:
  - id: health
    action: test.check
    approval: { timeout: 5m }
remediate:
  - id: reboot
    action: test.reboot
    approval:
      timeout: 5m
      notify:
        - action: test.page
          with: { text: "{{ approval.nope }}" }
notify:
  unrecovered:
    - action: test.page
      with: { text: "{{ approval.id }}" }
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^E_APPROVAL_PLACE checks/),
        expect.stringMatching(/^E_UNKNOWN_REFERENCE remediate\[0\]\.approval\.notify/),
        expect.stringMatching(/^E_UNKNOWN_REFERENCE notify/),
      ]),
    );
  });

  it('warns of an approval that waits as long as the run may last', () => {
    const found = issuesOf(`firstline: 1
name: long
timeout: 30m
steps:
  - id: ask
    approve: { timeout: 1h }
  - id: reboot
    action: test.reboot
`);
    expect(found).toEqual(['E_TIMEOUT steps[0].approve.timeout']);
  });

  it('checks where approve outcomes lead', () => {
    const found = issuesOf(`firstline: 1
name: bad
steps:
  - id: ask
    approve: { timeout: 5m }
    on: { denied: nowhere }
  - id: reboot
    action: test.reboot
`);
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^E_UNKNOWN_STEP steps/)]));
  });
});

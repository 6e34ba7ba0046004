import { describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { parsePlaybook } from '../load/loadPlaybook.js';
import { createActionRegistry } from '../actions/registry.js';
import { fakeAction, playbookYaml } from '../../test/support.js';
import { compiledOf, compilePlaybook, isCompiledPlaybook } from './compilePlaybook.js';
import { createVirtualClock } from '../runtime/clock.js';
import { runPlaybook } from '../runtime/runPlaybook.js';
import { DONE } from './ir.js';
import type { ActionNode, JudgeNode, WaitNode } from './ir.js';
import type { RunContext } from '../runtime/types.js';

const actions = [
  fakeAction('test.http.check', 'probe'),
  fakeAction('test.ec2.reboot', 'remediation'),
  fakeAction('test.chat.post', 'notify'),
];

const firstLine = playbookYaml(`defaults:
  timeout: 20s
  retry: { attempts: 3, delay: 2s, backoff: linear, on: [throttled] }
checks:
  - id: url
    action: test.http.check
    with: { url: "{{ inputs.url }}" }
  - id: api
    action: test.http.check
    timeout: 5s
    retry: { attempts: 1 }
remediate:
  - id: reboot
    action: test.ec2.reboot
recheck: { rounds: 2, after: 2m }
notify:
  recovered:
    - action: test.chat.post
    - id: second
      action: test.chat.post
inputs:
  url: { type: string }
`);

const general = playbookYaml(`steps:
  - id: probe
    action: test.http.check
    on: { fail: fix, error: broken }
  - id: ok
    end: healthy
  - id: fix
    action: test.ec2.reboot
  - id: again
    goto: probe
    maxVisits: 2
  - id: broken
    end: needs_human
`);

describe('compilePlaybook', () => {
  it('returns the same compiled machine for the same document and registry', () => {
    const registry = createActionRegistry(actions);
    const a = compilePlaybook(parsePlaybook(firstLine), { actions: registry });
    const b = compilePlaybook(parsePlaybook(firstLine), { actions: registry });
    expect(a).toBe(b);
    expect(isCompiledPlaybook(a)).toBe(true);
    expect(isCompiledPlaybook({})).toBe(false);
    const other = compilePlaybook(parsePlaybook(firstLine.replace('name: test', 'name: other')), {
      actions: registry,
    });
    expect(other).not.toBe(a);
    expect(other.hash).not.toBe(a.hash);
  });

  it('throws PlaybookInvalid listing every problem, with positions', () => {
    const broken = playbookYaml(`checks:
  - id: url
    action: test.nope
    timeout: soon
`);
    let caught: unknown;
    try {
      compilePlaybook(parsePlaybook(broken, { file: 'broken.yaml' }), { actions });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'E_PLAYBOOK_INVALID', file: 'broken.yaml' });
    const codes = (caught as { issues: Array<{ code: string; line: number }> }).issues.map((i) => i.code);
    expect(codes).toContain('E_UNKNOWN_ACTION');
    expect(codes.length).toBeGreaterThanOrEqual(2);
  });

  it('gives every step a state that starts it on entry and takes its end as an event keyed by the state', () => {
    const compiled = compilePlaybook(parsePlaybook(firstLine), { actions });
    const flow = compiled.machine.root.states;
    expect(flow.url!.config.entry).toEqual([{ type: 'startStep', params: { key: 'url' } }]);
    // No exit action: the transitions that leave a step before its end stop it, first thing.
    expect(flow.url!.config.exit).toBeUndefined();
    const early = ['RUN.TIMEOUT', 'RUN.CANCEL'].flatMap((type) =>
      [flow.url!.config.on![type]].flat(),
    ) as Array<{
      actions: unknown[];
    }>;
    expect(early.length).toBeGreaterThanOrEqual(2);
    for (const transition of early)
      expect(transition.actions[0]).toEqual({ type: 'leaveStep', params: { key: 'url' } });
    expect(Object.keys(flow.url!.config.on!)).toEqual([
      'step.done.url',
      'step.error.url',
      'RUN.TIMEOUT',
      'RUN.CANCEL',
    ]);
    // A wait fixes its deadline in the context as it starts, and forgets it as it ends: in the
    // transition that leaves it (its record, or the stop), not with an assign of its own on exit.
    expect(flow.__recheck_wait!.config.entry).toEqual([
      { type: 'arm', params: { ms: 120_000 } },
      { type: 'startStep', params: { key: '__recheck_wait' } },
    ]);
    expect(flow.__recheck_wait!.config.exit).toBeUndefined();
    // No actor is spawned per step.
    expect(JSON.stringify(Object.values(flow).map((state) => state.config.invoke ?? null))).not.toContain(
      'src',
    );
    // One flat level of states: steps, then notifications, then the end.
    expect(Object.keys(compiled.machine.root.states).slice(-3)).toEqual([
      '__notify_recovered_0',
      'second',
      DONE,
    ]);
    // The machine leads back to its compiled playbook, so run functions take the machine itself.
    expect(compiledOf(compiled.machine)).toBe(compiled);
    expect(compiledOf({})).toBeUndefined();
  });

  it("takes a judge's branch in the step's own transition: a failed check goes to the remediation in one microstep", async () => {
    const compiled = compilePlaybook(parsePlaybook(firstLine), { actions });
    const flow = compiled.machine.root.states;
    const onUrl = flow.url!.config.on!['step.done.url'] as Array<{
      guard: { type: string; params?: { outcomes?: string[]; when?: unknown } };
      target: string;
      actions: Array<{ type: string }>;
    }>;
    // `fail` leads to the checks-failed judge: its two branches, by the round, in url's own transitions.
    const onFail = onUrl.filter((t) => t.guard.params?.outcomes?.includes('fail'));
    expect(onFail.map((t) => [t.guard.params!.when, t.target])).toEqual([
      [{ type: 'mayRemediate', params: { rounds: 2 } }, '#s:reboot'],
      [undefined, '#s:__done'],
    ]);
    // The outcome and the round a transition sets are folded into its record: one assign, not two.
    expect(onFail.map((t) => t.actions)).toEqual([
      [{ type: 'record' }, expect.objectContaining({ type: 'decide' })],
      [{ type: 'record', params: { outcome: 'unrecovered' } }, expect.objectContaining({ type: 'decide' })],
    ]);
    // The wait's end goes straight to the checks again, counting the round.
    const onWait = flow.__recheck_wait!.config.on!['step.done.__recheck_wait'] as typeof onUrl;
    expect(onWait.at(-1)).toMatchObject({
      target: '#s:url',
      actions: [{ type: 'record', params: { nextRound: true } }],
    });

    // The rounds still decide: two failed rounds remediate twice, the third failure ends unrecovered.
    const decisions: string[] = [];
    const result = await runPlaybook(compiled, {
      input: { url: 'https://app.example.com/health' },
      mode: 'simulate',
      outcomes: { url: ['fail', 'fail', 'fail'] },
      onEvent: (event) => {
        if (event.type === 'decision') decisions.push(event.message);
      },
    });
    expect(result.outcome).toBe('unrecovered');
    expect(decisions).toEqual([
      'a check failed: remediate (round 1 of 2)',
      'a check failed: remediate (round 2 of 2)',
      'checks still failing after the last round: unrecovered',
    ]);
  });

  it('refuses to run a compiled machine started on its own, saying how to run it', async () => {
    const compiled = compilePlaybook(parsePlaybook(firstLine), { actions });
    const actor = createActor(compiled.machine, {
      input: {
        inputs: {},
        trigger: null,
        run: { id: 'alone', startedAt: 0, mode: 'live', playbook: 'x', deadline: 60_000 },
        steps: {},
        visits: {},
        round: 0,
        remediated: false,
      },
    });
    actor.start();
    const done = (await toPromise(actor)) as { outcome: string };
    expect(done.outcome).toBe('failed');
    const { steps } = (actor.getSnapshot() as { context: RunContext }).context;
    expect(steps.url?.outcome).toBe('error');
    expect(steps.url?.error).toContain('must be run with runPlaybook or simulatePlaybook');
  });

  it('runs a compiled machine passed as it is', async () => {
    const compiled = compilePlaybook(parsePlaybook(firstLine), { actions });
    const result = await runPlaybook(compiled.machine, {
      input: { url: 'https://app.example.com/health' },
      clock: createVirtualClock(),
    });
    expect(result.outcome).toBe('healthy');
  });

  it('lowers the first-line form to checks, judges, remediations and a recheck wait', () => {
    const { ir } = compilePlaybook(parsePlaybook(firstLine), { actions });
    expect(ir.form).toBe('first-line');
    expect(ir.rounds).toBe(2);
    expect(ir.start).toEqual({ node: 'url' });
    const url = ir.nodes.get('url') as ActionNode;
    expect(url.on.pass).toEqual({ node: 'api' });
    expect(url.on.fail).toEqual({ node: '__checks_failed' });
    expect(url.timeoutMs).toBe(20_000);
    expect(url.retry).toMatchObject({ attempts: 3, delayMs: 2000, backoff: 'linear', on: ['throttled'] });
    const api = ir.nodes.get('api') as ActionNode;
    // Step settings override the defaults field by field.
    expect(api.timeoutMs).toBe(5000);
    expect(api.retry).toMatchObject({ attempts: 1, delayMs: 2000, backoff: 'linear' });
    expect(api.on.pass).toEqual({ node: '__checks_passed' });
    expect((ir.nodes.get('reboot') as ActionNode).on).toMatchObject({
      pass: { node: '__recheck_wait' },
      error: { outcome: 'unrecovered' },
    });
    expect((ir.nodes.get('__recheck_wait') as WaitNode).ms).toBe(120_000);
    expect((ir.nodes.get('__checks_failed') as JudgeNode).rule).toBe('checks-failed');
    expect(ir.notify.get('recovered')!.map((n) => n.id)).toEqual(['notify.recovered[0]', 'second']);
  });

  it('lowers the general form: routes, end outcomes, bounded gotos and the fall-off judge', () => {
    const { ir, machine } = compilePlaybook(parsePlaybook(general), { actions });
    expect(ir.form).toBe('general');
    const probe = ir.nodes.get('probe') as ActionNode;
    expect(probe.on).toMatchObject({
      pass: { outcome: 'healthy' },
      fail: { node: 'fix' },
      error: { outcome: 'needs_human' },
      timeout: { outcome: 'failed' },
    });
    expect(ir.nodes.get('again')).toMatchObject({
      kind: 'goto',
      maxVisits: 2,
      exhausted: { outcome: 'needs_human' },
    });
    expect(ir.nodes.has('ok')).toBe(false);
    expect(Object.keys(machine.root.states)).toContain('__gate_again');
  });
});

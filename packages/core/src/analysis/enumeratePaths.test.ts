import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AnyActionDefinition } from '../actions/registry.js';
import type { ActionKind } from '../actions/types.js';
import { loadPlaybook } from '../load/loadPlaybook.js';
import { compilePlaybook } from '../compile/compilePlaybook.js';
import { describePath, enumeratePaths } from './enumeratePaths.js';
import type { OutcomePath } from './enumeratePaths.js';

const EC2 = fileURLToPath(new URL('../../../../examples/playbooks/ec2-first-line.yaml', import.meta.url));

const countBy = (paths: OutcomePath[]) =>
  paths.reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.outcome]: (acc[p.outcome] ?? 0) + 1 }), {});

const action = (id: string, kind: ActionKind): AnyActionDefinition => ({
  id,
  kind,
  description: `test action ${id}`,
  input: {},
  run: () => Promise.resolve({}),
});

const act = (id: string, extra: Record<string, unknown> = {}) => ({ id, action: 't.probe', ...extra });

describe('enumeratePaths', () => {
  it('lists the 31 paths of the ec2 first-line example', async () => {
    const { paths, truncated } = enumeratePaths(await loadPlaybook(EC2));
    // Round 0: all three checks pass → healthy (1), or one of them could not run (`error|timeout`)
    // → inconclusive (3). Otherwise one of the 3 checks fails first (url, route53 or cpu, `fail`),
    // and the reboot either fails → unrecovered (1) or passes → wait → round 1, where all pass →
    // recovered (1), one of the 3 fails → unrecovered (3) or could not run → inconclusive (3).
    // Its reboot budget may also be spent → skipped (1 per failing check).
    // 1 + 3 + 3 × (1 + 1 + 1 + 3 + 3) = 31: healthy 1, recovered 3, skipped 3, unrecovered 12,
    // inconclusive 12.
    expect(truncated).toBe(false);
    expect(paths).toHaveLength(31);
    expect(new Set(paths.map((p) => p.outcome))).toEqual(
      new Set(['healthy', 'recovered', 'unrecovered', 'inconclusive', 'skipped']),
    );
    expect(countBy(paths)).toEqual({
      healthy: 1,
      recovered: 3,
      skipped: 3,
      unrecovered: 12,
      inconclusive: 12,
    });
    const lines = paths.map(describePath);
    expect(lines[0]).toBe('url:pass → route53:pass → cpu:pass ⇒ healthy');
    expect(lines).toContain(
      'url:fail → reboot:pass → recheck:pass → url:pass → route53:pass → cpu:pass ⇒ recovered',
    );
    expect(lines).toContain('url:pass → route53:fail → reboot:fail|error|timeout ⇒ unrecovered');
    expect(lines).toContain(
      'url:pass → route53:pass → cpu:fail → reboot:pass → recheck:pass → url:pass → route53:fail ⇒ unrecovered',
    );
    expect(lines).toContain('url:fail → reboot:budget spent ⇒ skipped');
    // A check that could not run never remediates: in round 0, and in the recheck after a reboot.
    expect(lines).toContain('url:pass → route53:error|timeout ⇒ inconclusive');
    expect(lines).toContain(
      'url:fail → reboot:pass → recheck:pass → url:pass → route53:error|timeout ⇒ inconclusive',
    );
    expect(new Set(lines).size).toBe(31);
    // Notifications (slack.post, opsgenie.createAlert) never appear as steps.
    expect(paths.flatMap((p) => p.steps.map((s) => s.step))).not.toContain('notify.recovered[0]');
  });

  it('is deterministic and accepts a compiled playbook', async () => {
    const loaded = await loadPlaybook(EC2);
    const first = enumeratePaths(loaded).paths.map(describePath);
    const compiled = compilePlaybook(loaded, {
      actions: ['http.check', 'aws.route53.healthCheckStatus', 'aws.cloudwatch.metric', 'slack.post']
        .map((id) => action(id, id === 'slack.post' ? 'notify' : 'probe'))
        .concat([action('aws.ec2.reboot', 'remediation'), action('opsgenie.createAlert', 'notify')]),
    });
    expect(enumeratePaths(compiled).paths.map(describePath)).toEqual(first);
  });

  it('caps the number of paths and says so', async () => {
    const loaded = await loadPlaybook(EC2);
    const capped = enumeratePaths(loaded, { maxPaths: 5 });
    expect(capped.truncated).toBe(true);
    expect(capped.paths).toHaveLength(5);
    expect(enumeratePaths(loaded, { maxPaths: 31 }).truncated).toBe(false);
  });

  it('follows on: routes, end: steps and when: skips in the general form', () => {
    const doc = {
      firstline: 1,
      name: 'general',
      inputs: { deep: { type: 'boolean', default: false } },
      steps: [
        act('probe', { on: { fail: 'restart', timeout: 'giveup' } }),
        act('extra', { when: 'inputs.deep = true' }),
        { id: 'ok', end: 'healthy' },
        { ...act('restart'), action: 't.restart', next: 'settle' },
        { id: 'settle', wait: '1m' },
        act('verify', { on: { fail: 'giveup' } }),
        { id: 'giveup', end: 'escalated' },
      ],
    };
    const { paths, truncated } = enumeratePaths(doc, {
      actions: [action('t.probe', 'probe'), action('t.restart', 'remediation')],
    });
    // probe: pass → extra (pass|skipped → ok, fail|error|timeout → failed) = 2; error → failed = 1;
    // timeout → giveup = 1; fail → restart (fail|error|timeout → failed = 1; pass → settle → verify:
    // pass and fail both reach giveup (the next in the list is that end step), so they are one
    // transition; error|timeout → failed = 2) = 3. Seven paths.
    expect(truncated).toBe(false);
    expect(paths.map(describePath)).toEqual([
      'probe:pass → extra:pass|skipped ⇒ healthy',
      'probe:pass → extra:fail|error|timeout ⇒ failed',
      'probe:fail → restart:pass → settle:pass → verify:pass|fail ⇒ escalated',
      'probe:fail → restart:pass → settle:pass → verify:error|timeout ⇒ failed',
      'probe:fail → restart:fail|error|timeout ⇒ failed',
      'probe:error ⇒ failed',
      'probe:timeout ⇒ escalated',
    ]);
  });

  it('ends a run that starts at an end: step without any step', () => {
    const doc = { firstline: 1, name: 'ends', steps: [{ id: 'stop', end: 'skipped' }] };
    expect(enumeratePaths(doc).paths).toEqual([{ steps: [], outcome: 'skipped' }]);
    expect(describePath({ steps: [], outcome: 'skipped' })).toBe('⇒ skipped');
  });

  it('bounds a maxVisits loop and includes the exhausted fall-through', () => {
    const doc = {
      firstline: 1,
      name: 'loop',
      steps: [
        act('probe', { on: { fail: 'restart' } }),
        { id: 'ok', end: 'healthy' },
        { id: 'restart', action: 't.restart' },
        { id: 'again', goto: 'probe', maxVisits: 2 },
        { id: 'gaveup', end: 'unrecovered' },
      ],
    };
    const { paths, truncated } = enumeratePaths(doc);
    // The probe runs at most 3 times (the goto enters twice). Each visit: pass → healthy,
    // error|timeout → failed, fail → restart, which fails → failed or passes → loop. On the third
    // visit the passing restart meets the exhausted goto, which falls through to `gaveup`.
    // 3 visits × 3 endings + 1 fall-through = 10: healthy 3, failed 6, unrecovered 1.
    expect(truncated).toBe(false);
    expect(paths).toHaveLength(10);
    expect(countBy(paths)).toEqual({ healthy: 3, failed: 6, unrecovered: 1 });
    const loop = 'probe:fail → restart:pass';
    expect(paths.filter((p) => p.outcome === 'unrecovered').map(describePath)).toEqual([
      `${loop} → ${loop} → ${loop} → again:skipped ⇒ unrecovered`,
    ]);
  });

  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'])(
    'bounds a maxVisits loop whose steps are named like Object.prototype members (%s)',
    (name) => {
      const doc = {
        firstline: 1,
        name: 'loop',
        steps: [
          act(name, { on: { fail: 'restart' } }),
          { id: 'ok', end: 'healthy' },
          { id: 'restart', action: 't.restart' },
          { id: 'valueOf' === name ? 'toString' : 'valueOf', goto: name, maxVisits: 2 },
          { id: 'gaveup', end: 'unrecovered' },
        ],
      };
      const { paths, truncated } = enumeratePaths(doc);
      // The same 10 paths as with plain ids: a visit count read from Object.prototype never bounds it.
      expect(truncated).toBe(false);
      expect(paths).toHaveLength(10);
      expect(countBy(paths)).toEqual({ healthy: 3, failed: 6, unrecovered: 1 });
    },
  );

  it('offers one event per outcome group of a parallel step', () => {
    const checks = { parallel: true, quorum: 'any', steps: [act('a'), act('b'), act('c')] };
    const firstLine = {
      firstline: 1,
      name: 'par',
      checks,
      remediate: [{ id: 'fix', action: 't.fix' }],
      recheck: { after: '1m' },
    };
    // checks pass → healthy; fail → fix fails → unrecovered, or passes → recheck → pass / fail /
    // error; error (members that could not run left the quorum undecided) → inconclusive.
    expect(enumeratePaths(firstLine).paths.map(describePath)).toEqual([
      'checks:pass ⇒ healthy',
      'checks:fail → fix:pass → recheck:pass → checks:pass ⇒ recovered',
      'checks:fail → fix:pass → recheck:pass → checks:fail ⇒ unrecovered',
      'checks:fail → fix:pass → recheck:pass → checks:error ⇒ inconclusive',
      'checks:fail → fix:fail|error|timeout ⇒ unrecovered',
      'checks:error ⇒ inconclusive',
    ]);
    // When every member counts its error as a failure, the group cannot end `error`.
    const acting = { ...checks, steps: checks.steps.map((s) => ({ ...s, onError: 'fail' })) };
    expect(
      enumeratePaths({ ...firstLine, checks: acting })
        .paths.map(describePath)
        .filter((line) => line.includes('error ⇒')),
    ).toEqual([]);

    const general = {
      firstline: 1,
      name: 'par-general',
      steps: [
        { id: 'both', parallel: true, steps: [act('a'), act('b')], timeout: '1m', on: { timeout: 'late' } },
        { id: 'fine', end: 'healthy' },
        { id: 'late', end: 'slow' },
      ],
    };
    // A group timeout exists here, so `timeout` is a transition of its own.
    expect(enumeratePaths(general).paths.map(describePath)).toEqual([
      'both:pass ⇒ healthy',
      'both:fail|error ⇒ failed',
      'both:timeout ⇒ slow',
    ]);
  });

  it('tells a passing remediation from one that did not run', () => {
    const doc = {
      firstline: 1,
      name: 'remediated',
      inputs: { fix: { type: 'boolean', default: true } },
      steps: [act('probe'), { id: 'fix', action: 't.fix', when: 'inputs.fix = true' }],
    };
    const actions = [action('t.probe', 'probe'), action('t.fix', 'remediation')];
    // Falling off the end is `recovered` only after a remediation passed: the fix's pass and skip split.
    expect(enumeratePaths(doc, { actions }).paths.map(describePath)).toEqual([
      'probe:pass → fix:pass ⇒ recovered',
      'probe:pass → fix:skipped ⇒ healthy',
      'probe:pass → fix:fail|error|timeout ⇒ failed',
      'probe:fail|error|timeout ⇒ failed',
    ]);
  });

  it('enumerates a 50-check first-line playbook completely', () => {
    const doc = {
      firstline: 1,
      name: 'fifty-checks',
      checks: Array.from({ length: 50 }, (_, i) => act(`c${i + 1}`)),
      remediate: [{ id: 'fix', action: 't.fix' }],
      recheck: { after: '1m' },
      notify: { unrecovered: [{ action: 't.page' }] },
    };
    const { paths, truncated } = enumeratePaths(doc);
    // 1 healthy + 50 checks that could not run + 50 first failures × (fix fails 1 + recovered 1 +
    // 50 second failures + 50 checks that could not run in the recheck) = 5151.
    expect(truncated).toBe(false);
    expect(paths).toHaveLength(5151);
    expect(countBy(paths)).toEqual({ healthy: 1, recovered: 50, unrecovered: 2550, inconclusive: 2550 });
    expect(Math.max(...paths.map((p) => p.steps.length))).toBe(50 + 1 + 1 + 50);
  });

  it('enumerates a 50-step general-form chain completely', () => {
    const doc = {
      firstline: 1,
      name: 'fifty-steps',
      steps: [
        ...Array.from({ length: 50 }, (_, i) => act(`s${i + 1}`, { on: { timeout: 'giveup' } })),
        { id: 'done', end: 'healthy' },
        { id: 'giveup', end: 'gave_up' },
      ],
    };
    const { paths, truncated } = enumeratePaths(doc);
    // All pass → healthy, or one of 50 steps ends it: fail|error → failed, or timeout → gave_up.
    expect(truncated).toBe(false);
    expect(paths).toHaveLength(101);
    expect(countBy(paths)).toEqual({ healthy: 1, failed: 50, gave_up: 50 });
  });

  /** k stages of "probe, else fix and go on", then a last probe: 4·2^k − 2 paths, past any cap. */
  const fixChain = (k: number) => ({
    firstline: 1,
    name: `fix-chain-${k}`,
    steps: [
      ...Array.from({ length: k }, (_, i) => [
        act(`s${i}`, { on: { fail: `f${i}` }, next: i + 1 < k ? `s${i + 1}` : 'last' }),
        { id: `f${i}`, action: 't.fix' },
      ]).flat(),
      act('last'),
    ],
  });
  const fixActions = [action('t.probe', 'probe'), action('t.fix', 'remediation')];

  it('counts every branch of a chain with remediations', () => {
    // From each stage: pass or fail-then-fix-pass go on (2); error|timeout or a failing fix end as
    // failed (2). The last probe passes (falls off the end) or fails. P(k) = 2·P(k−1) + 2, P(0) = 2
    // → 4·2^k − 2 = 4094 for k = 10. Of the 2^10 ways through the stages, the all-pass one ends
    // healthy and the other 1023 passed a fix and end recovered, if the last probe passes.
    const { paths, truncated } = enumeratePaths(fixChain(10), { actions: fixActions });
    expect(truncated).toBe(false);
    expect(countBy(paths)).toEqual({ healthy: 1, recovered: 1023, failed: 3070 });
  });

  it('stops at maxPaths on an exponential 50-stage chain', () => {
    const { paths, truncated } = enumeratePaths(fixChain(50), { actions: fixActions });
    expect(truncated).toBe(true);
    expect(paths).toHaveLength(10_000);
  });

  it('reports truncation when the state bound is hit', () => {
    const { paths, truncated } = enumeratePaths(fixChain(10), { actions: fixActions, maxStates: 10 });
    expect(truncated).toBe(true);
    expect(paths.length).toBeLessThan(4094);
  });
});

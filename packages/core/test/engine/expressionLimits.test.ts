// Issue 15 item 2 end to end: a `when:` with a catastrophic regex or a giant $pad cannot stall or abort a
// run; the regex runs in linear time and the over-limit call fails the step with E_EXPRESSION_LIMIT.
import { describe, expect, it } from 'vitest';
import { createFakeAction, eventsOf, runVirtual, sequence, yamlPlaybook } from './support.js';

const probe = () => createFakeAction('test.step.probe', 'probe', sequence({ ok: true }));

const playbook = (when: string) =>
  yamlPlaybook(`inputs:
  s: { type: string, default: '${'a'.repeat(25)}!' }
steps:
  - id: probe
    action: test.step.probe
    expect: output.ok
    when: ${when}
`);

describe('expressions in a run are bounded', () => {
  it('a ReDoS regex in when: completes at once (it took 46 s)', async () => {
    const f = probe();
    const start = performance.now();
    const { result } = await runVirtual(playbook('$contains(inputs.s, /(a+)+$/)'), { actions: [f.action] });
    expect(performance.now() - start).toBeLessThan(2000);
    expect(result.steps.probe?.outcome).toBe('skipped');
    expect(f.count).toBe(0);
  });

  it('a when: over the limits is an error, not false: the step ends in error', async () => {
    const f = probe();
    const { result } = await runVirtual(playbook('$pad("x", 500000000) = "x"'), { actions: [f.action] });
    expect(result.outcome).not.toBe('healthy');
    expect(f.count).toBe(0);
    expect(result.steps.probe?.outcome).toBe('error');
    const [end] = eventsOf(result.trace, 'step.end').filter((e) => e.step === 'probe');
    expect(end?.error).toContain('$pad: width of 500,000,000 characters is over the limit');
  });
});

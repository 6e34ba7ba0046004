import { describe, expect, it } from 'vitest';
import { fakeAction, validateYaml } from '../../test/support.js';
import { createActionRegistry } from '../actions/registry.js';
import type { Issue } from './issues.js';

const actions = createActionRegistry([
  fakeAction('test.probe.get', 'probe'),
  fakeAction('test.box.reboot', 'remediation'),
]);

/** Validates a general-form playbook whose `steps:` list is `steps` (YAML, indented by two). */
function check(steps: string): Issue[] {
  return validateYaml(`steps:\n${steps}`, actions, 'graph').issues;
}
const withCode = (issues: Issue[], code: Issue['code']) => issues.filter((i) => i.code === code);

describe('step references', () => {
  it('reports an unknown target where it is named, with a did-you-mean', () => {
    const issues = check(`  - id: probe
    action: test.probe.get
    on: { fail: donee }
  - id: done
    end: recovered
`);
    expect(issues).toEqual([
      {
        code: 'E_UNKNOWN_STEP',
        message: 'no step has the id "donee"; did you mean "done"?',
        path: 'steps[0].on.fail',
        line: 6,
        column: 17,
        severity: 'error',
      },
    ]);
  });

  it('checks next and goto targets too', () => {
    const issues = check(`  - id: a
    action: test.probe.get
    next: nowhere
  - id: b
    goto: elsewhere
`);
    expect(withCode(issues, 'E_UNKNOWN_STEP').map((i) => i.path)).toEqual(['steps[0].next', 'steps[1].goto']);
  });

  it('names the parallel group when a target is one of its inner steps', () => {
    const issues = check(`  - id: group
    parallel: true
    steps:
      - id: inner
        action: test.probe.get
    on: { fail: inner }
  - id: done
    end: recovered
`);
    const [issue] = withCode(issues, 'E_UNKNOWN_STEP');
    expect(issue).toMatchObject({ path: 'steps[0].on.fail', line: 9, column: 17 });
    expect(issue?.message).toContain('"inner" is inside the parallel group "group"');
  });

  it('reports an id used twice, anywhere in the playbook', () => {
    const issues = check(`  - id: a
    action: test.probe.get
  - id: g
    parallel: true
    steps:
      - id: a
        action: test.probe.get
`);
    expect(withCode(issues, 'E_DUPLICATE_ID')).toMatchObject([
      {
        path: 'steps[1].steps[0].id',
        line: 9,
        column: 13,
        message: expect.stringContaining('steps[0]') as string,
      },
    ]);
  });
});

describe('reachability', () => {
  it('reports a step no path leads to, at its id', () => {
    const issues = check(`  - id: probe
    action: test.probe.get
    on: { fail: done }
  - id: done
    end: recovered
  - id: orphan
    end: failed
`);
    expect(issues).toMatchObject([
      { code: 'E_UNREACHABLE_STEP', path: 'steps[2].id', line: 9, column: 9, severity: 'error' },
    ]);
    expect(issues[0]?.message).toContain('"orphan"');
  });

  it('follows fall-through from action, wait and parallel steps, but not past goto or end', () => {
    const issues = check(`  - id: a
    action: test.probe.get
  - id: w
    wait: 1m
  - id: g
    parallel: true
    steps:
      - id: inner
        action: test.probe.get
  - id: jump
    goto: finish
  - id: skipped
    end: failed
  - id: finish
    end: recovered
`);
    expect(withCode(issues, 'E_UNREACHABLE_STEP').map((i) => i.path)).toEqual(['steps[4].id']);
  });

  it('does not fall through when on.pass or next names where to go', () => {
    const issues = check(`  - id: a
    action: test.probe.get
    on: { pass: c }
  - id: b
    end: failed
  - id: c
    action: test.probe.get
    next: e
  - id: d
    end: failed
  - id: e
    end: recovered
`);
    expect(withCode(issues, 'E_UNREACHABLE_STEP').map((i) => i.path)).toEqual(['steps[1].id', 'steps[3].id']);
  });

  it('does not report a probe that is only polled by wait.until.step', () => {
    const issues = check(`  - id: settle
    wait: { until: "output.ok = true", step: health, every: 10s, timeout: 5m }
  - id: done
    end: recovered
  - id: health
    action: test.probe.get
`);
    expect(issues).toEqual([]);
  });
});

describe('loops', () => {
  it('reports an unbounded loop of three steps once, at the step that jumps back', () => {
    const issues = check(`  - id: a
    action: test.probe.get
  - id: b
    action: test.box.reboot
  - id: c
    goto: a
`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'E_UNBOUNDED_LOOP',
      path: 'steps[2].goto',
      line: 9,
      column: 11,
      severity: 'error',
    });
    expect(issues[0]?.message).toContain('a → b → c → a');
    expect(issues[0]?.message).toContain('maxVisits');
  });

  it('accepts the loop when one step on it has maxVisits', () => {
    for (const bounded of ['a', 'b', 'c']) {
      const issues = check(`  - id: a
    action: test.probe.get${bounded === 'a' ? '\n    maxVisits: 3' : ''}
  - id: b
    action: test.box.reboot${bounded === 'b' ? '\n    maxVisits: 3' : ''}
  - id: c
    goto: a${bounded === 'c' ? '\n    maxVisits: 3' : ''}
`);
      expect(issues, `maxVisits on ${bounded}`).toEqual([]);
    }
  });

  it('reports a goto to itself, and accepts it with maxVisits', () => {
    expect(check('  - id: spin\n    goto: spin\n')).toMatchObject([
      { code: 'E_UNBOUNDED_LOOP', path: 'steps[0].goto', line: 5, column: 11 },
    ]);
    expect(check('  - id: spin\n    goto: spin\n    maxVisits: 5\n')).toEqual([]);
  });

  it('reports a loop closed by on.fail at that key', () => {
    const issues = check(`  - id: a
    action: test.probe.get
  - id: b
    action: test.box.reboot
    on: { fail: a }
  - id: done
    end: recovered
`);
    expect(withCode(issues, 'E_UNBOUNDED_LOOP')).toMatchObject([{ path: 'steps[1].on.fail' }]);
  });

  it('reports two separate loops separately', () => {
    const issues = check(`  - id: a
    action: test.probe.get
  - id: back1
    goto: a
    maxVisits: 2
  - id: b
    action: test.probe.get
    on: { fail: b }
  - id: c
    action: test.probe.get
  - id: back2
    goto: c
`);
    expect(withCode(issues, 'E_UNBOUNDED_LOOP').map((i) => i.path)).toEqual([
      'steps[2].on.fail',
      'steps[4].goto',
    ]);
  });
});

describe('bounded loops', () => {
  it('counts the fall-through of an exhausted maxVisits step as a way to reach the next step', () => {
    const steps = `  - id: probe
    action: test.probe.get
    on: { pass: done, fail: fix }
  - id: fix
    action: test.box.reboot
  - id: again
    goto: probe
    maxVisits: 2
  - id: give-up
    end: unrecovered
  - id: done
    end: recovered
`;
    expect(check(steps).map((i) => `${i.code} ${i.message}`)).toEqual([]);
    // Without the bound the loop is unbounded, and nothing but the exhausted goto leads to give-up.
    const codes = check(steps.replace('    maxVisits: 2\n', '')).map((i) => i.code);
    expect(codes).toEqual(expect.arrayContaining(['E_UNBOUNDED_LOOP', 'E_UNREACHABLE_STEP']));
  });
});

import { describe, expect, it } from 'vitest';
import { defineAction } from '../actions/defineAction.js';
import { compactInput, runChanges } from './runChanges.js';
import { simulatePlaybook } from './simulatePlaybook.js';

const probe = defineAction({
  id: 'test.web.check',
  kind: 'probe',
  description: 'probe',
  input: {},
  run: () => Promise.resolve({}),
});
const restart = defineAction<{ host: string }, unknown>({
  id: 'test.host.restart',
  kind: 'remediation',
  description: 'restart',
  input: {},
  describe: (input) => `restart ${input.host}`,
  run: () => Promise.resolve({}),
});
const page = defineAction({
  id: 'test.oncall.page',
  kind: 'notify',
  description: 'page',
  input: {},
  run: () => Promise.resolve({}),
});
const playbook = {
  firstline: 1,
  name: 'changes',
  checks: [{ id: 'web', action: 'test.web.check' }],
  remediate: [{ id: 'fix', action: 'test.host.restart', with: { host: 'web-1' } }],
  recheck: { rounds: 1, after: '1m' },
  notify: {
    unrecovered: [{ action: 'test.oncall.page', with: { text: 'still down', ids: ['i-1', 'i-2'] } }],
  },
};
const actions = [probe, restart, page];

describe('runChanges', () => {
  it('lists passed remediations and notifications in order, said by describe or by their input', async () => {
    const result = await simulatePlaybook(playbook, { actions, outcomes: { web: 'fail' } });
    expect(runChanges(result.trace, actions)).toEqual([
      { at: 0, step: 'fix', action: 'test.host.restart', kind: 'remediation', summary: 'restart web-1' },
      {
        at: 60_000,
        step: 'notify.unrecovered[0]',
        action: 'test.oncall.page',
        kind: 'notify',
        summary: 'test.oncall.page text=still down ids=["i-1","i-2"]',
      },
    ]);
  });

  it('leaves out attempts that failed: a refused remediation changed nothing', async () => {
    const result = await simulatePlaybook(playbook, { actions, outcomes: { web: 'fail', fix: 'error' } });
    expect(runChanges(result.trace, actions).map((c) => c.step)).toEqual(['notify.unrecovered[0]']);
  });

  it('knows nothing of actions it is not told about', async () => {
    const result = await simulatePlaybook(playbook, { actions, outcomes: { web: 'fail' } });
    expect(runChanges(result.trace, [])).toEqual([]);
  });

  it('compactInput cuts long values and keeps one line', () => {
    expect(compactInput({ text: 'x'.repeat(100) })).toBe(`text=${'x'.repeat(59)}…`);
    expect(compactInput(undefined)).toBe('');
    expect(compactInput('plain')).toBe('"plain"');
  });
});

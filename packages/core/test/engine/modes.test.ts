// What a mode or a registry must not change about a playbook's meaning: stand-ins declare their kind,
// and a compiled playbook is never run against definitions it was not validated with.
import { describe, expect, it } from 'vitest';
import {
  compilePlaybook,
  createActionRegistry,
  defineAction,
  runPlaybook,
  simulatePlaybook,
} from '@firstline/core';
import { createFakeAction, yamlPlaybook } from './support.js';

// A general form whose only hint that `acme.restart` remediates is the action itself.
const restartFlow = () =>
  yamlPlaybook(
    ['steps:', '  - id: restart', '    action: acme.restart', '    with: { service: web }'].join('\n'),
    'restart-flow',
  );

describe('stand-ins declare their kind', () => {
  it('a general-form step is a guessed probe unless declared, and the guess is reported', async () => {
    const guessed = await simulatePlaybook(restartFlow());
    expect(guessed.guessedKinds).toEqual(['acme.restart']);
    expect(guessed.outcome).toBe('healthy');

    const declared = await simulatePlaybook(restartFlow(), { standIns: { 'acme.restart': 'remediation' } });
    expect(declared.guessedKinds).toEqual([]);
    // The same outcome as with the real action, which is a remediation.
    const real = createFakeAction('acme.restart', 'remediation');
    const live = await runPlaybook(restartFlow(), { actions: [real.action] });
    expect(declared.outcome).toBe('recovered');
    expect(live.outcome).toBe('recovered');
    expect(real.count).toBe(1);
  });

  it('the first-line form and budgets tell the kind: nothing is guessed', async () => {
    const firstLine = yamlPlaybook(
      [
        'checks: [{ id: up, action: acme.probe }]',
        'remediate: [{ id: fix, action: acme.restart }]',
        'notify: { recovered: [{ action: acme.page }] }',
      ].join('\n'),
    );
    const result = await simulatePlaybook(firstLine, { outcomes: { up: ['fail', 'pass'] } });
    expect(result.guessedKinds).toEqual([]);
    expect(result.outcome).toBe('recovered');
  });
});

describe('a compiled playbook and the actions it runs with', () => {
  const reboot = (schema: object) =>
    defineAction({
      id: 'acme.reboot',
      kind: 'remediation',
      description: 'Reboots.',
      input: schema,
      run: () => Promise.resolve({ ok: true }),
    });
  const probe = createFakeAction('acme.probe', 'probe', () => Promise.resolve({ up: false }));
  const playbook = () =>
    yamlPlaybook(
      [
        'checks: [{ id: up, action: acme.probe, expect: output.up }]',
        'remediate: [{ id: fix, action: acme.reboot, with: { host: web-1 } }]',
      ].join('\n'),
    );

  it('runs as compiled when the other registry holds the very same definitions', async () => {
    const fix = reboot({ type: 'object' });
    const compiled = compilePlaybook(playbook(), { actions: [probe.action, fix] });
    const other = createActionRegistry([probe.action, fix]);
    const result = await runPlaybook(compiled, { actions: other });
    expect(result.outcome).toBe('unrecovered');
    expect(result.steps.fix?.outcome).toBe('pass');
  });

  it('is validated again with other definitions: an input they refuse stops the run before anything runs', async () => {
    const compiled = compilePlaybook(playbook(), { actions: [probe.action, reboot({ type: 'object' })] });
    const strict = reboot({
      type: 'object',
      properties: { instanceId: { type: 'string' } },
      required: ['instanceId'],
      additionalProperties: false,
    });
    const before = probe.count;
    await expect(runPlaybook(compiled, { actions: [probe.action, strict] })).rejects.toMatchObject({
      code: 'E_PLAYBOOK_INVALID',
    });
    expect(probe.count).toBe(before);
  });

  it('refuses definitions whose kind differs from the one it was validated with', async () => {
    const fix = reboot({ type: 'object' });
    const compiled = compilePlaybook(playbook(), { actions: [probe.action, fix] });
    // The check's action is now a remediation: checks must stay read-only.
    const notAProbe = createFakeAction('acme.probe', 'remediation');
    await expect(runPlaybook(compiled, { actions: [notAProbe.action, fix] })).rejects.toMatchObject({
      code: 'E_PLAYBOOK_INVALID',
    });
    expect(notAProbe.count).toBe(0);
  });
});

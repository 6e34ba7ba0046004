import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineAction, parsePlaybook, validatePlaybook } from '@firstline/core';
import type { ActionDefinition } from '@firstline/core';
import { notifiers } from '../src/index.js';

describe('the notifiers() factory', () => {
  it('notifiers() holds every action once, with a plan for each side effect', () => {
    const actions = notifiers();
    expect(actions.map((a) => a.id).sort()).toEqual([
      'github.closeIssue',
      'github.comment',
      'github.createIssue',
      'github.findIssue',
      'github.reopenIssue',
      'opsgenie.addNote',
      'opsgenie.closeAlert',
      'opsgenie.createAlert',
      'slack.post',
      'slack.reply',
      'slack.update',
    ]);
    for (const action of actions) if (action.kind === 'notify') expect(typeof action.plan).toBe('function');
  });
});

describe('the example playbooks (examples/playbooks)', () => {
  const dir = new URL('../../../examples/playbooks/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.includes('.scenarios.'));

  it.each(files)('%s validates against the real notifiers (other packages stood in for)', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const playbook = parsePlaybook(text, { file });
    const real = notifiers();
    const ids = new Set(real.map((a) => a.id));
    const named = [...text.matchAll(/action:\s*['"]?([a-z][\w.]+)/g)].map((m) => m[1]!);
    // A budget counts remediations only: the actions a budget names are stood in for as remediations.
    const budgets = (playbook.data as { budgets?: Array<{ actions: string[] }> }).budgets ?? [];
    const budgeted = new Set(budgets.flatMap((b) => b.actions));
    const others: ActionDefinition[] = [...new Set(named)]
      .filter((id) => !ids.has(id))
      .map((id) =>
        defineAction({
          id,
          kind: budgeted.has(id) ? 'remediation' : 'probe',
          description: `Stand-in ${id}.`,
          input: { type: 'object' },
          run: () => Promise.resolve({}),
        }),
      );
    const result = validatePlaybook(playbook, { actions: [...real, ...others] });
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});

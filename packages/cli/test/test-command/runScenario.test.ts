import { join } from 'node:path';
import { compilePlaybook, loadPlaybook } from '@firstline/core';
import { describe, expect, it } from 'vitest';
import { parseScenarioFile } from '../../src/scenarios/loadScenarioFile.js';
import { runScenario } from '../../src/scenarios/runScenario.js';
import { ScenarioInvalid } from '../../src/scenarios/ScenarioInvalid.js';
import { FIXTURES, FIXTURE_ACTIONS } from './support.js';

describe('runScenario', () => {
  it("maps core refusing a script (E_SIMULATION) to the scenario's `outcomes:` position", async () => {
    const compiled = compilePlaybook(await loadPlaybook(join(FIXTURES, 'playbooks/web-first-line.yaml')), {
      actions: FIXTURE_ACTIONS,
    });
    // checkScenarios would have caught this; runScenario must still not crash on what it was given.
    const file = parseScenarioFile(
      [
        'playbook: ./web.yaml',
        'scenarios:',
        '  - name: unchecked',
        '    input: { url: https://a.example.com, service: web }',
        '    outcomes: { nope: fail }',
        '    expect: { outcome: healthy }',
      ].join('\n'),
      'unchecked.scenarios.yaml',
      join(FIXTURES, 'unchecked.scenarios.yaml'),
    );
    const error = await runScenario(file, file.scenarios[0]!, compiled).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioInvalid);
    expect((error as ScenarioInvalid).problems).toEqual([
      {
        file: 'unchecked.scenarios.yaml',
        path: 'scenarios[0].outcomes',
        line: 5,
        column: 15,
        message: expect.stringContaining('outcomes.nope: no step with this id runs an action') as unknown,
      },
    ]);
  });
});

describe('runScenario: `expect.path` ending with an `end:` step', () => {
  it("holds when the run ends with that step's outcome, and shows where it ended when not", async () => {
    const compiled = compilePlaybook(await loadPlaybook(join(FIXTURES, 'playbooks/cache-rescue.yaml')), {
      actions: FIXTURE_ACTIONS,
    });
    const file = parseScenarioFile(
      [
        'playbook: ./cache-rescue.yaml',
        'scenarios:',
        '  - name: ends healthy',
        '    input: { service: web }',
        '    expect: { path: [probe, healthy] }',
        '  - name: expected to page',
        '    input: { service: web }',
        '    expect: { path: [probe, paged] }',
        '  - name: a goto passed through',
        '    input: { service: web }',
        '    outcomes: { probe: [fail, { healthy: false }, { healthy: false }, { healthy: true, load: 0 }] }',
        '    expect: { path: [probe, flush, settle, ready, again, flush, settle, ready] }',
      ].join('\n'),
      'ends.scenarios.yaml',
      join(FIXTURES, 'ends.scenarios.yaml'),
    );
    const [healthy, paged, goto] = await Promise.all(
      file.scenarios.map((s) => runScenario(file, s, compiled)),
    );
    expect(healthy).toMatchObject({ passed: true, outcome: 'healthy', diffs: [] });
    expect(paged).toMatchObject({
      passed: false,
      diffs: [{ kind: 'path', expected: ['probe', 'paged'], actual: ['probe', 'healthy'], at: 1 }],
    });
    // People write the goto they pass through; the diff says why it is not on the path.
    expect(goto!.diffs).toEqual([
      {
        kind: 'path',
        expected: ['probe', 'flush', 'settle', 'ready', 'again', 'flush', 'settle', 'ready'],
        actual: ['probe', 'flush', 'settle', 'ready', 'flush', 'settle', 'ready'],
        at: 4,
        hint: 'a goto is on a path only when its maxVisits is used up, as again:skipped; passing through it is not a step',
      },
    ]);
  });
});

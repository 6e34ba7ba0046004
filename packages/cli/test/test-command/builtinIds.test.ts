// `firstline test` and `firstline simulate` on a playbook whose step ids are Object.prototype names:
// the maxVisits loop ends, the path is reported and every enumerated path is covered.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCommand } from '../../src/commands/simulate.js';
import { testCommand } from '../../src/commands/test.js';
import type { TestReport } from '../../src/scenarios/runScenarioSuite.js';
import { testContext } from './support.js';

const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'] as const;

/** `id` checks (maxVisits 2) and loops back through `back` (maxVisits 2) until the loop is used up. */
const playbook = (id: string) => `firstline: 1
name: builtin-${id}
steps:
  - id: ${id}
    action: svc.status
    expect: output.healthy = true
    maxVisits: 2
    on: { pass: fine, fail: back }
  - id: back
    goto: ${id}
    maxVisits: 2
  - id: gaveup
    end: unrecovered
  - id: fine
    end: healthy
`;

const scenarios = (id: string) => `playbook: ./${id}.yaml
scenarios:
  - name: healthy at once
    outcomes: { ${id}: pass }
    expect: { outcome: healthy, path: ['${id}:pass', fine] }
  - name: healthy on the second visit
    outcomes: { ${id}: [fail, pass] }
    expect: { outcome: healthy, calls: { svc.status: 2 }, path: ['${id}:fail', '${id}:pass', fine] }
  - name: the loop is used up
    outcomes: { ${id}: fail }
    expect:
      outcome: unrecovered
      calls: { svc.status: 2 }
      path: ['${id}:fail', '${id}:fail', '${id}:skipped', 'back:skipped', gaveup]
  - name: the check errors
    outcomes: { ${id}: error }
    expect: { outcome: failed, path: ['${id}:error'] }
  - name: the second check times out
    outcomes: { ${id}: [fail, timeout] }
    expect: { outcome: failed, path: ['${id}:fail', '${id}:timeout'] }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-builtin-ids-'));
  for (const id of NAMES) {
    await writeFile(join(dir, `${id}.yaml`), playbook(id));
    await writeFile(join(dir, `${id}.scenarios.yaml`), scenarios(id));
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('step ids named like Object.prototype members', () => {
  it.each(NAMES)('`firstline test` runs the %s loop to its end and covers every path', async (id) => {
    const { io, ctx } = testContext(dir);
    const code = await testCommand([`${id}.scenarios.yaml`], { json: true }, ctx);
    const report = JSON.parse(io.stdout()) as TestReport;
    expect(report.scenarios.map((s) => s.diffs)).toEqual([[], [], [], [], []]);
    expect(report.scenarios.map((s) => s.outcome)).toEqual([
      'healthy',
      'healthy',
      'unrecovered',
      'failed',
      'failed',
    ]);
    expect(report.totals).toMatchObject({ scenarios: 5, passed: 5, failed: 0, paths: 5, covered: 5 });
    expect(code).toBe(0);
  });

  it.each(NAMES)('`firstline simulate --outcome %s=fail` ends unrecovered after two visits', async (id) => {
    const { io, ctx } = testContext(dir);
    const code = await simulateCommand(`${id}.yaml`, { outcome: [`${id}=fail`], json: true }, ctx);
    const result = JSON.parse(io.stdout()) as {
      outcome: string;
      steps: Record<string, { outcome: string; visits: number }>;
      calls: Record<string, unknown[]>;
    };
    expect(result.outcome).toBe('unrecovered');
    expect(result.steps[id as string]).toMatchObject({ outcome: 'skipped', visits: 2 });
    expect(result.steps.back).toMatchObject({ outcome: 'skipped', visits: 2 });
    expect(result.calls['svc.status']).toHaveLength(2);
    expect(code).toBe(1);
  });

  it('`--outcome __proto__=fail` is refused as an unknown step, not silently dropped', async () => {
    const { ctx } = testContext(dir);
    const error = await simulateCommand('valueOf.yaml', { outcome: ['__proto__=fail'] }, ctx).catch(
      (e: unknown) => e,
    );
    expect(String((error as Error).message)).toContain('outcomes.__proto__: no step with this id');
  });
});

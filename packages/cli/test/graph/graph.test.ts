import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compilePlaybook, loadPlaybook, parsePlaybook, PlaybookInvalid } from '@firstline/core';
import type { CompiledPlaybook, StepOutcome } from '@firstline/core';
import { describe, expect, it } from 'vitest';
import { graphCommand } from '../../src/commands/graph.js';
import { UsageError } from '../../src/context.js';
import { playbookGraph } from '@firstline/core/internal';
import { toDot } from '../../src/graph/toDot.js';
import { toGraphJson } from '../../src/graph/toGraphJson.js';
import { toMermaid } from '@firstline/core/internal';
import { EXAMPLES, FIXTURES, FIXTURE_ACTIONS, fakeActionsFor, testContext } from '../test-command/support.js';

const GOLDEN = join(import.meta.dirname, '__golden__');

/** Compares with a checked-in file; UPDATE_GOLDEN=1 rewrites it (then review the diff by eye). */
async function expectGolden(name: string, actual: string): Promise<void> {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    await mkdir(GOLDEN, { recursive: true });
    await writeFile(path, actual);
  }
  expect(actual).toBe(await readFile(path, 'utf8'));
}

async function example(file: string): Promise<CompiledPlaybook> {
  const loaded = await loadPlaybook(join(EXAMPLES, file));
  return compilePlaybook(loaded, { actions: fakeActionsFor(loaded.data) });
}

const playbooks = [
  ...readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenarios.yaml'))
    .map((f) => ({ name: `examples/playbooks/${f}`, compile: () => example(f) })),
  {
    name: 'fixtures cache-rescue (poll, goto, group with a timeout)',
    compile: async () =>
      compilePlaybook(await loadPlaybook(join(FIXTURES, 'playbooks/cache-rescue.yaml')), {
        actions: FIXTURE_ACTIONS,
      }),
  },
];

describe('graph renderings of ec2-first-line (golden)', () => {
  it('Mermaid: steps by id, choices for judges, "wait 2m", outcomes ending the diagram', async () => {
    const mermaid = toMermaid(await example('ec2-first-line.yaml'));
    await expectGolden('ec2-first-line.mmd', mermaid);
    expect(mermaid).not.toMatch(/__|s:|\bnotify\.[a-z]+\[/); // no internal keys
    expect(mermaid).toContain('state checks_failed <<choice>>');
    expect(mermaid).toContain('state "recheck (wait 2m)" as recheck');
    expect(mermaid).toContain('outcome_healthy --> [*]');
  });

  it('DOT: the same nodes and edges as a digraph', async () => {
    await expectGolden('ec2-first-line.dot', toDot(await example('ec2-first-line.yaml')));
  });
});

describe('every playbook is drawn whole, with outcomes on its edges', () => {
  it.each(playbooks)('$name', async ({ compile }) => {
    const compiled = await compile();
    const graph = toGraphJson(compiled);
    const ids = new Set(graph.nodes.map((n) => n.id));
    expect(ids.size).toBe(graph.nodes.length);

    // Every IR node that runs something appears under its step id; group steps under their group.
    for (const node of compiled.ir.nodes.values()) {
      if (node.kind === 'judge') continue;
      const drawn = graph.nodes.find((n) => n.step === node.id);
      expect(drawn, node.id).toBeDefined();
      if (node.kind === 'parallel')
        for (const sub of node.steps)
          expect(graph.nodes.find((n) => n.step === sub.id)?.parent).toBe(drawn!.id);
    }
    // A judge the run can reach is a choice.
    const judges = [...compiled.ir.nodes.values()].filter((n) => n.kind === 'judge' && n.rule !== 'fell-off');
    for (const judge of judges) expect(ids.has((judge as { rule: string }).rule)).toBe(true);

    // Edges leaving a step are labelled with step outcomes; choices with their condition.
    const kinds = new Map(graph.nodes.map((n) => [n.id, n.kind]));
    const stepOutcomes: StepOutcome[] = ['pass', 'fail', 'error', 'timeout', 'skipped'];
    for (const edge of graph.edges) {
      expect(ids.has(edge.from) && ids.has(edge.to), `${edge.from} → ${edge.to}`).toBe(true);
      const kind = kinds.get(edge.from)!;
      if (kind === 'choice')
        expect(edge.label).toMatch(
          /^(first round|after remediation|remediate \(up to \d+ rounds?\)|no rounds left|nothing remediates|next round|after a remediation|no remediation)$/,
        );
      else if (edge.label === 'budget spent') expect(edge.to).toBe('outcome:skipped');
      else if (edge.outcomes) {
        expect(edge.outcomes.every((o) => stepOutcomes.includes(o))).toBe(true);
        expect(edge.label).toBe(edge.outcomes.join('|'));
      } else expect(edge.label, `${edge.from} → ${edge.to}`).toBe('');
      if (['action', 'wait', 'poll', 'parallel'].includes(kind)) expect(edge.outcomes).toBeDefined();
    }

    // The Mermaid text has one line per edge, plus the start and the ends, with Mermaid-safe ids.
    const mermaid = toMermaid(graph);
    const arrows = mermaid.split('\n').filter((l) => l.includes('-->'));
    const ends = arrows.filter((l) => l.endsWith('--> [*]')).length;
    expect(arrows.length).toBe(graph.edges.length + 1 + ends);
    for (const line of arrows)
      expect(line).toMatch(/^ {2}(\[\*\]|[A-Za-z0-9_]+) --> (\[\*\]|[A-Za-z0-9_]+)( : [^:;#\n]+)?$/);
    for (const node of graph.nodes)
      if (node.kind !== 'choice')
        expect(mermaid).toContain(
          `"${node.label.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')}"`,
        );
    expect(toDot(graph).match(/ -> /g)).toHaveLength(graph.edges.length + 1 + ends);
  });
});

describe('graph details', () => {
  const general = (body: string) =>
    compilePlaybook(parsePlaybook(`firstline: 1\nname: g\nsteps:\n${body}`), { actions: FIXTURE_ACTIONS });

  it('Mermaid ids are word characters only, never start with "default", and stay unique', () => {
    const compiled = general(
      [
        '  - { id: default-route, action: svc.status }',
        '  - { id: default_route, action: svc.status }',
        '  - { id: a-b, action: svc.restart }',
        '  - { id: a_b, action: svc.restart }',
      ].join('\n'),
    );
    const mermaid = toMermaid(compiled);
    expect(mermaid).toContain('state "default-route (svc.status)" as s_default_route');
    expect(mermaid).toContain('state "default_route (svc.status)" as s_default_route_2');
    expect(mermaid).toContain('state "a-b (svc.restart)" as a_b');
    expect(mermaid).toContain('state "a_b (svc.restart)" as a_b_2');
  });

  it('a general-form playbook that falls off its end decides by the end-of-steps choice', () => {
    const graph = playbookGraph(
      general('  - { id: check, action: svc.status }\n  - { id: fix, action: svc.restart }'),
    );
    expect(graph.edges).toContainEqual({ from: 'fix', to: 'fell-off', label: 'pass', outcomes: ['pass'] });
    expect(graph.edges).toContainEqual({
      from: 'fell-off',
      to: 'outcome:recovered',
      label: 'after a remediation',
    });
    expect(graph.edges).toContainEqual({ from: 'fell-off', to: 'outcome:healthy', label: 'no remediation' });
  });

  it('expressions are kept readable and cannot break the Mermaid text', async () => {
    const compiled = compilePlaybook(await loadPlaybook(join(FIXTURES, 'playbooks/cache-rescue.yaml')), {
      actions: FIXTURE_ACTIONS,
    });
    const mermaid = toMermaid(compiled);
    expect(mermaid).toContain(
      'state "ready (poll probe until $number(output.load) #lt; 1, every 30s, up to 30s)" as ready',
    );
    expect(mermaid).toContain('state "again (goto flush, at most 1 visit)" as again');
    expect(mermaid).toContain('state "both (2 at once, any one must pass, within 30s)" as both {');
    expect(toDot(compiled)).toContain(
      '"ready" [label="ready (poll probe until $number(output.load) < 1, every 30s, up to 30s)"];',
    );
  });
});

describe('graphCommand', () => {
  it('prints Mermaid by default, DOT or JSON on request, resolving the path against cwd', async () => {
    for (const format of ['mermaid', 'dot', 'json'] as const) {
      const { io, ctx } = testContext(FIXTURES);
      expect(await graphCommand('playbooks/web-first-line.yaml', { format }, ctx)).toBe(0);
      const out = io.stdout();
      if (format === 'mermaid') expect(out).toMatch(/^stateDiagram-v2\n/);
      if (format === 'dot') expect(out).toMatch(/^digraph "web-first-line" \{\n/);
      if (format === 'json')
        expect(JSON.parse(out)).toMatchObject({ name: 'web-first-line', form: 'first-line', start: 'url' });
      expect(io.stderr()).toBe('');
    }
  });

  it('an invalid playbook throws PlaybookInvalid naming the file as given; a bad format is a usage error', async () => {
    const { ctx } = testContext(FIXTURES);
    const error = await graphCommand('playbooks/broken.yaml', { format: 'mermaid' }, ctx).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlaybookInvalid);
    expect((error as PlaybookInvalid).file).toBe('playbooks/broken.yaml');
    expect((error as PlaybookInvalid).issues.map((i) => `${i.line}:${i.column} ${i.code}`)).toEqual([
      '6:13 E_UNKNOWN_ACTION',
      '7:17 E_UNKNOWN_STEP',
    ]);
    await expect(
      graphCommand('playbooks/web-first-line.yaml', { format: 'svg' as 'dot' }, ctx),
    ).rejects.toThrow(UsageError);
  });
});

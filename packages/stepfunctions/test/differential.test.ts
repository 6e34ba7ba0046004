import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compilePlaybook, createMemoryStore, loadPlaybook, simulatePlaybook } from '@firstline/core';
import type { CompiledPlaybook } from '@firstline/core';
import type { ScriptedOutcomes } from '@firstline/core/internal';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runAslLocally } from '../../../test/support/stepfunctions/index.js';
import type { AslDefinition as HarnessDefinition } from '../../../test/support/stepfunctions/index.js';
import { exportAsl } from '../src/index.js';
import { EXAMPLES, exampleNames, installedActions } from './examples.js';
import { scriptedRunner, simulationPath } from './scriptedRunner.js';

// The core of "done" for the Step Functions export: every scenario of every example runs twice, as a
// simulation and as the exported JSONata definition on a local ASL interpreter whose Lambda Tasks are the
// action runner's core with the same scripted outcomes (and DynamoDB Tasks a named fake). Both runs must
// end with the same outcome, call each action as often, and take the same path.

interface Scenario {
  name: string;
  input?: Record<string, unknown>;
  outcomes?: ScriptedOutcomes;
  budgetsSpent?: boolean;
}

/**
 * Scenarios that cannot match, as `<example>: <scenario>` with why: each runs as `it.fails`, so it is
 * checked to still differ and a fix shows up here. None today: every example scenario matches.
 */
const KNOWN_GAPS: Record<string, string> = {};

const actions = installedActions();

/** A DynamoDB stand-in for the lock and budget Tasks (a fake, named so): every write wins; budgets are spent or empty. */
function fakeDynamo(resource: string, input: unknown, budgetsSpent: boolean): unknown {
  if (!resource.endsWith(':getItem')) return {};
  if (!budgetsSpent) return {};
  const now = Date.now();
  const uses = Object.fromEntries(
    Array.from({ length: 100 }, (_, i) => [`earlier-run:reboot:${i}`, { N: String(now - i) }]),
  );
  const key = (input as { Key: unknown }).Key;
  return {
    Item: { ...(key as object), revision: { N: '7' }, uses: { M: uses }, windowMs: { N: '86400000' } },
  };
}

async function bothRuns(compiled: CompiledPlaybook, scenario: Scenario) {
  const sim = await simulatePlaybook(compiled, {
    input: scenario.input ?? {},
    ...(scenario.outcomes && { outcomes: scenario.outcomes }),
    ...(scenario.budgetsSpent && {
      store: { ...createMemoryStore(), spend: () => Promise.resolve({ allowed: false, uses: [] }) },
    }),
  });
  const { definition } = exportAsl(compiled, { actions, nativeTasks: false });
  const runner = scriptedRunner(actions, compiled.ir, scenario.outcomes, sim.runId);
  const asl = await runAslLocally(
    definition as unknown as HarnessDefinition,
    { inputs: scenario.input ?? {} },
    {
      taskHandler: (_state, resource, input) =>
        resource === 'arn:aws:states:::lambda:invoke'
          ? // The Lambda invoke integration's answer: the function's result under Payload.
            runner((input as { Payload: unknown }).Payload).then((Payload) => ({ Payload, StatusCode: 200 }))
          : Promise.resolve(fakeDynamo(resource, input, scenario.budgetsSpent === true)),
      context: { Execution: { Name: 'asl-run-1', StartTime: '2026-12-06T00:00:00.000Z' } },
    },
  );
  const playbookActions = new Set(
    [...compiled.ir.nodes.values()].flatMap((n) =>
      n.kind === 'action' ? [n.action] : n.kind === 'parallel' ? n.steps.map((m) => m.action) : [],
    ),
  );
  const count = (list: string[]) =>
    Object.fromEntries([...playbookActions].sort().map((a) => [a, list.filter((x) => x === a).length]));
  const aslCalls = asl.calls
    .filter((c) => c.resource === 'arn:aws:states:::lambda:invoke')
    .map((c) => (c.input as { Payload: { action: string } }).Payload.action);
  const output = asl.output as { outcome?: string; path?: string[] } | undefined;
  return {
    simulation: {
      outcome: sim.outcome,
      calls: count([...playbookActions].flatMap((a) => sim.calls(a).map(() => a))),
      path: simulationPath(compiled.ir, sim.trace),
    },
    asl: {
      outcome: asl.status === 'SUCCEEDED' ? output?.outcome : `${asl.status} ${asl.error}: ${asl.cause}`,
      calls: count(aslCalls),
      path: output?.path ?? [],
    },
  };
}

/** Playbooks with scenario files: every example, and test fixtures for what no example uses (a poll). */
const PLAYBOOKS = [
  ...exampleNames().map((name) => ({ dir: EXAMPLES, name })),
  { dir: fileURLToPath(new URL('./fixtures/', import.meta.url)), name: 'poll-after-reboot' },
];

describe('the exported state machine runs every example scenario as the simulation does', () => {
  for (const { dir, name } of PLAYBOOKS) {
    const file = `${dir}${name}.scenarios.yaml`;
    const { scenarios } = parse(readFileSync(file, 'utf8')) as { scenarios: Scenario[] };
    describe(name, () => {
      for (const scenario of scenarios) {
        const gap = KNOWN_GAPS[`${name}: ${scenario.name}`];
        const test = async () => {
          const compiled = compilePlaybook(await loadPlaybook(`${dir}${name}.yaml`), { actions });
          const { simulation, asl } = await bothRuns(compiled, scenario);
          expect(asl).toEqual(simulation);
        };
        if (gap) it.fails(`${scenario.name} (known gap: ${gap})`, test);
        else it(scenario.name, test);
      }
    });
  }
});

describe('native aws-sdk tasks, run locally against fake AWS answers (named fakes: no AWS is called)', () => {
  /** A DescribeInstanceStatus answer, as the aws-sdk integration returns it. */
  const describeStatus = (systemStatus: string) => ({
    InstanceStatuses: [
      {
        InstanceId: 'i-0abc1234',
        InstanceState: { Name: 'running' },
        SystemStatus: { Status: systemStatus },
        InstanceStatus: { Status: 'ok' },
      },
    ],
  });

  async function run(systemStatus: string, region: string) {
    const compiled = compilePlaybook(await loadPlaybook(`${EXAMPLES}asg-self-heal.yaml`), { actions });
    const { definition } = exportAsl(compiled, { actions });
    const runner = scriptedRunner(actions, compiled.ir, undefined, 'native-run');
    const result = await runAslLocally(
      definition as unknown as HarnessDefinition,
      { inputs: { instanceId: 'i-0abc1234', region } },
      {
        taskHandler: (_state, resource, input) =>
          resource.endsWith(':describeInstanceStatus')
            ? Promise.resolve(describeStatus(systemStatus))
            : resource.endsWith(':setInstanceHealth')
              ? Promise.resolve({})
              : runner((input as { Payload: unknown }).Payload).then((Payload) => ({ Payload })),
        context: {
          Execution: { Name: 'native-run', StartTime: '2026-12-06T00:00:00.000Z' },
          StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:asg-self-heal' },
        },
      },
    );
    return { result, resources: result.calls.map((c) => `${c.state} ${c.resource.split(':::')[1]}`) };
  }

  it('impaired: DescribeInstanceStatus and SetInstanceHealth natively, then Slack through the runner', async () => {
    const { result, resources } = await run('impaired', 'us-east-1');
    expect(result.output).toMatchObject({
      outcome: 'replaced',
      path: ['status:fail', 'mark-unhealthy:pass', 'tell-ops:pass'],
    });
    expect(resources).toEqual([
      'status aws-sdk:ec2:describeInstanceStatus',
      'mark-unhealthy aws-sdk:autoscaling:setInstanceHealth',
      'tell-ops lambda:invoke',
    ]);
  });

  it('healthy: the native output says so, nothing is marked', async () => {
    const { result, resources } = await run('ok', 'us-east-1');
    expect(result.output).toMatchObject({ outcome: 'healthy', path: ['status:pass'] });
    expect(resources).toEqual(['status aws-sdk:ec2:describeInstanceStatus']);
  });

  it("another region than the state machine's: the same steps go through the runner", async () => {
    const { result, resources } = await run('ok', 'eu-west-1');
    expect(result.output).toMatchObject({ outcome: 'healthy' });
    expect(resources).toEqual(['status.runner lambda:invoke']);
  });
});

describe('the JSONPath variant runs the example it covers as the simulation does (outcome and calls)', () => {
  const name = 'asg-self-heal';
  const { scenarios } = parse(readFileSync(`${EXAMPLES}${name}.scenarios.yaml`, 'utf8')) as {
    scenarios: Scenario[];
  };
  for (const scenario of scenarios)
    it(`${name}: ${scenario.name}`, async () => {
      const compiled = compilePlaybook(await loadPlaybook(`${EXAMPLES}${name}.yaml`), { actions });
      const sim = await simulatePlaybook(compiled, {
        input: scenario.input ?? {},
        ...(scenario.outcomes && { outcomes: scenario.outcomes }),
      });
      const { definition } = exportAsl(compiled, { actions, nativeTasks: false, queryLanguage: 'JSONPath' });
      const runner = scriptedRunner(actions, compiled.ir, scenario.outcomes, sim.runId);
      const asl = await runAslLocally(
        definition as unknown as HarnessDefinition,
        { inputs: scenario.input ?? {} },
        {
          taskHandler: (_state, _resource, input) =>
            runner((input as { Payload: unknown }).Payload).then((Payload) => ({ Payload, StatusCode: 200 })),
          validate: false,
          context: { Execution: { Name: 'jsonpath-run-1' } },
        },
      );
      const calls = (list: string[]) =>
        Object.fromEntries(
          ['aws.ec2.status', 'aws.autoscaling.setInstanceHealth', 'slack.post'].map((a) => [
            a,
            list.filter((x) => x === a).length,
          ]),
        );
      expect({
        outcome:
          (asl.output as { outcome?: string } | undefined)?.outcome ??
          `${asl.status} ${asl.error}: ${asl.cause}`,
        calls: calls(asl.calls.map((c) => (c.input as { Payload: { action: string } }).Payload.action)),
      }).toEqual({
        outcome: sim.outcome,
        calls: calls(
          ['aws.ec2.status', 'aws.autoscaling.setInstanceHealth', 'slack.post'].flatMap((a) =>
            sim.calls(a).map(() => a),
          ),
        ),
      });
    });
});

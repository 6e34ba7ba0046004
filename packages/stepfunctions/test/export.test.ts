import validator from 'asl-validator';
import { loadPlaybook, playbookFromData } from '@firstline/core';
import { describe, expect, it } from 'vitest';
import { exportAsl } from '../src/index.js';
import { EXAMPLES, exampleNames, installedActions } from './examples.js';

const actions = installedActions();

/** Names a machine's states assign (Assign of states, Catch and Choice rules), not counting nested branches. */
function assigned(states: Record<string, Record<string, unknown>>): Set<string> {
  const names = new Set<string>();
  const add = (assign: unknown) =>
    Object.keys((assign as object | undefined) ?? {}).forEach((n) => names.add(n));
  for (const state of Object.values(states)) {
    add(state.Assign);
    for (const rule of [...((state.Catch as unknown[]) ?? []), ...((state.Choices as unknown[]) ?? [])])
      add((rule as { Assign?: unknown }).Assign);
  }
  return names;
}

/** Parallel branches whose states assign a variable of the outer scope: Step Functions refuses them. */
function reusedInBranches(states: Record<string, Record<string, unknown>>): string[] {
  const outer = assigned(states);
  return Object.values(states).flatMap((state) =>
    ((state.Branches as Array<{ States: Record<string, Record<string, unknown>> }>) ?? []).flatMap((branch) =>
      [...assigned(branch.States)].filter((name) => outer.has(name)),
    ),
  );
}

describe('every example playbook exports to a valid state machine', () => {
  it.each(exampleNames())('%s', async (name) => {
    const playbook = await loadPlaybook(`${EXAMPLES}${name}.yaml`);
    for (const nativeTasks of [true, false]) {
      const { definition, runnerSteps } = exportAsl(playbook, { actions, nativeTasks });
      // The validator writes defaults into what it is given: it gets a copy.
      const result = validator(structuredClone(definition), { checkArn: false, checkPaths: true });
      expect(result.errors, result.errorsText('\n')).toEqual([]);
      expect(result.isValid).toBe(true);
      expect(definition.QueryLanguage).toBe('JSONata');
      expect(runnerSteps.length).toBeGreaterThan(0);
      // A rule asl-validator does not check: an inner scope never assigns an outer scope's variable.
      expect(reusedInBranches(definition.States as Record<string, Record<string, unknown>>)).toEqual([]);
    }
  });
});

/** Why each example that needs JSONata is refused in JSONPath (the step named in the error). */
const JSONPATH_REFUSALS: Record<string, RegExp> = {
  'ec2-first-line': /the first-line form's rounds need JSONata/,
  'multi-region-first-line': /the first-line form's rounds need JSONata/,
  'network-latency-rescue': /step "recheck": .*maxVisits/,
  'prometheus-core-dump': /step "find": .*steps.outlier.output.picked.labels.kind .* is not a plain input/,
};

describe('the JSONPath variant: every example exports or is refused naming the step', () => {
  it.each(exampleNames())('%s', async (name) => {
    const playbook = await loadPlaybook(`${EXAMPLES}${name}.yaml`);
    const refused = JSONPATH_REFUSALS[name];
    if (refused) {
      expect(() => exportAsl(playbook, { actions, queryLanguage: 'JSONPath' })).toThrow(refused);
      return;
    }
    const { definition } = exportAsl(playbook, { actions, queryLanguage: 'JSONPath' });
    expect(definition.QueryLanguage).toBe('JSONPath');
    const result = validator(structuredClone(definition), { checkArn: false, checkPaths: true });
    expect(result.errors, result.errorsText('\n')).toEqual([]);
  });
});

describe('native tasks', () => {
  it('asg-self-heal: the status read and the health mark are aws-sdk tasks, Slack goes through the runner', async () => {
    const playbook = await loadPlaybook(`${EXAMPLES}asg-self-heal.yaml`);
    const { definition, nativeSteps, runnerSteps } = exportAsl(playbook, { actions });
    expect(nativeSteps).toEqual([
      { step: 'status', resource: 'arn:aws:states:::aws-sdk:ec2:describeInstanceStatus' },
      { step: 'mark-unhealthy', resource: 'arn:aws:states:::aws-sdk:autoscaling:setInstanceHealth' },
    ]);
    // Each names a region in `with`: another region than the state machine's goes through the runner.
    expect(runnerSteps).toEqual(['status', 'mark-unhealthy', 'tell-ops']);
    expect(definition.States['status.where']?.Type).toBe('Choice');
    // The Slack token is a reference the runner resolves, never a value.
    expect(JSON.stringify(definition)).toContain('\\"ref\\":{\\"env\\":\\"SLACK_TOKEN\\"}');
  });

  it('nativeTasks: false puts every step through the runner', async () => {
    const playbook = await loadPlaybook(`${EXAMPLES}asg-self-heal.yaml`);
    const { nativeSteps, definition } = exportAsl(playbook, { actions, nativeTasks: false });
    expect(nativeSteps).toEqual([]);
    expect(JSON.stringify(definition)).not.toContain('aws-sdk:');
  });
});

describe('a small definition, whole', () => {
  it('matches its snapshot (state names are step ids, helpers suffixed)', () => {
    const playbook = playbookFromData({
      firstline: 1,
      name: 'small',
      inputs: { host: { type: 'string' } },
      steps: [
        {
          id: 'probe',
          action: 'test.web.check',
          with: { url: 'https://{{ inputs.host }}/health' },
          expect: 'output.status = 200',
          retry: { attempts: 2, delay: '2s', on: ['timeout'] },
          on: { fail: 'down' },
        },
        { id: 'up', end: 'healthy' },
        { id: 'down', end: 'unrecovered' },
      ],
    });
    const { definition } = exportAsl(playbook, {
      actionRunnerArn: 'arn:aws:lambda:eu-west-1:123456789012:function:runner',
    });
    expect(validator(structuredClone(definition), { checkArn: false }).errors).toEqual([]);
    expect(definition).toMatchSnapshot();
  });
});

describe('at most once: a remediation that is not idempotent is not retried on what may have acted', () => {
  type Retrier = { ErrorEquals: string[] };
  const retried = (state: Record<string, unknown> | undefined) =>
    ((state?.Retry as Retrier[] | undefined) ?? []).flatMap((r) => r.ErrorEquals);

  it("ec2-first-line's reboot (retry.on: [throttled, timeout]) retries throttling only, natively and through the runner", async () => {
    const playbook = await loadPlaybook(`${EXAMPLES}ec2-first-line.yaml`);
    const { States } = exportAsl(playbook, { actions }).definition as {
      States: Record<string, Record<string, unknown>>;
    };
    const native = retried(States.reboot);
    expect(native).toContain('Ec2.ThrottlingException');
    expect(native).not.toContain('States.Timeout');
    expect(native).not.toContain('Firstline.Timeout');
    expect(native).not.toContain('Ec2.InternalError');
    const viaRunner = exportAsl(playbook, { actions, nativeTasks: false }).definition as {
      States: Record<string, Record<string, unknown>>;
    };
    const runner = retried(viaRunner.States.reboot);
    expect(runner).toContain('Firstline.Throttled');
    expect(runner).not.toContain('States.Timeout');
    expect(runner).not.toContain('Lambda.ServiceException');
    expect(runner).not.toContain('Lambda.SdkClientException');
    expect(runner).toContain('Lambda.TooManyRequestsException');
    // A probe may be read again: its timeouts and Lambda service errors are retried.
    expect(retried(States.url)).toEqual(
      expect.arrayContaining(['States.Timeout', 'Lambda.ServiceException']),
    );
  });
});

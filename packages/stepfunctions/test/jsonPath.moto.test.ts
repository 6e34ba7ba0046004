import { AutoScalingClient, DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { fileURLToPath } from 'node:url';
import validator from 'asl-validator';
import { loadPlaybook } from '@firstline/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runAslOnMoto } from '../../../test/support/stepfunctions/runAslOnMoto.js';
import { createOneInstanceGroup } from '../../../test/support/stepfunctions/index.js';
import type { AslDefinition as HarnessDefinition } from '../../../test/support/stepfunctions/index.js';
import { exportAsl } from '../src/index.js';
import { EXAMPLES, installedActions } from './examples.js';

// The JSONPath variant on moto's Step Functions (JSONPath only; its aws-sdk Tasks call moto itself):
// an all-AWS playbook's native tasks really mark an Auto Scaling instance Unhealthy.

const endpoint = inject('motoEndpoint');
if (!endpoint) console.warn('!! moto_server missing: SKIPPING the JSONPath export on moto');

const REGION = 'us-east-1';
const client = {
  endpoint,
  region: REGION,
  credentials: { accessKeyId: 'fake-access-key', secretAccessKey: 'fake-secret-key' },
  maxAttempts: 1,
};
const actions = installedActions();
const REPLACE = fileURLToPath(new URL('./fixtures/asg-replace-running.yaml', import.meta.url));

describe.skipIf(!endpoint)('the JSONPath export on moto (real SDK calls, aws-sdk tasks)', () => {
  const ec2 = new EC2Client(client);
  const autoScaling = new AutoScalingClient(client);
  let instanceId = '';
  const health = async () =>
    (await autoScaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] })))
      .AutoScalingInstances![0]!.HealthStatus;

  beforeAll(async () => {
    instanceId = await createOneInstanceGroup(ec2, autoScaling, 'asl-export-web');
  });

  afterAll(() => {
    ec2.destroy();
    autoScaling.destroy();
  });

  it('asg-self-heal: moto says the instance is healthy, the run ends healthy and marks nothing', async () => {
    const { definition, nativeSteps } = exportAsl(await loadPlaybook(`${EXAMPLES}asg-self-heal.yaml`), {
      actions,
      queryLanguage: 'JSONPath',
    });
    expect(nativeSteps.map((s) => s.step)).toEqual(['status', 'mark-unhealthy']);
    expect(validator(structuredClone(definition), { checkArn: false }).errors).toEqual([]);
    const result = await runAslOnMoto(
      definition as unknown as HarnessDefinition,
      { inputs: { instanceId } },
      { endpoint },
    );
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: { outcome: 'healthy', steps: { status: { outcome: 'pass' } } },
    });
    expect(await health()).toMatch(/^healthy$/i);
  });

  it('a running instance is marked Unhealthy by the native SetInstanceHealth task: moto shows it', async () => {
    const { definition } = exportAsl(await loadPlaybook(REPLACE), { actions, queryLanguage: 'JSONPath' });
    expect(await health()).toMatch(/^healthy$/i);
    const result = await runAslOnMoto(
      definition as unknown as HarnessDefinition,
      { inputs: { instanceId } },
      { endpoint },
    );
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: {
        outcome: 'replaced',
        steps: { status: { outcome: 'pass' }, 'mark-unhealthy': { outcome: 'pass' } },
      },
    });
    expect(result.history.map((s) => s.name)).toContain('mark-unhealthy');
    expect(await health()).toMatch(/^unhealthy$/i);
  });
});

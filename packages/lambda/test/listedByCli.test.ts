import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { RunPage } from '@firstline/core';
import { createRunStoreTable } from '@firstline/store-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FAKE_CREDENTIALS, launchUnhealthyInstance, motoHandler, REGION, sdkConfig } from './motoSupport.js';
import { createShiftedClock, eventBridgeAlarm, lambdaContext, recordingLogger } from './support.js';

// The live path of `firstline runs --store dynamodb://…`: the Lambda handler (createLambdaHandler with
// the DynamoDB store, on moto) runs an alarm's playbook, and the built `firstline` bin, a separate
// process with fake credentials in its environment, lists that run and reports it from the table.
const endpoint = inject('motoEndpoint');
if (!endpoint) console.warn('!! moto_server missing: SKIPPING the Lambda-to-`firstline runs` test');

const BIN = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
const run = promisify(execFile);

/** The built bin with only fake AWS credentials and a region in its environment. */
function firstline(args: string[]) {
  return run(process.execPath, [BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
      AWS_REGION: REGION,
      NO_COLOR: '1',
    },
  });
}

describe.skipIf(!endpoint)('firstline runs lists what the Lambda handler stored (moto)', () => {
  const ec2 = new EC2Client(sdkConfig(endpoint));
  const table = `firstline-listed-${randomUUID().slice(0, 8)}`;
  const clock = createShiftedClock();
  const made = motoHandler({
    endpoint,
    table,
    clock,
    logger: recordingLogger(),
    scheduleWake: () => Promise.resolve(),
  });
  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run pnpm build first (pnpm test does)`);
    await createRunStoreTable(made.dynamo, table);
  });
  afterAll(async () => {
    await made.close();
    ec2.destroy();
  });

  it('an alarm handled by Lambda is listed by the CLI, with its trigger, wait and reboot', async () => {
    const instanceId = await launchUnhealthyInstance(ec2);
    const result = await made.handler(eventBridgeAlarm(instanceId, 'ev-listed'), lambdaContext(30_000));
    const [handled] = result.runs;
    expect(handled).toMatchObject({ outcome: 'suspended' });
    expect(made.reboots()).toBe(1);

    const store = `dynamodb://${table}?endpoint=${endpoint}&region=${REGION}`;
    const listed = await firstline(['runs', '--store', store, '--json']);
    const page = JSON.parse(listed.stdout) as RunPage;
    expect(page.cursor).toBeUndefined();
    expect(page.runs).toEqual([
      expect.objectContaining({
        runId: handled!.runId,
        playbook: 'reboot-unhealthy',
        mode: 'live',
        status: 'running',
        trigger: 'alarm cpu-at-100-object4',
        waiting: { reason: 'wait', until: expect.any(Number) as number },
        changed: [{ step: 'reboot', action: 'aws.ec2.reboot', outcome: 'pass' }],
      }),
    ]);

    const table_ = await firstline(['runs', '--store', store, '--status', 'running']);
    expect(table_.stdout).toMatch(
      new RegExp(`^${handled!.runId} +reboot-unhealthy +alarm cpu-at-100-object4 `, 'm'),
    );
    expect(table_.stdout).toMatch(/running +wake in (10m|9m \d+s) +reboot aws\.ec2\.reboot\n/);
    const none = await firstline(['runs', '--store', store, '--status', 'done']);
    expect(none.stdout).toBe(
      `no runs (status done) in dynamodb://${table}?region=${REGION}&endpoint=${endpoint}\n`,
    );

    const report = await firstline(['report', handled!.runId, '--store', store]);
    expect(report.stdout).toMatch(/^## Run /);
    expect(report.stdout).toContain('reboot');
  });
});

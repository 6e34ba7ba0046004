// What the moto scenarios share with the fresh-process script (test/resumeChild.ts): clients and
// actions pointed at moto, a DynamoDB run store on a given table, and the handler made from them the
// way a Lambda module would make it, at module scope.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { awsActions, createAwsClients } from '@firstline/actions-aws';
import type { Clock, Logger, RunnablePlaybook } from '@firstline/core';
import { createLambdaHandler } from '@firstline/lambda';
import type { LambdaHandler, LambdaHandlerOptions } from '@firstline/lambda';
import { dynamoRunStore } from '@firstline/store-dynamodb';
import { countCalls, fixturePath, recordingNotify } from './support.js';

/** The region every moto scenario uses. */
export const REGION = 'us-east-1';

/** Obviously fake credentials: moto needs signed requests, not real keys. */
export const FAKE_CREDENTIALS = { accessKeyId: 'fake-access-key', secretAccessKey: 'fake-secret-key' };

/** SDK client config for moto: its endpoint, fake credentials, one attempt (moto answers unknown calls with a 500). */
export const sdkConfig = (endpoint: string) => ({
  region: REGION,
  endpoint,
  credentials: FAKE_CREDENTIALS,
  maxAttempts: 1,
});

/** Launches one moto instance tagged `health: bad` (the fixtures' unhealthy host); resolves its id. */
export async function launchUnhealthyInstance(ec2: EC2Client): Promise<string> {
  const launched = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'health', Value: 'bad' }] }],
    }),
  );
  return launched.Instances![0]!.InstanceId!;
}

/** A handler as a Lambda module builds it, against moto, with the reboot counted and notifications recorded. */
export function motoHandler(options: {
  endpoint: string;
  table: string;
  clock: Clock;
  logger: Logger;
  playbook?: RunnablePlaybook | string;
  scheduleWake?: LambdaHandlerOptions['scheduleWake'];
  /** More handler options (HTTP routes, env). */
  extra?: Partial<LambdaHandlerOptions>;
}): {
  handler: LambdaHandler;
  reboots: () => number;
  notifications: unknown[];
  dynamo: DynamoDBClient;
  /** Closes the clients' connections, so a process can end. */
  close: () => Promise<void>;
} {
  const dynamo = new DynamoDBClient(sdkConfig(options.endpoint));
  const notify = recordingNotify();
  const clients = createAwsClients(sdkConfig(options.endpoint));
  const aws = awsActions(clients);
  const { actions, calls } = countCalls([...aws, notify.action], 'aws.ec2.reboot');
  const handler = createLambdaHandler({
    playbooks: { 'reboot-unhealthy': options.playbook ?? fixturePath('reboot-unhealthy.yaml') },
    actions,
    store: dynamoRunStore({ table: options.table, client: dynamo, now: () => options.clock.now() }),
    clock: options.clock,
    logger: options.logger,
    ...(options.scheduleWake && { scheduleWake: options.scheduleWake }),
    ...options.extra,
  });
  const close = async () => {
    dynamo.destroy();
    (await clients.ec2(REGION)).destroy();
  };
  return { handler, reboots: calls, notifications: notify.received, dynamo, close };
}

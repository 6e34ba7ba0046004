import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  CreateHealthCheckCommand,
  GetHealthCheckStatusCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { createHttpCheck } from '@firstline/actions-net';
import { defineAction, runPlaybook } from '@firstline/core';
import type { ActionDefinition, RunResult } from '@firstline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsActions } from '../../src/index.js';
import type { AwsOptions } from '../../src/index.js';
import { motoOptions, recordingNotify, sdkConfig } from '../support.js';

// A check that could not run never reboots, against real AWS APIs (moto): a health check that does not
// exist, credentials AWS does not know, and a user whose policy denies the call. The run ends
// `inconclusive`, nothing is rebooted, and exactly one escalation says which check could not run, why,
// and what the run had already changed. moto enforces credentials and IAM policies only when started
// with INITIAL_NO_AUTH_ACTION_COUNT=0, so those cases use a second moto_server of their own.

const PLAYBOOK = {
  firstline: 1,
  name: 'web-first-line',
  inputs: { url: { type: 'string' }, healthCheckId: { type: 'string' }, instanceId: { type: 'string' } },
  timeout: '2m',
  defaults: { timeout: '20s' },
  checks: [
    {
      id: 'url',
      action: 'http.check',
      // Any status is an answer; the verdict is the playbook's: not 200 → the check fails.
      with: { url: '{{ inputs.url }}', expectStatus: '100-599' },
      expect: 'output.status = 200',
    },
    {
      id: 'route53',
      action: 'aws.route53.healthCheckStatus',
      with: { healthCheckId: '{{ inputs.healthCheckId }}' },
    },
  ],
  remediate: [{ id: 'reboot', action: 'aws.ec2.reboot', with: { instanceIds: ['{{ inputs.instanceId }}'] } }],
  // A real clock (the calls are real I/O): the recheck wait is kept short.
  recheck: { rounds: 1, after: '100ms' },
  notify: {
    unrecovered: [{ id: 'paged', action: 'test.notify.page', with: { text: 'still failing' } }],
    inconclusive: [
      {
        id: 'escalated',
        action: 'test.notify.record',
        with: {
          text: "could not check {{ run.inconclusive.step }}; {{ $count(run.inconclusive.remediations) = 0 ? 'nothing was changed' : 'already done: ' & $join(run.inconclusive.remediations.action, ', ') }}",
          why: '{{ run.inconclusive }}',
        },
      },
    ],
  },
};

/** A loopback server answering each request with the next status of `statuses`, then 200. */
async function statusServer(statuses: number[]): Promise<{ url: string; server: Server }> {
  const queue = [...statuses];
  const server = createServer((_req, res) => {
    res.statusCode = queue.shift() ?? 200;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`, server };
}

/** Counts the reboots the run asked for, whatever moto answers. */
function counting(action: ActionDefinition): { action: ActionDefinition; calls: () => number } {
  let calls = 0;
  const run = action.run.bind(action);
  return {
    action: defineAction({ ...action, run: (input, ctx) => (calls++, run(input, ctx)) }),
    calls: () => calls,
  };
}

/** The actions of one run: http.check, the AWS actions (route53 against `route53Options`), recorders. */
function castFor(url: string, route53Options: AwsOptions) {
  const aws = awsActions(motoOptions(url));
  const route53 = awsActions(route53Options).find((a) => a.id === 'aws.route53.healthCheckStatus')!;
  const reboot = counting(aws.find((a) => a.id === 'aws.ec2.reboot')!);
  const escalation = recordingNotify();
  const page = recordingNotify('test.notify.page');
  return {
    actions: [createHttpCheck(), route53, reboot.action, escalation.action, page.action],
    reboots: reboot.calls,
    escalations: escalation.received as Array<{ text: string; why: Record<string, unknown> }>,
    pages: page.received,
  };
}

/** What every inconclusive run must show: no reboot unless `rebooted`, one escalation, no page. */
function expectInconclusive(result: RunResult, cast: ReturnType<typeof castFor>, rebooted: number): void {
  expect(result.outcome).toBe('inconclusive');
  expect(result.steps.route53?.outcome).toBe('error');
  expect(cast.reboots()).toBe(rebooted);
  expect(cast.escalations).toHaveLength(1);
  expect(cast.pages).toEqual([]);
  expect(cast.escalations[0]!.why).toMatchObject({
    step: 'route53',
    action: 'aws.route53.healthCheckStatus',
  });
  const decision = result.trace.find((e) => e.type === 'decision' && e.message.includes('could not run'));
  expect(decision).toMatchObject({ step: 'route53' });
}

/** The inconclusive runs against moto; `url` is the shared moto_server of the global setup. */
export function inconclusiveSuite(url: string): void {
  describe('a check that could not run, against moto: inconclusive, no reboot, one escalation', () => {
    const ec2 = new EC2Client(sdkConfig(url));
    let web: { url: string; server: Server } | undefined;
    afterAll(() => {
      ec2.destroy();
      web?.server.close();
    });

    async function instance(): Promise<string> {
      const out = await ec2.send(
        new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }),
      );
      return out.Instances![0]!.InstanceId!;
    }

    async function run(cast: ReturnType<typeof castFor>, healthCheckId: string, statuses: number[] = []) {
      web?.server.close();
      web = await statusServer(statuses);
      const input = { url: web.url, healthCheckId, instanceId: await instance() };
      return runPlaybook(PLAYBOOK, { actions: cast.actions, input });
    }

    it('a health check that does not exist (NoSuchHealthCheck): nothing was changed', async () => {
      const cast = castFor(url, motoOptions(url));
      const result = await run(cast, 'a0000000-0000-0000-0000-000000000000');
      expectInconclusive(result, cast, 0);
      expect(result.steps.route53?.error).toMatch(/NoSuchHealthCheck/);
      expect(cast.escalations[0]).toMatchObject({
        text: 'could not check route53; nothing was changed',
        why: { outcome: 'error', round: 0, remediations: [] },
      });
    });

    it('in the recheck after a reboot: one reboot, and the escalation says it was done', async () => {
      const cast = castFor(url, motoOptions(url));
      // The URL answers 503 first (a verdict: reboot), then 200; Route 53 then cannot be asked.
      const result = await run(cast, 'b0000000-0000-0000-0000-000000000000', [503]);
      expectInconclusive(result, cast, 1);
      expect(result.steps.reboot?.outcome).toBe('pass');
      expect(cast.escalations[0]).toMatchObject({
        text: 'could not check route53; already done: aws.ec2.reboot',
        why: { round: 1, remediations: [{ step: 'reboot', action: 'aws.ec2.reboot' }] },
      });
    });

    describe('with a moto_server that enforces credentials and IAM policies', () => {
      let auth: { child: ChildProcess; url: string } | undefined;
      let healthCheckId = '';
      let denied = { accessKeyId: '', secretAccessKey: '' };
      beforeAll(async () => {
        auth = await startAuthMoto();
        // The next three requests are let through unauthenticated: they create the denied user.
        await fetch(`${auth.url}/moto-api/reset-auth`, { method: 'POST', body: '3' });
        denied = await deniedUser(auth.url);
        // A real health check, so the only reason the call fails is who makes it.
        const route53 = new Route53Client(sdkConfig(url));
        const created = await route53.send(
          new CreateHealthCheckCommand({
            CallerReference: 'inconclusive-auth',
            HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'app.example.com' },
          }),
        );
        route53.destroy();
        healthCheckId = created.HealthCheck!.Id!;
      }, 30_000);
      afterAll(() => stopChild(auth?.child));

      it('credentials AWS does not know: inconclusive, nothing rebooted', async () => {
        const options = motoOptions(auth!.url);
        expect(await refusal(options, healthCheckId)).toBe('InvalidClientTokenId');
        const cast = castFor(url, options);
        const result = await run(cast, healthCheckId);
        expectInconclusive(result, cast, 0);
        expect(result.steps.route53?.error).toMatch(/GetHealthCheckStatus failed: .*\[HTTP 403\]/);
      });

      it('a policy that denies route53:GetHealthCheckStatus (AccessDenied): inconclusive', async () => {
        const options = motoOptions(auth!.url, { credentials: denied });
        expect(await refusal(options, healthCheckId)).toBe('AccessDenied');
        const cast = castFor(url, options);
        const result = await run(cast, healthCheckId);
        expectInconclusive(result, cast, 0);
        expect(result.steps.route53?.error).toMatch(/GetHealthCheckStatus failed: .*\[HTTP 403\]/);
        expect(cast.escalations[0]!.why).toMatchObject({ error: result.steps.route53?.error });
      });
    });
  });
}

/**
 * The error code moto refuses GetHealthCheckStatus with, read from the raw answer: moto writes auth
 * errors in the Query protocol's shape, which the Route 53 client cannot parse (it reports an
 * UnknownError 403), so the run's error cannot tell unknown credentials from AccessDenied by itself.
 */
async function refusal(options: AwsOptions, healthCheckId: string): Promise<string> {
  const client = new Route53Client({
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: 1,
  });
  let body = '';
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const response = out.response as { body: AsyncIterable<Uint8Array> };
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
      body = Buffer.concat(chunks).toString();
      response.body = Readable.from([Buffer.from(body)]);
      return out;
    },
    { step: 'deserialize', priority: 'low', name: 'captureBody' },
  );
  try {
    await client.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }));
    return 'allowed';
  } catch {
    return /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? `unreadable: ${body}`;
  } finally {
    client.destroy();
  }
}

/** Starts moto_server with INITIAL_NO_AUTH_ACTION_COUNT=0 (every request authenticated) on a free loopback port. */
async function startAuthMoto(): Promise<{ child: ChildProcess; url: string }> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: '0' },
  });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (!log.includes('Running on')) return;
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      // Keep draining: moto logs every request, and a full pipe would block it.
      child.stdout?.resume();
      child.stderr?.resume();
      resolve();
    };
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`moto_server exited with ${code}:\n${log}`)));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/**
 * Creates an IAM user allowed everything but route53:GetHealthCheckStatus, and its access key, with
 * IAM's Query API (moto routes it by the credential scope; its signature is not checked while the
 * requests are let through).
 */
async function deniedUser(url: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'route53:GetHealthCheckStatus', Resource: '*' },
    ],
  };
  const iam = async (params: Record<string, string>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=FIRSTLINE-TEST-NOT-A-KEY/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: new URLSearchParams({ ...params, Version: '2010-05-08' }).toString(),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`IAM ${params.Action}: ${response.status} ${text}`);
    return text;
  };
  await iam({ Action: 'CreateUser', UserName: 'cannot-read-route53' });
  await iam({
    Action: 'PutUserPolicy',
    UserName: 'cannot-read-route53',
    PolicyName: 'deny-health-checks',
    PolicyDocument: JSON.stringify(policy),
  });
  const key = await iam({ Action: 'CreateAccessKey', UserName: 'cannot-read-route53' });
  const field = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(key)?.[1] ?? '';
  return { accessKeyId: field('AccessKeyId'), secretAccessKey: field('SecretAccessKey') };
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

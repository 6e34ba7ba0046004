import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { defineAction, runPlaybook } from '@firstline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { awsActions } from '../../src/index.js';
import { motoOptions, sdkConfig } from '../support.js';

// Outcomes through the engine against moto: a check that cannot be done (an unknown health check,
// credentials AWS refuses) is `error`, never `fail`, in the first-line form as in the general one.

/** Makes moto check every request's credentials (`0`) or none again (`inf`): its reset-auth API. */
async function motoAuth(url: string, freeRequests: '0' | 'inf'): Promise<void> {
  const response = await fetch(`${url}/moto-api/reset-auth`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: freeRequests,
  });
  if (!response.ok) throw new Error(`moto reset-auth failed: ${response.status}`);
}

/** `error`, not `fail`, for checks moto makes impossible, through the engine. */
export function outcomesSuite(url: string): void {
  describe('outcomes against moto, through the engine', () => {
    const ec2 = new EC2Client(sdkConfig(url));
    const actions = awsActions(motoOptions(url));
    afterAll(() => ec2.destroy());

    it('first-line form: a check hitting NoSuchHealthCheck ends `error`, not `fail`', async () => {
      const fixes: unknown[] = [];
      const fix = defineAction({
        id: 'test.fix',
        kind: 'remediation',
        description: 'Records that it ran.',
        input: { type: 'object' },
        run: (input) => (fixes.push(input), Promise.resolve({})),
      });
      const result = await runPlaybook(
        {
          firstline: 1,
          name: 'first-line-missing-health-check',
          checks: [
            {
              id: 'route53',
              action: 'aws.route53.healthCheckStatus',
              with: { healthCheckId: 'abcdef01-2345-6789-abcd-ef0123456789' },
            },
          ],
          remediate: [{ id: 'fix', action: 'test.fix', with: {} }],
        },
        { actions: [...actions, fix] },
      );
      expect(result.steps.route53).toMatchObject({ outcome: 'error', attempts: 1 });
      expect(result.steps.route53?.error).toContain(
        'route53:GetHealthCheckStatus failed: NoSuchHealthCheck: A health check with id abcdef01-2345-6789-abcd-ef0123456789 does not exist. [HTTP 404]',
      );
      const ended = result.trace.find((e) => e.type === 'step.end' && e.step === 'route53');
      expect(ended).toMatchObject({ outcome: 'error' });
    });

    it('credentials AWS refuses are `error`, named by code and status, never retried (moto checking auth)', async () => {
      // moto parses its auth failure into EC2's shape (AuthFailure); Route 53's client cannot read it.
      const launched = await ec2.send(
        new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }),
      );
      await motoAuth(url, '0');
      try {
        const result = await runPlaybook(
          {
            firstline: 1,
            name: 'bad-credentials',
            steps: [
              {
                id: 'status',
                action: 'aws.ec2.status',
                with: { instanceId: launched.Instances![0]!.InstanceId! },
                retry: { attempts: 3, delay: '1ms', on: ['error', 'fail'] },
              },
            ],
          },
          { actions },
        );
        expect(result.steps.status).toMatchObject({ outcome: 'error', attempts: 1 });
        expect(result.steps.status?.error).toBe(
          'aws.ec2.status: ec2:DescribeInstanceStatus failed: AuthFailure: AWS was not able to validate the provided access credentials [HTTP 401] (the credentials were refused: missing, invalid or expired)',
        );
      } finally {
        await motoAuth(url, 'inf');
      }
    });
  });
}

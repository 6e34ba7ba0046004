import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
import { alarmNameFilter, firstlineInRegions } from '../src/index.js';
import type { FirstlineResponderProps } from '../src/index.js';
import { ACCOUNT, examplePlaybook, fakeBundle, INSTANCE, list } from './support.js';
import type { Json } from './support.js';

const responder = (region: string): FirstlineResponderProps => ({
  playbooks: [
    {
      file: examplePlaybook('ec2-first-line.yaml'),
      alarms: ['cpu-*'],
      inputs: { url: `https://${region}.app.example.com/health`, healthCheckId: 'hc-1' },
    },
  ],
  handlerBundle: fakeBundle,
});

describe('firstlineInRegions', () => {
  test('one stack per region, each with its own function, table and a policy naming its region', () => {
    const app = new App();
    const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
    const stacks = firstlineInRegions(app, 'Firstline', {
      account: ACCOUNT,
      regions,
      responder: (stack) => responder(stack.region),
    });
    expect(stacks.map((s) => [s.stackName, s.region, s.account])).toEqual(
      regions.map((r) => [`Firstline-${r}`, r, ACCOUNT]),
    );
    for (const stack of stacks) {
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Lambda::Function', 1);
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      const [policy] = Object.values(template.findResources('AWS::IAM::Policy')) as Array<{
        Properties: {
          PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> };
        };
      }>;
      const reboot = policy!.Properties.PolicyDocument.Statement.find((s) =>
        list(s.Action).includes('ec2:RebootInstances'),
      );
      expect(reboot?.Resource).toBe(`arn:aws:ec2:${stack.region}:${ACCOUNT}:instance/*`);
      const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as Array<{
        Properties: Json;
      }>;
      const routes = (fn!.Properties.Environment as { Variables: { FIRSTLINE_ROUTES: string } }).Variables;
      expect(JSON.parse(routes.FIRSTLINE_ROUTES)).toMatchObject([
        { inputs: { url: `https://${stack.region}.app.example.com/health` } },
      ]);
    }
    expect(app.synth().stacks).toHaveLength(3);
  });

  test('stack names and stack props are the caller’s; the same props may serve every region', () => {
    const app = new App();
    const [stack] = firstlineInRegions(app, 'Firstline', {
      account: ACCOUNT,
      regions: ['eu-central-1'],
      responder: {
        ...responder('x'),
        playbooks: [{ ...responder('x').playbooks[0]!, inputs: { instanceId: INSTANCE } }],
      },
      stackName: (region) => `ops-firstline-${region}`,
      stackProps: { terminationProtection: true },
    });
    expect(stack?.stackName).toBe('ops-firstline-eu-central-1');
    expect(stack?.terminationProtection).toBe(true);
  });

  test.each([
    [{ account: '1234', regions: ['eu-west-1'] }, 'is not a 12-digit AWS account id'],
    [{ account: ACCOUNT, regions: [] }, 'regions is empty'],
    [{ account: ACCOUNT, regions: ['Europe'] }, 'is not an AWS region code'],
    [{ account: ACCOUNT, regions: ['eu-west-1', 'eu-west-1'] }, 'eu-west-1 is given twice'],
  ])('bad regions or account: E_DEPLOY_CONFIG (%j)', (props, message) => {
    const make = () => firstlineInRegions(new App(), 'F', { ...props, responder: responder('x') });
    expect(make).toThrow(message);
    expect(make).toThrow(expect.objectContaining({ code: 'E_DEPLOY_CONFIG' }));
  });
});

describe('alarmNameFilter', () => {
  test.each([
    ['cpu-high', 'cpu-high'],
    ['cpu-*', { prefix: 'cpu-' }],
    ['*-status-check', { suffix: '-status-check' }],
    ['web-*-cpu', { wildcard: 'web-*-cpu' }],
    ['a**b*', { wildcard: 'a*b*' }],
    ['*', undefined],
    ['**', undefined],
  ])('%s → %j', (glob, filter) => {
    expect(alarmNameFilter(glob)).toEqual(filter);
  });
});

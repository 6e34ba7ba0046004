import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, test } from 'vitest';
import type { IamStatement } from '@firstline/core';
import { ACCOUNT, examplePlaybook, fakeBundle, list, REGION, responderStack } from './support.js';
import type { Json } from './support.js';

// The `http` prop synthesized in-process: a function URL, the routes' secret references in the
// environment, and read access to exactly those secrets.

type Resource = { Type: string; Properties: Json };

function statements(template: Template): IamStatement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>);
  return policies.flatMap((p) =>
    list((p.Properties.PolicyDocument as { Statement: IamStatement[] }).Statement),
  );
}

function withHttp() {
  return responderStack((s) => ({
    http: {
      slackSigningSecret: secretsmanager.Secret.fromSecretNameV2(s, 'Signing', 'firstline/slack-signing'),
      alertmanager: {
        tokenSecret: secretsmanager.Secret.fromSecretNameV2(s, 'Token', 'firstline/alertmanager-token'),
        routes: [{ playbook: 'ec2-first-line', labels: { alertname: 'HostDown', severity: 'page' } }],
      },
    },
  }));
}

describe('FirstlineResponder: http (function URL)', () => {
  test('adds a function URL without IAM auth on the handler, and outputs its address', () => {
    const { stack, responder } = withHttp();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: {
        'Fn::GetAtt': [stack.getLogicalId(responder.fn.node.defaultChild as never), 'Arn'],
      },
    });
    // Anyone may call the URL (the routes authenticate): the permission CDK adds for it says so.
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionUrlAuthType: 'NONE',
      Principal: '*',
    });
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).some((key) => key.includes('FunctionUrl'))).toBe(true);
    expect(responder.functionUrl).toBeDefined();
  });

  test("passes the secrets as references (never values) and the label routes in the handler's environment", () => {
    const template = Template.fromStack(withHttp().stack);
    const fn = Object.values(template.findResources('AWS::Lambda::Function') as Record<string, Resource>)[0]!;
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const text = JSON.stringify(variables);
    expect(text).toContain('FIRSTLINE_SLACK_SIGNING_SECRET_REF');
    expect(text).toContain('firstline/slack-signing');
    expect(text).toContain('FIRSTLINE_ALERTMANAGER_TOKEN_REF');
    expect(JSON.stringify(variables.FIRSTLINE_SLACK_SIGNING_SECRET_REF)).toContain('secretsManager');
    const routes = JSON.parse(variables.FIRSTLINE_ROUTES as string) as Json[];
    expect(routes[0]).toEqual({
      playbook: 'ec2-first-line',
      labels: { alertname: 'HostDown', severity: 'page' },
      inputs: { url: 'https://app.example.com/health', healthCheckId: 'hc-1' },
    });
    expect(routes[1]).toMatchObject({ playbook: 'ec2-first-line', alarm: 'cpu-*' });
  });

  test('grants reading exactly the two secrets', () => {
    const read = statements(Template.fromStack(withHttp().stack)).filter((s) =>
      list(s.Action).includes('secretsmanager:GetSecretValue'),
    );
    const resources = read.flatMap((s) => list(s.Resource)).map((r) => JSON.stringify(r));
    expect(resources).toHaveLength(2);
    expect(resources.join(' ')).toContain(
      `:secretsmanager:${REGION}:${ACCOUNT}:secret:firstline/slack-signing-??????`,
    );
    expect(resources.join(' ')).toContain(
      `:secretsmanager:${REGION}:${ACCOUNT}:secret:firstline/alertmanager-token-??????`,
    );
  });

  test('no http, no URL; only Slack, no Alertmanager variable', () => {
    Template.fromStack(responderStack().stack).resourceCountIs('AWS::Lambda::Url', 0);
    const { stack } = responderStack((s) => ({
      http: {
        slackSigningSecret: secretsmanager.Secret.fromSecretNameV2(s, 'Signing', 'firstline/slack-signing'),
      },
    }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FIRSTLINE_SLACK_SIGNING_SECRET_REF: Match.anyValue() }) },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('FIRSTLINE_ALERTMANAGER_TOKEN_REF');
  });

  test('refuses a route to an unknown playbook, and http with the Step Functions engine (E_DEPLOY_CONFIG)', () => {
    expect(() =>
      responderStack((s) => ({
        http: {
          alertmanager: {
            tokenSecret: secretsmanager.Secret.fromSecretNameV2(s, 'Token', 'firstline/alertmanager-token'),
            routes: [{ playbook: 'nope', labels: {} }],
          },
        },
      })),
    ).toThrow(
      expect.objectContaining({
        code: 'E_DEPLOY_CONFIG',
        message: expect.stringContaining('nope') as unknown,
      }) as Error,
    );
    expect(() =>
      responderStack((s) => ({
        engine: 'stepfunctions',
        handlerBundle: undefined,
        runnerBundle: fakeBundle,
        playbooks: [
          {
            file: examplePlaybook('ec2-first-line.yaml'),
            alarms: ['cpu-*'],
            inputs: { url: 'https://app.example.com/health', healthCheckId: 'hc-1' },
          },
        ],
        http: {
          slackSigningSecret: secretsmanager.Secret.fromSecretNameV2(s, 'Signing', 'firstline/slack-signing'),
        },
      })),
    ).toThrow(
      expect.objectContaining({
        code: 'E_DEPLOY_CONFIG',
        message: expect.stringContaining('http') as unknown,
      }) as Error,
    );
  });
});

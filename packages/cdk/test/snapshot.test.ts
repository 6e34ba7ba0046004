import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { expect, test } from 'vitest';
import { ACCOUNT, examplePlaybook, INSTANCE, REGION, responderStack } from './support.js';

// A representative template, whole: two playbooks, an SNS topic, an alarm topic. Asset hashes (which
// change with the bundle) are replaced, so the snapshot changes only when what is deployed does.
test('the template of a representative responder', () => {
  const { stack } = responderStack((s) => ({
    playbooks: [
      {
        file: examplePlaybook('ec2-first-line.yaml'),
        alarms: ['cpu-*'],
        inputs: { instanceId: INSTANCE, url: 'https://app.example.com/health', healthCheckId: 'hc-1' },
      },
      { file: examplePlaybook('asg-self-heal.yaml'), alarms: ['*-status-check'], namespace: 'AWS/EC2' },
    ],
    topics: [sns.Topic.fromTopicArn(s, 'Alarms', `arn:aws:sns:${REGION}:${ACCOUNT}:cloudwatch-alarms`)],
    alarmTopic: sns.Topic.fromTopicArn(s, 'Pager', `arn:aws:sns:${REGION}:${ACCOUNT}:pager`),
  }));
  const text = JSON.stringify(Template.fromStack(stack).toJSON(), null, 2).replace(
    /[0-9a-f]{64}/g,
    '<asset hash>',
  );
  expect(JSON.parse(text)).toMatchSnapshot();
});

// Stand-ins for the AWS actions of @firstline/actions-aws (issue 5): the schemas the example
// playbooks are validated against. Deleted, with examples/src/pending-actions.ts, when it lands.
import { awsRegion, duration, instanceId, pendingAction, stringMap } from './shared.js';

const pkg = '@firstline/actions-aws';

const instanceState = { enum: ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'] };
const reachability = { enum: ['ok', 'impaired', 'initializing', 'insufficient-data', 'not-applicable'] };

/** `aws.ec2.describe`: finds instances by id or by tags (tag:<key> filters), all pages. */
export const ec2Describe = pendingAction(pkg, {
  id: 'aws.ec2.describe',
  kind: 'probe',
  description: 'Describes EC2 instances chosen by id or by tags (DescribeInstances, every page).',
  idempotent: true,
  input: {
    type: 'object',
    additionalProperties: false,
    anyOf: [{ required: ['instanceIds'] }, { required: ['tags'] }],
    properties: {
      instanceIds: { type: 'array', minItems: 1, maxItems: 1000, uniqueItems: true, items: instanceId },
      tags: {
        type: 'object',
        minProperties: 1,
        description: 'Tag key → value (or any of several values); every key must match.',
        additionalProperties: {
          oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }],
        },
      },
      states: { type: 'array', minItems: 1, uniqueItems: true, items: instanceState },
      region: awsRegion,
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['instances', 'count'],
    properties: {
      count: { type: 'integer', minimum: 0 },
      instances: {
        type: 'array',
        items: {
          type: 'object',
          required: ['instanceId', 'state'],
          properties: {
            instanceId: { type: 'string' },
            state: instanceState,
            instanceType: { type: 'string' },
            availabilityZone: { type: 'string' },
            privateIpAddress: { type: 'string' },
            publicIpAddress: { type: 'string' },
            privateDnsName: { type: 'string' },
            launchTime: { type: 'string' },
            tags: stringMap,
          },
        },
      },
    },
  },
});

/** `aws.ec2.status`: instance state and both reachability checks; fails when either is impaired. */
export const ec2Status = pendingAction(pkg, {
  id: 'aws.ec2.status',
  kind: 'probe',
  description:
    'Reads DescribeInstanceStatus for one instance; fails when it is not running or a reachability check is impaired.',
  idempotent: true,
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['instanceId'],
    properties: { instanceId, region: awsRegion },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['instanceId', 'state', 'systemStatus', 'instanceStatus'],
    properties: {
      instanceId: { type: 'string' },
      state: instanceState,
      systemStatus: reachability,
      instanceStatus: reachability,
      events: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            code: { type: 'string' },
            description: { type: 'string' },
            notBefore: { type: 'string' },
          },
        },
      },
    },
  },
});

/** `aws.ec2.reboot`: RebootInstances; `plan()` will preflight it with DryRun. */
export const ec2Reboot = pendingAction(pkg, {
  id: 'aws.ec2.reboot',
  kind: 'remediation',
  description: 'Reboots EC2 instances (RebootInstances).',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['instanceIds'],
    properties: {
      instanceIds: { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: instanceId },
      region: awsRegion,
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['rebooted'],
    properties: { rebooted: { type: 'array', items: { type: 'string' } } },
  },
});

/** `aws.route53.healthCheckStatus`: passes when enough Route 53 checkers see the endpoint healthy. */
export const route53HealthCheckStatus = pendingAction(pkg, {
  id: 'aws.route53.healthCheckStatus',
  kind: 'probe',
  description:
    "Reads a Route 53 health check's latest observations; passes when more than `threshold` of the checkers report healthy.",
  idempotent: true,
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['healthCheckId'],
    properties: {
      healthCheckId: { type: 'string', minLength: 1, maxLength: 64 },
      threshold: {
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: 0.18,
        description: 'Share of checkers that must report healthy; 0.18 is what Route 53 itself uses.',
      },
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['healthy', 'healthyCheckers', 'checkers'],
    properties: {
      healthy: { type: 'boolean' },
      healthyCheckers: { type: 'integer', minimum: 0 },
      checkers: { type: 'integer', minimum: 0 },
      observations: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            region: { type: 'string' },
            status: { type: 'string' },
            checkedAt: { type: 'string' },
          },
        },
      },
    },
  },
});

/** `aws.cloudwatch.metric`: one statistic over a window (GetMetricData), judged by the step's `expect`. */
export const cloudwatchMetric = pendingAction(pkg, {
  id: 'aws.cloudwatch.metric',
  kind: 'probe',
  description: 'Reads one statistic of a CloudWatch metric over a recent window (GetMetricData).',
  idempotent: true,
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['namespace', 'metric'],
    properties: {
      namespace: { type: 'string', minLength: 1, maxLength: 255 },
      metric: { type: 'string', minLength: 1, maxLength: 255 },
      dimensions: { ...stringMap, maxProperties: 30 },
      stat: {
        type: 'string',
        pattern: '^(Average|Sum|Minimum|Maximum|SampleCount|(p|tm|wm|tc|ts)[0-9]{1,2}(\\.[0-9]+)?)$',
        default: 'Average',
      },
      period: { ...duration, default: '1m' },
      window: {
        ...duration,
        description: 'How far back to look; the newest datapoint wins (default: period).',
      },
      unit: { type: 'string' },
      region: awsRegion,
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['value', 'datapoints'],
    properties: {
      value: { type: ['number', 'null'], description: 'null when the window holds no datapoint.' },
      unit: { type: 'string' },
      timestamp: { type: ['string', 'null'] },
      datapoints: { type: 'integer', minimum: 0 },
    },
  },
});

/** `aws.cloudwatch.alarmState`: an alarm's current state. */
export const cloudwatchAlarmState = pendingAction(pkg, {
  id: 'aws.cloudwatch.alarmState',
  kind: 'probe',
  description: "Reads a CloudWatch alarm's current state (DescribeAlarms).",
  idempotent: true,
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['alarmName'],
    properties: { alarmName: { type: 'string', minLength: 1, maxLength: 255 }, region: awsRegion },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['alarmName', 'state'],
    properties: {
      alarmName: { type: 'string' },
      state: { enum: ['OK', 'ALARM', 'INSUFFICIENT_DATA'] },
      reason: { type: 'string' },
      updatedAt: { type: 'string' },
    },
  },
});

/** `aws.ssm.startAutomation`: StartAutomationExecution, then waits for a terminal status. */
export const ssmStartAutomation = pendingAction(pkg, {
  id: 'aws.ssm.startAutomation',
  kind: 'remediation',
  description:
    "Starts an SSM Automation runbook and waits for it to finish (bounded by the step's timeout); fails unless it succeeds.",
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['document'],
    properties: {
      document: {
        type: 'string',
        pattern: '^([a-zA-Z0-9_.-]{3,128}|arn:aws[a-z-]*:ssm:.+)$',
        description: 'Runbook name or ARN, e.g. AWSSupport-StartEC2RescueWorkflow.',
      },
      documentVersion: { type: 'string', pattern: '^(\\$DEFAULT|\\$LATEST|[0-9]+)$' },
      parameters: {
        type: 'object',
        description: 'Runbook parameters; SSM takes every value as a list of strings.',
        additionalProperties: { type: 'array', items: { type: 'string' } },
      },
      wait: {
        type: 'boolean',
        default: true,
        description: 'Wait for a terminal status (default) or return once started.',
      },
      region: awsRegion,
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['executionId', 'status'],
    properties: {
      executionId: { type: 'string' },
      status: {
        type: 'string',
        description: 'Success, or the status it stopped in (Failed, TimedOut, Cancelled…).',
      },
      outputs: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    },
  },
});

/** `aws.autoscaling.setInstanceHealth`: marks an instance so its Auto Scaling group replaces it. */
export const autoscalingSetInstanceHealth = pendingAction(pkg, {
  id: 'aws.autoscaling.setInstanceHealth',
  kind: 'remediation',
  description: 'Sets the health status of an instance in its Auto Scaling group (SetInstanceHealth).',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['instanceId', 'healthStatus'],
    properties: {
      instanceId,
      healthStatus: { enum: ['Healthy', 'Unhealthy'] },
      shouldRespectGracePeriod: {
        type: 'boolean',
        default: true,
        description: "Leave an instance inside the group's health check grace period alone (AWS's default).",
      },
      region: awsRegion,
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['instanceId', 'healthStatus'],
    properties: { instanceId: { type: 'string' }, healthStatus: { enum: ['Healthy', 'Unhealthy'] } },
  },
});

/** Every pending AWS action. */
export const pendingAwsActions = [
  ec2Describe,
  ec2Status,
  ec2Reboot,
  route53HealthCheckStatus,
  cloudwatchMetric,
  cloudwatchAlarmState,
  ssmStartAutomation,
  autoscalingSetInstanceHealth,
];

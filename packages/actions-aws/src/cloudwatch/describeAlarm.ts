import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { ActionContext } from '@firstline/core';
import { callAws } from '../clients/callAws.js';
import type { AwsClients } from '../clients/createAwsClients.js';
import type { ArnScope } from '../iam/arn.js';
import { cloudWatchSdk } from '../clients/sdk.js';

/** The state an alarm can be in. */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** Finds one metric or composite alarm by exact name; undefined when there is none. */
export async function describeAlarm(
  aws: AwsClients,
  actionId: string,
  region: string,
  alarmName: string,
  ctx: ActionContext,
): Promise<MetricAlarm | CompositeAlarm | undefined> {
  const cloudWatch = await aws.cloudWatch(region);
  const { DescribeAlarmsCommand } = await cloudWatchSdk();
  const out = await callAws(
    actionId,
    'cloudwatch:DescribeAlarms',
    () =>
      cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
        { abortSignal: ctx.signal },
      ),
    aws.policy(),
  );
  return [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])].find((a) => a.AlarmName === alarmName);
}

/** `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`. */
export function alarmArn(scope: ArnScope, alarmName: string): string {
  return `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.account}:alarm:${alarmName}`;
}

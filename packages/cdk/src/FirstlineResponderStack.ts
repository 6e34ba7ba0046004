import { Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FirstlineResponder } from './FirstlineResponder.js';
import { deployError } from './responderPlaybooks.js';
import type { FirstlineResponderProps } from './types.js';

/** A stack holding one {@link FirstlineResponder}, for one region. */
export class FirstlineResponderStack extends Stack {
  /** The responder in this stack. */
  readonly responder: FirstlineResponder;

  constructor(
    scope: Construct,
    id: string,
    props: StackProps & { responder: ResponderPropsIn; responderId?: string },
  ) {
    const { responder, responderId, ...stackProps } = props;
    super(scope, id, stackProps);
    this.responder = new FirstlineResponder(
      this,
      responderId ?? 'Responder',
      typeof responder === 'function' ? responder(this) : responder,
    );
  }
}

/**
 * A responder's props, or a function of its stack giving them: per region (`stack.region`), or holding
 * constructs of that stack (`Secret.fromSecretNameV2(stack, …)`, `Topic.fromTopicArn(stack, …)`).
 */
export type ResponderPropsIn = FirstlineResponderProps | ((stack: Stack) => FirstlineResponderProps);

/** Options of {@link firstlineInRegions}: where to deploy, and each region's responder. */
export interface FirstlineInRegionsProps {
  /** The account every stack deploys to (12 digits). */
  account: string;
  /** The regions: one stack each (seed 5 ran its first line in 10+ regions). */
  regions: string[];
  /** The responder's props, the same everywhere, or from each region's stack (an instance id, a URL, a topic…). */
  responder: ResponderPropsIn;
  /** Stack props for every stack (tags, termination protection…); `env` is set per region. */
  stackProps?: Omit<StackProps, 'env'>;
  /** A stack's name from its region (default `<id>-<region>`). */
  stackName?(region: string): string;
}

const ACCOUNT = /^[0-9]{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;

/**
 * One {@link FirstlineResponderStack} per region, all in one app: each with its own function, table, rules
 * and alarms, and a policy whose ARNs name its region. Deploy them with `cdk deploy --all`.
 *
 * @example
 * firstlineInRegions(app, 'Firstline', { account: '123456789012', regions: ['eu-west-1', 'us-east-1'],
 *   responder: { playbooks: [{ file: 'playbooks/ec2-first-line.yaml', alarms: ['cpu-*'] }] } });
 */
export function firstlineInRegions(
  scope: Construct,
  id: string,
  props: FirstlineInRegionsProps,
): FirstlineResponderStack[] {
  if (!ACCOUNT.test(props.account))
    throw deployError(`account ${JSON.stringify(props.account)} is not a 12-digit AWS account id`);
  if (props.regions.length === 0) throw deployError('regions is empty: give at least one region');
  const seen = new Set<string>();
  for (const region of props.regions) {
    if (!REGION.test(region)) throw deployError(`region ${JSON.stringify(region)} is not an AWS region code`);
    if (seen.has(region)) throw deployError(`region ${region} is given twice`);
    seen.add(region);
  }
  return props.regions.map((region) => {
    const name = props.stackName?.(region) ?? `${id}-${region}`;
    return new FirstlineResponderStack(scope, name, {
      ...props.stackProps,
      env: { account: props.account, region },
      responder: props.responder,
    });
  });
}

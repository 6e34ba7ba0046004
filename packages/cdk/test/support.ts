import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { FirstlineResponder } from '../src/index.js';
import type { FirstlineResponderProps } from '../src/index.js';

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';
export const INSTANCE = 'i-0abc1234def567890';

/** A file of this package's test fixtures, or of the repository's example playbooks. */
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
export const examplePlaybook = (name: string) =>
  fileURLToPath(new URL(`../../../examples/playbooks/${name}`, import.meta.url));
/** The stand-in bundle: the tests synthesize templates and never run the function. */
export const fakeBundle = fixture('fake-bundle/handler.mjs');

/** A stack in the test account and region holding one responder made from `props`. */
export function responderStack(
  props: Partial<FirstlineResponderProps> | ((stack: Stack) => Partial<FirstlineResponderProps>) = {},
  region = REGION,
) {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: ACCOUNT, region } });
  const extra = typeof props === 'function' ? props(stack) : props;
  const responder = new FirstlineResponder(stack, 'Firstline', {
    playbooks: [
      {
        file: examplePlaybook('ec2-first-line.yaml'),
        alarms: ['cpu-*'],
        inputs: { url: 'https://app.example.com/health', healthCheckId: 'hc-1' },
      },
    ],
    handlerBundle: fakeBundle,
    ...extra,
  });
  return { app, stack, responder };
}

/** A JSON value as CloudFormation holds it. */
export type Json = Record<string, unknown>;

/** One value or a list, as a list (IAM's Action and Resource are either). */
export const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

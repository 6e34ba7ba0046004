// The actions the example playbooks name, from the real packages: the same set the `firstline` CLI
// installs. Nothing here opens a connection: clients are made on first use, and the examples' tests
// only validate and simulate.
import { awsActions } from '@firstline/actions-aws';
import { netActions } from '@firstline/actions-net';
import { notifiers } from '@firstline/notifiers';
import type { AnyActionDefinition } from '@firstline/core';

/** Every AWS, network and notifier action, configured for us-east-1. */
export const exampleActions: readonly AnyActionDefinition[] = [
  ...awsActions({ region: 'us-east-1' }),
  ...netActions(),
  ...notifiers(),
];

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkPlaybook, loadPlaybook, parseDuration, validatePlaybook } from '@firstline/core';
import type { LoadedPlaybook } from '@firstline/core';
import { fixtureRegistry } from './fixtures/actions.js';

/**
 * Golden playbooks: valid documents in every form the format offers. Each must validate with no
 * issue at all (not even a warning), and a few loaded values and source positions are checked.
 */

const dir = fileURLToPath(new URL('./fixtures/valid/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const actions = fixtureRegistry();
const load = (name: string): Promise<LoadedPlaybook> => loadPlaybook(join(dir, name));

/** The value at a path of loaded data (undefined when any step is missing). */
function at(data: unknown, ...path: Array<string | number>): unknown {
  let value = data;
  for (const key of path) value = (value as Record<string | number, unknown> | undefined)?.[key];
  return value;
}

describe('golden playbooks', () => {
  it('has at least five of them', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s validates with no issue at all', async (name) => {
    const result = await checkPlaybook(join(dir, name), { actions });
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
    // The same data built in code (no source text) is just as valid.
    expect(validatePlaybook(result.playbook!.data as object, { actions }).issues).toEqual([]);
  });

  it.each(files)(
    '%s names only core.* and fixture actions, which the built-ins alone do not know',
    async (name) => {
      const playbook = await load(name);
      const bare = validatePlaybook(playbook);
      expect(bare.issues.length).toBeGreaterThan(0);
      for (const issue of bare.issues) {
        expect(issue.code).toBe('E_UNKNOWN_ACTION');
        expect(issue.message).toMatch(/^no action "test\.[a-z0-9]+\.[a-zA-Z]+" is registered/);
      }
    },
  );
});

describe('first-line form, sequential checks', () => {
  it('loads the checks in order, with their expectations and the recheck policy', async () => {
    const { data, sourceMap } = await load('first-line-sequential.yaml');
    expect([at(data, 'checks', 0, 'id'), at(data, 'checks', 1, 'id')]).toEqual(['url', 'cpu']);
    expect(at(data, 'checks', 1, 'expect')).toBe('output.value < 90');
    expect(at(data, 'remediate', 0, 'with')).toEqual({ instanceIds: ['{{ inputs.instanceId }}'] });
    expect(at(data, 'recheck')).toEqual({ rounds: 2, after: '2m' });
    expect(at(data, 'notify', 'healthy')).toEqual([]);
    expect(at(data, 'inputs', 'instanceId', 'pattern')).toBe('^i-[0-9a-f]{8,17}$');
    expect(parseDuration(String(at(data, 'timeout')))).toBe(30 * 60_000);

    expect(sourceMap.locate(['checks', 1, 'expect'])).toEqual({ line: 18, column: 13 });
    expect(sourceMap.locate(['recheck', 'after'])).toEqual({ line: 23, column: 30 });
    expect(sourceMap.locate(['recheck'], { key: true })).toEqual({ line: 23, column: 1 });
    expect(sourceMap.locate(['notify', 'recovered', 0, 'with', 'text'])).toEqual({ line: 31, column: 15 });
  });
});

describe('first-line form, parallel checks with a quorum', () => {
  it('keeps the group settings and points inside expressions', async () => {
    const { data, sourceMap } = await load('first-line-parallel.yaml');
    expect(at(data, 'checks', 'parallel')).toBe(true);
    expect(at(data, 'checks', 'quorum')).toEqual({ atLeast: 2 });
    expect(at(data, 'checks', 'steps')).toHaveLength(3);
    expect(at(data, 'remediate', 0, 'with', 'force')).toBe(false);

    expect(sourceMap.locate(['checks', 'quorum', 'atLeast'])).toEqual({ line: 10, column: 22 });
    expect(sourceMap.locate(['checks', 'steps', 2, 'id'])).toEqual({ line: 19, column: 11 });
    // `inner` counts characters of the value, after the opening quote.
    expect(sourceMap.locate(['checks', 'steps', 1, 'expect'], { inner: 24 })).toEqual({
      line: 18,
      column: 40,
    });
  });
});

describe('general form', () => {
  it('loads transitions, bounded loops, both waits, a parallel group and ends', async () => {
    const { data, sourceMap } = await load('general-graph.yaml');
    const steps = at(data, 'steps') as unknown[];
    expect(steps.map((s) => at(s, 'id'))).toEqual([
      'probe',
      'reboot',
      'settle',
      'until-ready',
      'both',
      'retry',
      'load',
      'healthy',
      'recovered',
      'done',
      'failed',
    ]);
    expect(at(steps, 0, 'on')).toEqual({ pass: 'healthy', fail: 'reboot', error: 'reboot' });
    expect(at(steps, 2, 'wait')).toBe('2m');
    expect(at(steps, 3, 'wait')).toEqual({
      until: 'output.value < 80',
      step: 'load',
      every: '15s',
      timeout: '10m',
    });
    expect(at(steps, 4, 'quorum')).toBe('all');
    expect(at(steps, 4, 'steps', 1, 'id')).toBe('cpu');
    expect(steps[5]).toEqual({ id: 'retry', goto: 'probe', maxVisits: 2 });
    expect(at(steps, 10, 'end')).toBe('unrecovered');

    expect(sourceMap.locate(['steps', 0, 'on', 'fail'])).toEqual({ line: 12, column: 32 });
    expect(sourceMap.locate(['steps', 3, 'wait', 'until'])).toEqual({ line: 22, column: 20 });
    expect(sourceMap.locate(['steps', 4, 'steps', 1, 'action'])).toEqual({ line: 32, column: 17 });
    expect(sourceMap.locate(['steps', 5, 'goto'])).toEqual({ line: 36, column: 11 });
    expect(sourceMap.locate(['steps', 5, 'maxVisits'], { key: true })).toEqual({ line: 37, column: 5 });
    // A path with no node of its own resolves to its nearest parent: steps[5] has no `on`.
    expect(sourceMap.locate(['steps', 5, 'on', 'fail'])).toEqual(sourceMap.locate(['steps', 5]));
  });
});

describe('inputs and secrets', () => {
  it('loads typed defaults and every kind of secret reference', async () => {
    const { data, sourceMap } = await load('inputs-and-secrets.yaml');
    expect(at(data, 'inputs', 'region', 'default')).toBe('us-east-1');
    expect(at(data, 'inputs', 'environment')).toEqual({
      type: 'string',
      enum: ['staging', 'production'],
      default: 'production',
    });
    expect(at(data, 'inputs', 'expectStatus', 'default')).toBe(200);
    expect(at(data, 'inputs', 'strict', 'default')).toBe(false);
    expect(at(data, 'inputs', 'extraTags', 'default')).toEqual([]);
    expect(at(data, 'inputs', 'labels', 'default')).toEqual({ team: 'ops' });
    expect(at(data, 'inputs', 'threshold', 'default')).toBe(90.5);
    expect(at(data, 'secrets')).toEqual({
      chatToken: { env: 'CHAT_TOKEN' },
      pagerKey: { ssm: '/firstline/pager/key', region: 'eu-west-1' },
      apiToken: { secretsManager: 'prod/firstline', key: 'apiToken', region: 'us-east-1' },
    });

    expect(sourceMap.locate(['secrets', 'pagerKey', 'ssm'])).toEqual({ line: 20, column: 20 });
    expect(sourceMap.locate(['inputs', 'labels', 'default'])).toEqual({ line: 15, column: 36 });
    expect(sourceMap.locate(['inputs', 'labels', 'default', 'team'], { key: true })).toEqual({
      line: 15,
      column: 38,
    });
    expect(sourceMap.locate(['checks', 0, 'with', 'url'], { inner: 11 })).toEqual({ line: 26, column: 24 });
  });
});

describe('defaults and retries', () => {
  it('loads the step defaults and each step’s own policy', async () => {
    const { data, sourceMap } = await load('retry-defaults.yaml');
    expect(at(data, 'defaults')).toEqual({
      timeout: '20s',
      retry: {
        attempts: 3,
        delay: '2s',
        backoff: 'exponential',
        maxDelay: '30s',
        jitter: 'full',
        on: ['throttled', 'timeout'],
      },
    });
    expect(at(data, 'steps', 0, 'retry')).toEqual({
      attempts: 5,
      delay: '500ms',
      backoff: 'linear',
      on: ['fail', '5xx', 'network'],
    });
    expect(parseDuration(String(at(data, 'steps', 1, 'timeout')))).toBe(90_000);
    expect(at(data, 'steps', 1, 'idempotent')).toBe(true);

    expect(sourceMap.locate(['defaults', 'retry', 'on', 1])).toEqual({ line: 15, column: 21 });
    expect(sourceMap.locate(['steps', 0, 'on', 'fail'])).toEqual({ line: 22, column: 17 });
    expect(sourceMap.locate(['steps', 0, 'retry'], { key: true })).toEqual({ line: 21, column: 5 });
  });
});

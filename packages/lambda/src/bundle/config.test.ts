import { describe, expect, it } from 'vitest';
import { readBundleConfig } from './config.js';

describe('readBundleConfig', () => {
  it('one playbook and one alarm: the route FIRSTLINE_ALARM and FIRSTLINE_INPUTS make', () => {
    expect(
      readBundleConfig({
        FIRSTLINE_TABLE: 'runs',
        FIRSTLINE_PLAYBOOK: 'ec2',
        FIRSTLINE_ALARM: 'cpu-*',
        FIRSTLINE_INPUTS: '{"url":"https://app.example.com"}',
        FIRSTLINE_SECRET: 'firstline/notifiers',
      }),
    ).toEqual({
      table: 'runs',
      playbooks: ['ec2'],
      routes: [{ playbook: 'ec2', alarm: 'cpu-*', inputs: { url: 'https://app.example.com' } }],
      secret: 'firstline/notifiers',
    });
  });

  it('several playbooks: FIRSTLINE_ROUTES, in order, and FIRSTLINE_PLAYBOOKS for those no route names', () => {
    const routes = [
      { playbook: 'ec2', alarm: 'cpu-*', inputs: { url: 'https://a.example.com' } },
      { playbook: 'asg', namespace: 'AWS/EC2', metric: 'StatusCheckFailed*' },
    ];
    expect(readBundleConfig({ FIRSTLINE_TABLE: 'runs', FIRSTLINE_ROUTES: JSON.stringify(routes) })).toEqual({
      table: 'runs',
      playbooks: ['ec2', 'asg'],
      routes: [routes[0], { ...routes[1], inputs: {} }],
    });
    expect(
      readBundleConfig({
        FIRSTLINE_TABLE: 'runs',
        FIRSTLINE_ROUTES: JSON.stringify(routes),
        FIRSTLINE_PLAYBOOKS: '["ec2","asg","direct-only"]',
      }).playbooks,
    ).toEqual(['ec2', 'asg', 'direct-only']);
  });

  it.each([
    [{ FIRSTLINE_ROUTES: '[{"playbook":"a"}]' }, 'needs FIRSTLINE_TABLE'],
    [{ FIRSTLINE_TABLE: 't', FIRSTLINE_ROUTES: 'not json' }, 'FIRSTLINE_ROUTES is not JSON'],
    [{ FIRSTLINE_TABLE: 't', FIRSTLINE_ROUTES: '{}' }, 'must be a JSON list'],
    [{ FIRSTLINE_TABLE: 't', FIRSTLINE_ROUTES: '[]' }, 'FIRSTLINE_PLAYBOOKS names no playbook'],
    [
      { FIRSTLINE_TABLE: 't', FIRSTLINE_ROUTES: '[{"alarm":"x"}]' },
      'FIRSTLINE_ROUTES[0] must be an object with a playbook',
    ],
    [{ FIRSTLINE_TABLE: 't', FIRSTLINE_ROUTES: '[{"playbook":"a","alarms":"x"}]' }, 'unknown keys: alarms'],
    [{ FIRSTLINE_TABLE: 't', FIRSTLINE_ROUTES: '[{"playbook":"a","alarm":3}]' }, 'alarm must be a string'],
    [
      { FIRSTLINE_TABLE: 't', FIRSTLINE_ROUTES: '[{"playbook":"a","inputs":[]}]' },
      'inputs must be an object',
    ],
    [
      { FIRSTLINE_TABLE: 't', FIRSTLINE_ROUTES: '[{"playbook":"a"}]', FIRSTLINE_PLAYBOOKS: '["b"]' },
      'FIRSTLINE_ROUTES names a, not in FIRSTLINE_PLAYBOOKS',
    ],
    [
      { FIRSTLINE_TABLE: 't', FIRSTLINE_ROUTES: '[{"playbook":"a"}]', FIRSTLINE_PLAYBOOKS: 'a,b' },
      'FIRSTLINE_PLAYBOOKS is not JSON',
    ],
    [
      {
        FIRSTLINE_TABLE: 't',
        FIRSTLINE_ROUTES: '[{"playbook":"a"},{"playbook":"b"}]',
        FIRSTLINE_PLAYBOOK_FILE: '/x.yaml',
      },
      'several playbooks',
    ],
  ])('a bad FIRSTLINE_ROUTES setup fails the cold start with E_HANDLER_CONFIG: %j', (env, message) => {
    expect(() => readBundleConfig(env)).toThrow(message);
    expect(() => readBundleConfig(env)).toThrow(expect.objectContaining({ code: 'E_HANDLER_CONFIG' }));
  });

  it('no routes and one playbook: it takes every alarm (the handler routes so without routes)', () => {
    expect(
      readBundleConfig({ FIRSTLINE_TABLE: 't', FIRSTLINE_ROUTES: '[]', FIRSTLINE_PLAYBOOKS: '["ec2"]' }),
    ).toEqual({ table: 't', playbooks: ['ec2'], routes: [] });
  });

  it('neither shape: names the missing variables', () => {
    expect(() => readBundleConfig({ FIRSTLINE_TABLE: 't' })).toThrow(
      /needs FIRSTLINE_PLAYBOOK, FIRSTLINE_ALARM in its environment, or FIRSTLINE_ROUTES/,
    );
  });

  it('HTTP routes: label routes in FIRSTLINE_ROUTES, the secrets of the function URL routes as JSON references', () => {
    const config = readBundleConfig({
      FIRSTLINE_TABLE: 'runs',
      FIRSTLINE_ROUTES: JSON.stringify([{ playbook: 'host-down', labels: { alertname: 'HostDown' } }]),
      FIRSTLINE_SLACK_SIGNING_SECRET_REF: '{"secretsManager":"firstline/slack-signing"}',
      FIRSTLINE_ALERTMANAGER_TOKEN_REF: '{"ssm":"/firstline/alertmanager-token"}',
    });
    expect(config.routes).toEqual([{ playbook: 'host-down', labels: { alertname: 'HostDown' }, inputs: {} }]);
    expect(config.http).toEqual({
      slackSigningSecret: { secretsManager: 'firstline/slack-signing' },
      alertmanagerToken: { ssm: '/firstline/alertmanager-token' },
    });
    const base = { FIRSTLINE_TABLE: 'runs', FIRSTLINE_ROUTES: '[]', FIRSTLINE_PLAYBOOKS: '["a"]' };
    expect(readBundleConfig(base).http).toBeUndefined();
    for (const bad of ['nope', '{"vault":"x"}', '{"env":""}', '{"env":"A","ssm":"b"}'])
      expect(() => readBundleConfig({ ...base, FIRSTLINE_SLACK_SIGNING_SECRET_REF: bad })).toThrow(
        expect.objectContaining({ code: 'E_HANDLER_CONFIG' }) as Error,
      );
    expect(() =>
      readBundleConfig({
        ...base,
        FIRSTLINE_ROUTES: '[{"playbook":"a","alarm":"cpu-*","labels":{"alertname":"X"}}]',
      }),
    ).toThrow(/not both/);
    expect(() =>
      readBundleConfig({ ...base, FIRSTLINE_ROUTES: '[{"playbook":"a","labels":{"alertname":1}}]' }),
    ).toThrow(/labels must be/);
  });
});

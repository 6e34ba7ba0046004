import { describe, expect, it } from 'vitest';
import { fakeAction, validateYaml } from '../../test/support.js';
import { createActionRegistry } from '../actions/registry.js';
import { parsePlaybook } from '../load/loadPlaybook.js';
import type { Issue } from './issues.js';
import { validatePlaybook } from './validatePlaybook.js';

const probe = fakeAction('test.probe.get', 'probe', {
  input: {
    type: 'object',
    required: ['url'],
    additionalProperties: false,
    properties: {
      url: { type: 'string' },
      retries: { type: 'integer' },
      mode: { enum: ['fast', 'slow'] },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  output: { type: 'object', additionalProperties: false, properties: { status: { type: 'integer' } } },
  run: () => Promise.resolve({ status: 200 }),
});
const post = fakeAction('test.chat.post', 'notify', {
  input: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
});
const actions = createActionRegistry([probe, fakeAction('test.box.reboot', 'remediation'), post]);

const INPUTS = 'inputs:\n  url: { type: string }\n  n: { type: integer }\n';
const check = (body: string): Issue[] => validateYaml(INPUTS + body, actions, 'actions').issues;
const summary = (issues: Issue[]) => issues.map((i) => `${i.code} ${i.path}`);

describe('unknown actions', () => {
  it('names the package that provides a known family', () => {
    const issues = check(`steps:
  - id: reboot
    action: aws.ec2.reboot
  - id: tell
    action: slack.post
`);
    expect(issues).toMatchObject([
      { code: 'E_UNKNOWN_ACTION', path: 'steps[0].action', line: 8, column: 13 },
      { code: 'E_UNKNOWN_ACTION', path: 'steps[1].action', line: 10, column: 13 },
    ]);
    expect(issues[0]?.message).toBe(
      'no action "aws.ec2.reboot" is registered; is @firstline/actions-aws installed and its actions registered?',
    );
    expect(issues[1]?.message).toContain('@firstline/notifiers');
  });

  it('suggests a registered action close to a typo, and says nothing more for an unknown family', () => {
    const issues = check(`steps:
  - id: a
    action: test.probe.gte
    with: { url: x }
  - id: b
    action: acme.thing.do
`);
    expect(issues[0]?.message).toBe(
      'no action "test.probe.gte" is registered; did you mean "test.probe.get"?',
    );
    expect(issues[1]?.message).toBe('no action "acme.thing.do" is registered');
  });

  it('knows only the built-ins when no actions are given', () => {
    const result = validatePlaybook(
      parsePlaybook(
        `firstline: 1\nname: x\nsteps:\n  - id: a\n    action: core.log\n    with: { message: hi }\n  - id: b\n    action: test.probe.get\n`,
      ),
    );
    expect(summary(result.issues)).toEqual(['E_UNKNOWN_ACTION steps[1].action']);
  });
});

describe('action kinds', () => {
  it('rejects a remediation or a notification among the checks', () => {
    const issues = check(`checks:
  - id: a
    action: test.box.reboot
  - id: b
    action: test.chat.post
    with: { text: hi }
`);
    expect(summary(issues)).toEqual(['E_ACTION_KIND checks[0].action', 'E_ACTION_KIND checks[1].action']);
    expect(issues[0]?.message).toContain('test.box.reboot is a remediation; move it to remediate');
    expect(issues[1]?.message).toContain('move it to remediate or notify');
  });

  it('rejects a remediation under notify, but takes a notification or a probe there', () => {
    const issues = check(`checks:
  - id: a
    action: test.probe.get
    with: { url: x }
notify:
  unrecovered:
    - action: test.box.reboot
    - action: test.chat.post
      with: { text: down }
    - action: test.probe.get
      with: { url: x }
`);
    expect(summary(issues)).toEqual(['E_ACTION_KIND notify.unrecovered[0].action']);
  });

  it('checks parallel checks too', () => {
    const issues = check(`checks:
  parallel: true
  steps:
    - id: a
      action: test.box.reboot
`);
    expect(summary(issues)).toEqual(['E_ACTION_KIND checks.steps[0].action']);
  });

  it('rejects wait.until.step naming a step that is not a probe', () => {
    const issues = check(`steps:
  - id: fix
    action: test.box.reboot
  - id: settle
    wait: { until: "true", step: fix, timeout: 1m }
  - id: pause
    wait: 1m
  - id: settle2
    wait: { until: "true", step: pause, timeout: 1m }
`);
    expect(issues).toMatchObject([
      { code: 'E_ACTION_KIND', path: 'steps[1].wait.step', line: 10, column: 34 },
      { code: 'E_ACTION_KIND', path: 'steps[3].wait.step' },
    ]);
    expect(issues[0]?.message).toContain('test.box.reboot is a remediation');
    expect(issues[1]?.message).toContain('runs no action');
  });
});

describe('action inputs', () => {
  it('reports literal values that break the input schema', () => {
    const issues = check(`steps:
  - id: a
    action: test.probe.get
    with: { url: 5, retries: "3", mode: quick, headers: { x: 1 } }
`);
    expect(summary(issues)).toEqual([
      'E_ACTION_INPUT steps[0].with.url',
      'E_ACTION_INPUT steps[0].with.retries',
      'E_ACTION_INPUT steps[0].with.mode',
      'E_ACTION_INPUT steps[0].with.headers.x',
    ]);
    expect(issues[0]).toMatchObject({ line: 9, column: 18 });
    expect(issues[0]?.message).toBe(
      'steps[0].with.url must be string, not the number 5 (input of test.probe.get)',
    );
    expect(issues[2]?.message).toContain('must be one of fast, slow');
  });

  it('ignores values decided at run time by a template', () => {
    const issues = check(`steps:
  - id: a
    action: test.probe.get
    with: { url: "{{ inputs.url }}", retries: "{{ inputs.n }}", headers: { x: "{{ inputs.url }}" } }
`);
    expect(issues).toEqual([]);
  });

  it('reports a missing required input, and an unknown one at its key with a suggestion', () => {
    const issues = check(`steps:
  - id: a
    action: test.probe.get
    with: { urll: x }
`);
    expect(issues).toMatchObject([
      {
        code: 'E_ACTION_INPUT',
        path: 'steps[0].with',
        message: expect.stringContaining('needs "url"') as string,
      },
      { code: 'E_ACTION_INPUT', path: 'steps[0].with.urll', line: 9, column: 13 },
    ]);
    expect(issues[1]?.message).toBe('test.probe.get takes no input "urll"; did you mean "url"?');
  });

  it('checks an absent `with:` as an empty input', () => {
    expect(summary(check('steps:\n  - id: a\n    action: test.probe.get\n'))).toEqual([
      'E_ACTION_INPUT steps[0].with',
    ]);
  });

  it('makes steps.x.output.<field> an unknown reference when the output schema is closed', () => {
    const issues = check(`steps:
  - id: web
    action: test.probe.get
    with: { url: x }
  - id: tell
    action: test.chat.post
    with: { text: "{{ steps.web.output.nope }} / {{ steps.web.output.status }}" }
`);
    expect(issues).toMatchObject([{ code: 'E_UNKNOWN_REFERENCE', path: 'steps[1].with.text' }]);
    expect(issues[0]?.message).toBe(
      'steps.web.output.nope: test.probe.get has no output "nope"; it returns status',
    );
  });
});

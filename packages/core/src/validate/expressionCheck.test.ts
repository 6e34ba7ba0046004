import { describe, expect, it } from 'vitest';
import { fakeAction, playbookYaml, validateYaml } from '../../test/support.js';
import { createActionRegistry } from '../actions/registry.js';
import type { Issue } from './issues.js';

const actions = createActionRegistry([
  // Its output is closed: steps.<id>.output.<field> is checked against it.
  fakeAction('test.probe.get', 'probe', {
    output: { type: 'object', additionalProperties: false, properties: { status: { type: 'integer' } } },
    run: () => Promise.resolve({ status: 200 }),
  }),
  // Its output may hold anything.
  fakeAction('test.probe.open', 'probe', {
    output: { type: 'object', properties: { status: { type: 'integer' } } },
    run: () => Promise.resolve({ status: 200 }),
  }),
  fakeAction('test.chat.post', 'notify'),
]);

const NAME = 'expressions';
const HEAD = `inputs:
  url: { type: string }
secrets:
  chatToken: { env: CHAT_TOKEN }
`;
/** Validates a playbook made of HEAD and `body`; with its two header lines HEAD is six, so `body` starts on line 7. */
function check(body: string): Issue[] {
  return validateYaml(HEAD + body, actions, NAME).issues;
}
/** The 1-based column of `needle` in the line that holds it. */
function columnOf(body: string, needle: string): { line: number; column: number } {
  const lines = playbookYaml(HEAD + body, NAME).split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  return { line: index + 1, column: lines[index]!.indexOf(needle) + 1 };
}

describe('expression references', () => {
  it('accepts everything in scope', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    with: { url: "{{ inputs.url }}", token: "{{ secrets.chatToken }}", id: "{{ run.id }}", who: "{{ name }}" }
    expect: "output.status = 200 and $exists(trigger.raw.detail) and trigger.kind = 'unknown'"
  - id: say
    action: test.chat.post
    with: { text: "{{ steps.web.output.status }} after {{ steps.web.attempts }} ({{ steps.web.outcome }})" }
    when: "steps.web.visits > 0 and run.mode = 'live'"
  - id: wait
    wait: { until: "output.status = 200", step: web, timeout: 1m }
`;
    expect(check(body)).toEqual([]);
  });

  it('reports an undeclared input at the name, inside the quoted string', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    with: { url: "{{ inputs.uri }}" }
`;
    expect(check(body)).toEqual([
      {
        code: 'E_UNKNOWN_INPUT',
        message: 'inputs.uri is not declared under inputs:; did you mean "url"?',
        path: 'steps[0].with.url',
        ...columnOf(body, 'inputs.uri'),
        severity: 'error',
      },
    ]);
  });

  it('reports an undeclared secret in a bare expression', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    expect: "output.status = 200 and secrets.chatTokn != ''"
`;
    expect(check(body)).toMatchObject([
      {
        code: 'E_UNKNOWN_SECRET',
        path: 'steps[0].expect',
        message: 'secrets.chatTokn is not declared under secrets:; did you mean "chatToken"?',
        ...columnOf(body, 'secrets.chatTokn'),
      },
    ]);
  });

  it('warns about a trigger field no trigger has, pointing at trigger.raw', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    with: { url: "{{ trigger.alarmNmae }}" }
    when: "trigger.detail.severity = 'high' and trigger.raw.detail and trigger.labels.job"
`;
    expect(check(body)).toEqual([
      {
        code: 'E_UNKNOWN_REFERENCE',
        message:
          'trigger.alarmNmae is not a field of any trigger (an event\'s own fields are under trigger.raw: trigger.raw.alarmNmae); did you mean "alarmName"?',
        path: 'steps[0].with.url',
        ...columnOf(body, 'trigger.alarmNmae'),
        severity: 'warning',
      },
      {
        code: 'E_UNKNOWN_REFERENCE',
        message:
          "trigger.detail is not a field of any trigger (an event's own fields are under trigger.raw: trigger.raw.detail)",
        path: 'steps[0].when',
        ...columnOf(body, 'trigger.detail'),
        severity: 'warning',
      },
    ]);
  });

  it('reports steps.<id> for a step that does not exist', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
  - id: say
    action: test.chat.post
    with: { text: "code {{ steps.wbe.output.status }}" }
`;
    expect(check(body)).toMatchObject([
      {
        code: 'E_UNKNOWN_STEP',
        path: 'steps[1].with.text',
        message: expect.stringContaining('did you mean "web"?') as string,
        ...columnOf(body, 'steps.wbe'),
      },
    ]);
  });

  it('reports a field a step does not expose', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    when: "steps.web.outcom = 'pass'"
`;
    const [issue] = check(body);
    expect(issue).toMatchObject({ code: 'E_UNKNOWN_REFERENCE', path: 'steps[0].when' });
    expect(issue?.message).toContain('steps.web.outcom does not exist');
    expect(issue?.message).toContain('did you mean "outcome"?');
  });

  it('reports `output` outside expect and until', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    with: { url: "{{ output.url }}" }
    when: "output.status = 200"
`;
    const issues = check(body);
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['E_UNKNOWN_REFERENCE', 'steps[0].with.url'],
      ['E_UNKNOWN_REFERENCE', 'steps[0].when'],
    ]);
    expect(issues[0]?.message).toContain('only in scope in expect and until');
  });

  it('reports run.<field> that does not exist, and a root that is not in scope', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    with: { a: "{{ run.bogus }}", b: "{{ input.url }}" }
`;
    const issues = check(body);
    expect(issues).toMatchObject([
      { code: 'E_UNKNOWN_REFERENCE', path: 'steps[0].with.a', ...columnOf(body, 'run.bogus') },
      { code: 'E_UNKNOWN_REFERENCE', path: 'steps[0].with.b', ...columnOf(body, 'input.url') },
    ]);
    expect(issues[0]?.message).toContain('run exposes id, startedAt');
    expect(issues[1]?.message).toContain('"input" is not in scope');
    expect(issues[1]?.message).toContain('did you mean "inputs"?');
  });

  it('points at each of several names in one string', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    with: { url: "{{ inputs.a }}-{{ inputs.url }}-{{ inputs.b }}" }
`;
    expect(check(body).map((i) => i.column)).toEqual([
      columnOf(body, 'inputs.a').column,
      columnOf(body, 'inputs.b').column,
    ]);
  });

  it("points at the name as written after a steps['id'] lookup", () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    with: { url: "{{ steps['web'].output.status & inputs.nope }}" }
`;
    expect(check(body)).toMatchObject([{ code: 'E_UNKNOWN_INPUT', ...columnOf(body, 'inputs.nope') }]);
  });

  it('checks steps.<id>.output.<field> against a closed output schema only', () => {
    const body = `steps:
  - id: closed
    action: test.probe.get
  - id: loose
    action: test.probe.open
  - id: say
    action: test.chat.post
    with: { a: "{{ steps.closed.output.stauts }}", b: "{{ steps.loose.output.anything }}" }
`;
    const issues = check(body);
    expect(issues).toMatchObject([
      { code: 'E_UNKNOWN_REFERENCE', path: 'steps[2].with.a', ...columnOf(body, 'steps.closed') },
    ]);
    expect(issues[0]?.message).toContain('test.probe.get has no output "stauts"; did you mean "status"?');
  });

  it('can reference steps of the first-line form and of parallel groups', () => {
    const body = `checks:
  parallel: true
  steps:
    - id: web
      action: test.probe.get
notify:
  unrecovered:
    - action: test.chat.post
      with: { text: "{{ steps.web.output.status }}" }
`;
    expect(check(body)).toEqual([]);
  });
});

describe('expression syntax', () => {
  it('reports an expression that does not compile, at the place JSONata gives up', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    expect: "output.status = = 200"
`;
    const [issue] = check(body);
    expect(issue).toMatchObject({ code: 'E_EXPRESSION', path: 'steps[0].expect', line: 10 });
    expect(issue?.message).toMatch(/^expression does not compile: /);
    const { column } = columnOf(body, '= 200');
    expect(issue?.column).toBe(column);
  });

  it('reports an unclosed or empty template', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    with: { a: "x {{ inputs.url", b: "{{ }}" }
`;
    expect(check(body)).toMatchObject([
      { code: 'E_TEMPLATE', path: 'steps[0].with.a', ...columnOf(body, '{{ inputs.url"') },
      { code: 'E_TEMPLATE', path: 'steps[0].with.b', ...columnOf(body, '{{ }}') },
    ]);
  });

  it('checks templates nested in lists and mappings of `with`', () => {
    const body = `steps:
  - id: web
    action: test.probe.get
    with:
      headers: { x: "{{ inputs.nope1 }}" }
      list: ["{{ inputs.nope2 }}"]
`;
    expect(check(body).map((i) => i.path)).toEqual(['steps[0].with.headers.x', 'steps[0].with.list[0]']);
  });
});

import { describe, expect, it } from 'vitest';
import { fakeAction, validateYaml } from '../../test/support.js';
import { createActionRegistry } from '../actions/registry.js';
import { parsePlaybook } from '../load/loadPlaybook.js';
import type { Issue } from './issues.js';
import { validatePlaybook } from './validatePlaybook.js';

const actions = createActionRegistry([fakeAction('test.chat.post', 'notify')]);

// Credential-shaped strings are assembled at run time so that no scanner finds one in this file.
const SHAPES: Array<[string, string, string]> = [
  ['a Slack token', 'xox' + 'b-' + '1234567890-abcdefghij', 'a Slack token'],
  ['a Slack user token', 'xox' + 'p-' + '0987654321abc', 'a Slack token'],
  [
    'a Slack webhook URL',
    'https://hooks.slack' + '.com/services/' + 'T0000/B0000/' + 'x'.repeat(24),
    'Slack webhook',
  ],
  ['a GitHub token', 'gh' + 'p_' + 'A1b2'.repeat(9), 'a GitHub token'],
  ['a fine-grained GitHub token', 'github' + '_pat_' + 'Z9_y'.repeat(8), 'a GitHub token'],
  ['an AWS access key id', 'AK' + 'IA' + 'Q7'.repeat(8), 'an AWS access key id'],
  ['an AWS temporary key id', 'AS' + 'IA' + 'R5'.repeat(8), 'an AWS access key id'],
  ['a private key', '-----BEGIN ' + 'RSA PRIVATE ' + 'KEY-----\\nabc', 'a private key'],
  ['an Authorization header', 'Bear' + 'er ' + 'q'.repeat(24), 'an Authorization header value'],
  ['an OpsGenie header', 'Genie' + 'Key ' + '0f'.repeat(12), 'an Authorization header value'],
];

function check(withBlock: string, extra = ''): Issue[] {
  const body = `secrets:
  chatToken: { env: CHAT_TOKEN }
${extra}steps:
  - id: say
    action: test.chat.post
    with:
${withBlock}`;
  return validateYaml(body, actions, 'secrets').issues;
}

describe('credentials written into a playbook', () => {
  it.each(SHAPES)('reports %s by its shape, without repeating it', (_, value, what) => {
    const issues = check(`      text: "${value}"\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'E_INLINE_SECRET',
      path: 'steps[0].with.text',
      line: 9,
      column: 13,
    });
    expect(issues[0]?.message).toContain(what);
    expect(issues[0]?.message).toContain('secrets:');
    const raw = value.replace('\\n', '\n');
    expect(issues[0]?.message).not.toContain(raw);
    expect(issues[0]?.message).not.toContain(raw.slice(0, 16));
  });

  it('reports a shape inside a longer string and next to a template', () => {
    const token = 'xox' + 'b-' + '1234567890-abcdefghij';
    const issues = check(`      text: "{{ secrets.chatToken }} then ${token}"\n`);
    expect(issues.map((i) => i.code)).toEqual(['E_INLINE_SECRET']);
  });

  it.each([
    'token',
    'password',
    'apiKey',
    'api_key',
    'clientSecret',
    'webhookUrl',
    'Authorization',
    'PASSWORD',
  ])('reports any literal under a key named %s', (key) => {
    const issues = check(`      ${key}: 123e4567-e89b-12d3-a456-426614174000\n`);
    expect(issues).toMatchObject([{ code: 'E_INLINE_SECRET', path: `steps[0].with.${key}` }]);
    expect(issues[0]?.message).toContain(`"${key}" holds a literal credential`);
    expect(issues[0]?.message).not.toContain('123e4567');
  });

  it('suggests a secret named after the key', () => {
    const [issue] = check('      apiKey: hunter2hunter2\n');
    expect(issue?.message).toContain('apiKey: { env: API_KEY }');
    expect(issue?.message).toContain('"{{ secrets.apiKey }}"');
  });

  it('accepts a {{ secrets.x }} template, an empty value and keys that are not secret names', () => {
    expect(check('      token: "{{ secrets.chatToken }}"\n')).toEqual([]);
    expect(check('      password: ""\n')).toEqual([]);
    expect(check('      tokenCount: 12345678901\n      text: "the token is in secrets"\n')).toEqual([]);
  });

  it('reads every part of the playbook except the secret references themselves', () => {
    const token = 'gh' + 'p_' + 'A1b2'.repeat(9);
    const issues = check('      text: hi\n', `description: "rotate ${token} soon"\n`);
    expect(issues).toMatchObject([{ code: 'E_INLINE_SECRET', path: 'description' }]);
    // A secret reference names where the value lives; it is not itself a credential.
    const yaml = `firstline: 1
name: refs
secrets:
  password: { ssm: /prod/db/password }
  apiKey: { secretsManager: prod/api, key: token }
  githubToken: { env: GITHUB_TOKEN }
steps:
  - id: say
    action: test.chat.post
    with: { token: "{{ secrets.githubToken }}", password: "{{ secrets.password }}" }
`;
    expect(validatePlaybook(parsePlaybook(yaml), { actions }).issues).toEqual([]);
  });
});

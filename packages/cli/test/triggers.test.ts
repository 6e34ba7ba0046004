import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyTrigger } from '@firstline/actions-aws/triggers';
import { cli } from './support.js';
import type { FakeWorld } from './support.js';

// `--trigger` gives a playbook the trigger the Lambda handler and the server give it for the same
// event (their tests run these samples too): the AWS documentation samples the lambda tests use.
const sample = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const ALARM_EVENTS = [
  [
    'SNS (Lambda event)',
    sample('actions-aws/test/fixtures/sns-lambda-event.json'),
    'StatusCheckFailed-i-0abc1234def567890',
  ],
  [
    'SQS carrying SNS',
    sample('lambda/test/fixtures/sqs-sns-alarm.json'),
    'StatusCheckFailed-i-0abc1234def567890',
  ],
  ['EventBridge', sample('actions-aws/test/fixtures/eventbridge-alarm.json'), 'cpu-at-100-object4'],
] as const;

// Posts the alarm that started the run: it reads nothing but `trigger`.
const PLAYBOOK = `firstline: 1
name: alarm-echo
secrets:
  chatToken: { env: CHAT_TOKEN }
steps:
  - id: post
    action: test.chat.post
    with:
      token: '{{ secrets.chatToken }}'
      text: 'alarm {{ trigger.alarmName }} on {{ trigger.instanceId }} ({{ trigger.kind }})'
`;

const text = (alarm: string) => `alarm ${alarm} on i-0abc1234def567890 (cloudwatch.alarm)`;

describe('--trigger', () => {
  let dir: string;
  let store: string;
  let playbook: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firstline-trigger-'));
    store = join(dir, 'runs');
    playbook = join(dir, 'alarm-echo.yaml');
    await writeFile(playbook, PLAYBOOK);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(ALARM_EVENTS)(
    'run --trigger FILE, %s: trigger.alarmName reaches the action, and the record keeps the classified trigger',
    async (_what, file, alarm) => {
      const world: FakeWorld = { statuses: [200], calls: [] };
      const { code } = await cli(['run', playbook, '--trigger', file, '--store', store], { world });
      expect(code).toBe(0);
      expect(world.calls).toEqual([
        { action: 'test.chat.post', input: { token: 'fake-chat-token-123', text: text(alarm) } },
      ]);
      const [record] = await readdir(store);
      const stored = JSON.parse(await readFile(join(store, record!), 'utf8')) as { trigger: unknown };
      const event: unknown = JSON.parse(await readFile(file, 'utf8'));
      expect(stored.trigger).toEqual(classifyTrigger(event));
    },
  );

  it.each(ALARM_EVENTS)('simulate --trigger JSON, %s: the same text', async (_what, file, alarm) => {
    const json = await readFile(file, 'utf8');
    const { code, stdout } = await cli(['simulate', playbook, '--trigger', json, '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { calls: Record<string, Array<{ text: string }>> };
    expect(result.calls['test.chat.post']).toMatchObject([{ text: text(alarm) }]);
  });

  it('an event with no alarm fails the step naming the missing path, never posting empty text', async () => {
    const world: FakeWorld = { statuses: [200], calls: [] };
    const { code, stdout } = await cli(
      ['run', playbook, '--trigger', '{"hello": "world"}', '--store', store],
      { world },
    );
    expect(code).toBe(1);
    expect(world.calls).toEqual([]);
    expect(stdout).toContain('E_MISSING_VALUE: trigger.alarmName is missing (trigger has: kind, raw)');
  });

  it('inline JSON that does not parse: exit 2, the reason, no stack trace', async () => {
    const { code, stderr } = await cli(['simulate', playbook, '--trigger', '{"detail-type": ']);
    expect(code).toBe(2);
    expect(stderr).toContain('--trigger: the inline event is not valid JSON');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

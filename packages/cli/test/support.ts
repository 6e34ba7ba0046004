import { fileURLToPath } from 'node:url';
import { ActionError, createVirtualClock, defineAction } from '@firstline/core';
import type { AnyActionDefinition, Clock } from '@firstline/core';
import { createCapturingIo, runCli } from '@firstline/cli';
import type { CliIo } from '@firstline/cli';

/** The directory of the CLI test fixtures. */
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** What the fake web check answers, per call, in order; the last repeats. */
export interface FakeWorld {
  statuses: number[];
  calls: Array<{ action: string; input: unknown }>;
}

/** Actions for the fixture playbooks, recording their calls: a probe, a remediation and a notification. */
export function fakeActions(world: FakeWorld): AnyActionDefinition[] {
  let served = 0;
  return [
    defineAction<{ url: string }, { status: number }>({
      id: 'test.web.check',
      kind: 'probe',
      description: 'Answers with the next scripted HTTP status.',
      input: {
        type: 'object',
        required: ['url'],
        additionalProperties: false,
        properties: { url: { type: 'string' } },
      },
      output: { type: 'object', properties: { status: { type: 'integer' } } },
      run: (input) => {
        world.calls.push({ action: 'test.web.check', input });
        const status = world.statuses[Math.min(served++, world.statuses.length - 1)] ?? 200;
        return Promise.resolve({ status });
      },
    }),
    defineAction<{ host: string; service: string }, { restarted: string }>({
      id: 'test.host.restart',
      kind: 'remediation',
      description: 'Restarts a service on a host.',
      input: {
        type: 'object',
        required: ['host', 'service'],
        additionalProperties: false,
        properties: { host: { type: 'string' }, service: { type: 'string' } },
      },
      describe: (input) => `restart ${input.service} on ${input.host}`,
      plan: (input) =>
        Promise.resolve({ summary: `would restart ${input.service} on ${input.host} (permission ok)` }),
      run: (input) => {
        world.calls.push({ action: 'test.host.restart', input });
        return Promise.resolve({ restarted: input.service });
      },
    }),
    defineAction<{ token: string; text: string }, { ok: boolean }>({
      id: 'test.chat.post',
      kind: 'notify',
      description: 'Posts to chat.',
      input: {
        type: 'object',
        required: ['token', 'text'],
        additionalProperties: false,
        properties: { token: { type: 'string' }, text: { type: 'string' } },
      },
      describe: (input) => `post "${input.text}"`,
      run: (input) => {
        world.calls.push({ action: 'test.chat.post', input });
        if (input.text.includes('fail-chat'))
          return Promise.reject(new ActionError('test.chat.post', `rejected token ${input.token}`));
        return Promise.resolve({ ok: true });
      },
    }),
  ];
}

/** Runs the CLI in-process with the fake actions and no real AWS (a given clock, else a fresh virtual one). */
export async function cli(
  argv: string[],
  options: { io?: Partial<CliIo>; world?: FakeWorld; clock?: Clock } = {},
): Promise<{ code: number; stdout: string; stderr: string; world: FakeWorld }> {
  const world = options.world ?? { statuses: [200], calls: [] };
  const io = createCapturingIo({ cwd: FIXTURES, env: { CHAT_TOKEN: 'fake-chat-token-123' }, ...options.io });
  // A virtual clock: live runs' waits (the 1m recheck) pass at once, and timings are reproducible.
  const clock = options.clock ?? createVirtualClock();
  const code = await runCli(argv, { io, actions: fakeActions(world), host: { clock } });
  return { code, stdout: io.stdout(), stderr: io.stderr(), world };
}

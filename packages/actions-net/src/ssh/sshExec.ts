import { ActionError, defineAction, redactText } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema, Plan } from '@firstline/core';
import type { ClientChannel } from 'ssh2';
import { verdict } from '../shared/failure.js';
import { duration, latencyMs } from '../shared/schemas.js';
import { durationMs, stopwatch } from '../shared/time.js';
import { loginName, sshConnect } from './sshConnect.js';
import type { SshOptions, SshSession } from './sshConnect.js';
import { sshConnection } from './sshSchema.js';

const ID = 'ssh.exec';

const sshExecInput = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'user', 'command'],
  properties: {
    ...sshConnection,
    command: { type: 'string', minLength: 1 },
    allowExitCodes: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'integer', minimum: 0, maximum: 255 },
      default: [0],
    },
    maxOutput: {
      type: 'integer',
      minimum: 1,
      maximum: 1_048_576,
      default: 65_536,
      description: 'Bytes kept of stdout and of stderr each; the rest is cut and `truncated` set.',
    },
    timeout: {
      ...duration,
      description: 'How long the command may run before it is killed (default: the step timeout).',
    },
    readOnly: {
      type: 'boolean',
      default: false,
      description:
        'True when the command only looks (`ls`, `test -e`): reports then do not list it as a change.',
    },
  },
} as const satisfies JSONSchema;

const sshExecOutput = {
  examples: [
    {
      exitCode: 0,
      stdout: '-rw------- 1 root root 52428800 Apr  5 09:10 /var/crash/core.web.1234\n',
      stderr: '',
      truncated: false,
      latencyMs: 312.4,
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['exitCode', 'stdout', 'stderr'],
  properties: {
    exitCode: { type: 'integer' },
    stdout: { type: 'string' },
    stderr: { type: 'string' },
    truncated: { type: 'boolean' },
    latencyMs: { ...latencyMs, description: 'Login and command together.' },
  },
} as const satisfies JSONSchema;

/** Input of `ssh.exec`. */
export type SshExecInput = FromSchema<typeof sshExecInput>;

/** Output of `ssh.exec`. */
export type SshExecOutput = FromSchema<typeof sshExecOutput>;

/** Builds `ssh.exec`: runs one command over SSH; a remediation, so shadow mode only plans it (and preflights the login). */
export function createSshExec(options: SshOptions = {}): ActionDefinition<SshExecInput, SshExecOutput> {
  return defineAction({
    id: ID,
    kind: 'remediation',
    description: 'Runs a command over SSH; fails on an exit code not in allowExitCodes (default [0]).',
    input: sshExecInput,
    // Only what the playbook author vouches for as read-only is not a change: a command cannot be judged by its text.
    changes: (input) => input.readOnly !== true,
    output: sshExecOutput,
    async run(input, ctx) {
      const elapsed = stopwatch();
      const session = await sshConnect(ID, input, ctx, options);
      try {
        const result = await execute(session, input, ctx);
        const allowed = input.allowExitCodes ?? [0];
        // The command ran on the target: its exit code is the remediation's verdict.
        if (!allowed.includes(result.exitCode))
          throw verdict(
            ID,
            `\`${input.command}\` on ${loginName(input)} exited with ${result.exitCode} (allowed: ${allowed.join(', ')})${tail(result.stderr)}`,
          );
        return { ...result, latencyMs: elapsed() };
      } finally {
        session.client.end();
      }
    },
    describe: (input) => `run \`${input.command}\` on ${loginName(input)}`,
    async plan(input, ctx): Promise<Plan> {
      const login = loginName(input);
      const plan: Plan = {
        summary: `would run \`${input.command}\` on ${login}`,
        changes: [{ resource: login, change: `run \`${input.command}\`` }],
      };
      // Shadow mode logs in (host key and key checked) without running anything: a plan that
      // could never run says so now rather than during the incident.
      try {
        const session = await sshConnect(ID, input, ctx, options);
        session.client.end();
        return {
          ...plan,
          preflight: {
            ok: true,
            detail: `logged in; host key ${session.hostKeyType} ${session.hostKeyFingerprint}`,
          },
        };
      } catch (error) {
        return {
          ...plan,
          preflight: { ok: false, detail: error instanceof Error ? error.message : String(error) },
        };
      }
    },
  });
}

function execute(
  session: SshSession,
  input: SshExecInput,
  ctx: ActionContext,
): Promise<Omit<SshExecOutput, 'latencyMs'>> {
  const login = loginName(input);
  const cap = input.maxOutput ?? 65_536;
  return new Promise((resolve, reject) => {
    session.client.exec(input.command, (error, channel) => {
      if (error) {
        reject(
          new ActionError(ID, `${login}: the server refused to run the command: ${error.message}`, {
            retryable: true,
            kind: 'error',
          }),
        );
        return;
      }
      const stdout = capture(cap);
      const stderr = capture(cap);
      channel.on('data', stdout.add);
      channel.stderr.on('data', stderr.add);
      let exit: { code: number | null; signal?: string } | undefined;
      channel.on(
        'exit',
        (code: number | null, signal?: string) => (exit = { code, ...(signal && { signal }) }),
      );
      const stop = (why: ActionError) => {
        cleanup();
        kill(channel);
        reject(why);
      };
      // The command timeout is about a real remote process: a real timer, not the run's clock.
      const timer =
        input.timeout === undefined
          ? undefined
          : setTimeout(
              () =>
                stop(
                  verdict(
                    ID,
                    `\`${input.command}\` on ${login} ran longer than ${input.timeout}; killed${tail(stderr.text())}`,
                    { retryable: true, kind: 'timeout' },
                  ),
                ),
              durationMs(input.timeout, 0),
            );
      const onAbort = () =>
        stop(
          new ActionError(
            ID,
            `\`${input.command}\` on ${login}: aborted (the step timed out or was cancelled)`,
            { retryable: true, kind: 'timeout' },
          ),
        );
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
      };
      channel.on('close', () => {
        cleanup();
        if (exit?.code === null || exit === undefined) {
          const how = exit?.signal ? `was killed by ${exit.signal}` : 'ended without an exit status';
          reject(
            verdict(ID, `\`${input.command}\` on ${login} ${how}${tail(redactText(ctx, stderr.text()))}`),
          );
          return;
        }
        resolve({
          exitCode: exit.code,
          // Redacted here too: output cut at maxOutput may end in part of a secret.
          stdout: redactText(ctx, stdout.text()),
          stderr: redactText(ctx, stderr.text()),
          truncated: stdout.truncated() || stderr.truncated(),
        });
      });
    });
  });
}

function kill(channel: ClientChannel): void {
  // OpenSSH honours signal requests (since 7.9); closing the channel alone may leave the command running.
  try {
    channel.signal('KILL');
  } catch {
    // The channel may already be closing.
  }
  channel.close();
}

function capture(cap: number) {
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = false;
  return {
    add: (chunk: Buffer) => {
      if (kept >= cap) {
        dropped = true;
        return;
      }
      const part = chunk.subarray(0, cap - kept);
      if (part.length < chunk.length) dropped = true;
      chunks.push(part);
      kept += part.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    truncated: () => dropped,
  };
}

function tail(stderr: string): string {
  const text = stderr.trim();
  if (text === '') return '';
  return `; stderr: ${text.length > 300 ? `…${text.slice(-300)}` : text}`;
}

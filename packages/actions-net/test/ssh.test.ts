import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ActionError } from '@firstline/core';
import { createSshCheck, createSshExec } from '@firstline/actions-net';
import type { SshConnectionInput, SshExecInput } from '@firstline/actions-net';
import { runLive, liveContext } from './support.js';
import type { SshFixture } from './support.js';

const provided = inject('ssh');
const skip = 'skip' in provided ? provided.skip : undefined;
if (skip) console.warn(`\n*** ssh.* integration tests SKIPPED: ${skip} ***\n`);
const sshd = provided as SshFixture;

describe.skipIf(skip !== undefined)('ssh.check and ssh.exec against a real sshd', () => {
  let dir: string;
  let knownHosts: string;
  const sshCheck = createSshCheck();
  const sshExec = createSshExec();
  const login = (extra: Partial<SshConnectionInput> = {}): SshConnectionInput => ({
    host: '127.0.0.1',
    port: sshd.port,
    user: sshd.user,
    privateKey: sshd.privateKey,
    hostKey: sshd.hostFingerprint,
    connectTimeout: '5s',
    ...extra,
  });
  const exec = (input: Partial<SshExecInput> & { command: string }) =>
    sshExec.run({ ...login(), ...input }, liveContext());
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail('expected a failure'),
      (e: unknown) => {
        expect(e).toBeInstanceOf(ActionError);
        const error = e as ActionError;
        expect(error.message).not.toContain(sshd.privateKey.split('\n')[1]!);
        return error;
      },
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firstline-ssh-test-'));
    knownHosts = join(dir, 'known_hosts');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.concurrent('logs in with a pinned host key and reports the fingerprint and server version', async () => {
    const output = await sshCheck.run(login(), liveContext());
    expect(output).toMatchObject({ hostKeyFingerprint: sshd.hostFingerprint, hostKeyType: 'ssh-ed25519' });
    expect(output.serverVersion).toMatch(/^OpenSSH_/);
    expect(output.latencyMs).toBeGreaterThan(0);
  });

  it.concurrent(
    'refuses a host key that does not match the pinned one, naming the fingerprint seen; not retryable',
    async () => {
      const error = await failure(sshCheck.run(login({ hostKey: sshd.otherFingerprint }), liveContext()));
      expect(error.message).toContain('host key mismatch');
      expect(error.message).toContain(`presented ssh-ed25519 ${sshd.hostFingerprint}`);
      expect(error.message).toContain(`pins ${sshd.otherFingerprint}`);
      expect(error.retry.retryable).toBe(false);
    },
  );

  it.concurrent('refuses an unknown host key by default, saying how to trust it', async () => {
    const input = login({ knownHosts: join(dir, 'absent_known_hosts') });
    delete input.hostKey;
    const error = await failure(sshCheck.run(input, liveContext()));
    expect(error.message).toContain('unknown host key');
    expect(error.message).toContain(sshd.hostFingerprint);
    expect(error.message).toContain('does not exist');
    expect(error.message).toContain(`hostKey: ${sshd.hostFingerprint}`);
    expect(error.retry.retryable).toBe(false);
  });

  it.concurrent('accepts any key only with insecureHostKey: true', async () => {
    const input = login({ knownHosts: join(dir, 'absent_known_hosts'), insecureHostKey: true });
    delete input.hostKey;
    expect((await sshCheck.run(input, liveContext())).hostKeyFingerprint).toBe(sshd.hostFingerprint);
  });

  it.concurrent(
    'verifies against known_hosts: [host]:port entries, hashed entries, other key types, mismatches',
    async () => {
      const entry = (line: string) => `[127.0.0.1]:${sshd.port} ${line.split(' ').slice(0, 2).join(' ')}`;
      const input = login({ knownHosts });
      delete input.hostKey;

      await writeFile(
        knownHosts,
        `# test\nother.example ${sshd.otherHostKeyLine}\n${entry(sshd.hostKeyLine)}\n`,
      );
      expect((await sshCheck.run(input, liveContext())).hostKeyFingerprint).toBe(sshd.hostFingerprint);

      // ssh-keygen -H hashes the host names, as HashKnownHosts does.
      execFileSync('ssh-keygen', ['-H', '-f', knownHosts], { stdio: 'ignore' });
      expect(existsSync(`${knownHosts}.old`)).toBe(true);
      expect((await sshCheck.run(input, liveContext())).hostKeyType).toBe('ssh-ed25519');

      // Only the RSA key is known: the client must ask the server for that one, not its ed25519 key.
      await writeFile(knownHosts, `${entry(sshd.rsaHostKeyLine)}\n`);
      expect((await sshCheck.run(input, liveContext())).hostKeyType).toBe('ssh-rsa');

      await writeFile(knownHosts, `${entry(sshd.otherHostKeyLine)}\n`);
      const error = await failure(sshCheck.run(input, liveContext()));
      expect(error.message).toContain('host key mismatch');
      expect(error.message).toContain(
        `which is not the key ${knownHosts} has for [127.0.0.1]:${sshd.port} (line 1)`,
      );

      await writeFile(knownHosts, `127.0.0.1 ${sshd.hostKeyLine}\n`); // port 22 entry: not this server
      expect((await failure(sshCheck.run(input, liveContext()))).message).toContain('has no entry for');
    },
  );

  it.concurrent(
    'reports a key the server does not accept as an authentication failure, without the key',
    async () => {
      const other = execFileSync('cat', [join(sshd.dir, 'other_host')], { encoding: 'utf8' });
      const error = await failure(sshCheck.run(login({ privateKey: other }), liveContext()));
      expect(error.message).toContain('authentication failed');
      expect(error.message).not.toContain(other.split('\n')[1]!);
      expect(error.retry.retryable).toBe(false);
      // Our key refused: the check could not be done (`error`), nothing said about the host.
      expect(error.verdict).toBe(false);
      const garbage = await failure(
        sshCheck.run(login({ privateKey: 'fake-key-not-pem-123' }), liveContext()),
      );
      expect(garbage.message).toContain('the private key cannot be used');
      expect(garbage.message).not.toContain('fake-key-not-pem-123');
    },
  );

  it.concurrent('runs a command and returns exit code, stdout and stderr', async () => {
    const output = await exec({ command: 'echo hello; echo oops >&2' });
    expect(output).toMatchObject({ exitCode: 0, stdout: 'hello\n', stderr: 'oops\n', truncated: false });
  });

  it.concurrent('fails on a non-zero exit unless allowed by allowExitCodes', async () => {
    const error = await failure(exec({ command: 'echo no such unit >&2; exit 3' }));
    expect(error.message).toContain('exited with 3 (allowed: 0); stderr: no such unit');
    expect(error.retry.retryable).toBe(false);
    // The command ran on the target and failed: the remediation's verdict.
    expect(error.verdict).toBe(true);
    expect((await exec({ command: 'exit 3', allowExitCodes: [0, 3] })).exitCode).toBe(3);
  });

  it.concurrent('kills a command that runs past its timeout', async () => {
    const error = await failure(exec({ command: 'sleep 5', timeout: '300ms' }));
    expect(error.message).toContain('ran longer than 300ms; killed');
    expect(error.retry).toEqual({ retryable: true, kind: 'timeout' });
  });

  it.concurrent('caps stdout at maxOutput bytes and says it was truncated', async () => {
    const output = await exec({ command: "head -c 200000 /dev/zero | tr '\\0' a", maxOutput: 1000 });
    expect(output.stdout).toHaveLength(1000);
    expect(output.truncated).toBe(true);
  });

  it.concurrent(
    'redacts the secrets in its output, even one cut at maxOutput, and in a stderr tail',
    async () => {
      const token = 'fl-SeCrEt-9f2Kq7Zx';
      const ctx = liveContext({ secrets: { tok: token } });
      // 990 bytes, then the token: maxOutput 1000 keeps its first 10 characters only.
      const cut = await sshExec.run(
        { ...login(), command: `printf '%0990d${token} ${token.toUpperCase()}'`, maxOutput: 1000 },
        ctx,
      );
      expect(cut.truncated).toBe(true);
      expect(cut.stdout).toBe(`${'0'.repeat(990)}[redacted]`);
      // Killed by a signal: the error quotes the tail of stderr, which ends in the token.
      const error = await failure(
        sshExec.run(
          { ...login(), command: `printf 'x%.0s' $(seq 400) >&2; printf ' ${token}' >&2; kill -9 $$` },
          ctx,
        ),
      );
      expect(error.message).toContain('was killed by SIGKILL');
      // The command quoted in the message holds the token too; the engine redacts that whole message.
      const tail = error.message.slice(error.message.indexOf('; stderr: '));
      expect(tail).toMatch(/^; stderr: …x+ \[redacted\]$/);
    },
  );

  // Sequential: these share one core file.
  describe('the core-dump flow through the engine', () => {
    const core = () => join(dir, 'core');
    const playbook = () => ({
      firstline: 1,
      name: 'core-dump',
      inputs: {
        host: { type: 'string' },
        port: { type: 'integer' },
        user: { type: 'string' },
        coreFile: { type: 'string' },
      },
      secrets: { sshKey: { env: 'FIRSTLINE_TEST_SSH_KEY' } },
      steps: [
        {
          id: 'reachable',
          action: 'ssh.check',
          with: { ...conn, hostKey: sshd.hostFingerprint },
          expect: 'output.latencyMs < 2000',
        },
        {
          id: 'core-present',
          action: 'ssh.exec',
          with: {
            ...conn,
            hostKey: sshd.hostFingerprint,
            command: 'test -f {{ inputs.coreFile }}',
            allowExitCodes: [0, 1],
          },
          expect: 'output.exitCode = 0',
          on: { fail: 'no-core-dump' },
        },
        {
          id: 'remove-core',
          action: 'ssh.exec',
          with: { ...conn, hostKey: sshd.hostFingerprint, command: 'rm -f -- {{ inputs.coreFile }}' },
        },
        {
          id: 'core-gone',
          action: 'ssh.exec',
          with: {
            ...conn,
            hostKey: sshd.hostFingerprint,
            command: 'test -e {{ inputs.coreFile }}',
            allowExitCodes: [0, 1],
          },
          expect: 'output.exitCode = 1',
          on: { fail: 'still-there' },
        },
        { id: 'removed', end: 'recovered' },
        { id: 'still-there', end: 'unrecovered' },
        { id: 'no-core-dump', end: 'no_core_dump' },
      ],
    });
    const conn = {
      host: '{{ inputs.host }}',
      port: '{{ inputs.port }}',
      user: '{{ inputs.user }}',
      privateKey: '{{ secrets.sshKey }}',
    };
    const options = () => ({
      input: { host: '127.0.0.1', port: sshd.port, user: sshd.user, coreFile: core() },
      env: { FIRSTLINE_TEST_SSH_KEY: sshd.privateKey },
    });

    it('finds the core file, removes it, confirms it is gone: recovered', async () => {
      await writeFile(core(), 'core dump');
      const result = await runLive(playbook(), [sshCheck, sshExec], options());
      expect(
        Object.fromEntries(Object.entries(result.steps).map(([id, s]) => [id, s.outcome])),
      ).toMatchObject({
        reachable: 'pass',
        'core-present': 'pass',
        'remove-core': 'pass',
        'core-gone': 'pass',
      });
      expect(result.outcome).toBe('recovered');
      expect(existsSync(core())).toBe(false);
      expect(JSON.stringify(result)).not.toContain(sshd.privateKey.split('\n')[1]!);
    });

    it('ends no_core_dump when there is none', async () => {
      const result = await runLive(playbook(), [sshCheck, sshExec], options());
      expect(result.outcome).toBe('no_core_dump');
      expect(result.steps['remove-core']).toBeUndefined();
    });

    it('in shadow mode plans the removal (preflighting the login) and leaves the file alone', async () => {
      await writeFile(core(), 'core dump');
      const result = await runLive(playbook(), [sshCheck, sshExec], { ...options(), mode: 'shadow' });
      const plans = result.trace.filter((e) => e.type === 'plan');
      expect(plans.map((p) => (p as { summary: string }).summary)).toContain(
        `would run \`rm -f -- ${core()}\` on ${sshd.user}@127.0.0.1:${sshd.port}`,
      );
      expect(existsSync(core())).toBe(true);
      const plan = await sshExec.plan!({ ...login(), command: 'rm -f -- /tmp/x' }, liveContext());
      expect(plan.preflight).toEqual({
        ok: true,
        detail: `logged in; host key ssh-ed25519 ${sshd.hostFingerprint}`,
      });
      const refused = await sshExec.plan!(
        { ...login({ hostKey: sshd.otherFingerprint }), command: 'true' },
        liveContext(),
      );
      expect(refused.preflight?.ok).toBe(false);
      expect(refused.preflight?.detail).toContain('host key mismatch');
      expect(JSON.stringify([plan, refused, result])).not.toContain(sshd.privateKey.split('\n')[1]!);
    });
  });
});

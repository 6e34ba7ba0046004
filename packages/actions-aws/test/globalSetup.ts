import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

// Starts a real moto_server for the integration tests (all in test/moto.test.ts, one file, so a
// test's `POST /moto-api/reset` never wipes the state of a test running in another worker) on a port
// the OS picked. Without moto_server on PATH the suite skips loudly, except under CI=true, where
// that fails the run.

/** Starts moto_server and provides its endpoint; returns the teardown that stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const endpoint = `http://127.0.0.1:${port}`;
    await ready(child, endpoint);
    project.provide('motoEndpoint', endpoint);
  } catch (error) {
    if (child) await stop(child);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (process.env.CI === 'true')
      throw new Error(
        'moto_server is not on PATH: the AWS integration tests cannot run (CI=true requires them)',
      );
    const line = '!'.repeat(78);
    console.warn(
      `\n${line}\n!! moto_server is not on PATH: the @firstline/actions-aws INTEGRATION TESTS ARE SKIPPED.\n!! Install it (pip install 'moto[server]') to run them; under CI=true this fails the run.\n${line}\n`,
    );
    project.provide('motoEndpoint', '');
    return () => Promise.resolve();
  }
  const running = child;
  return () => stop(running);
}

/** A port the OS says is free: listen on 0, read it, close. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves once the server logs that it listens and answers HTTP; rejects if it exits first. */
function ready(child: ChildProcess, endpoint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (!log.includes('Running on')) return;
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining: moto logs every request, and a full pipe would block it.
      child.stdout?.resume();
      child.stderr?.resume();
      fetch(`${endpoint}/moto-api/reset`, { method: 'POST' }).then((response) => {
        if (response.ok) resolve();
        else reject(new Error(`moto_server at ${endpoint} answered ${response.status}`));
      }, reject);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`moto_server exited with ${code} before it was ready:\n${log}`));
    child.once('error', reject);
    child.once('exit', onExit);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

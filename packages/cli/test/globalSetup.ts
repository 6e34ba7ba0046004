// The real servers the CLI's end-to-end tests need: moto_server (test/handBack.e2e.test.ts,
// test/report.e2e.test.ts) with @firstline/actions-aws's setup, and sshd plus a backfilled Prometheus
// (test/report.e2e.test.ts) with @firstline/actions-net's. Each skips loudly when its binaries are
// missing, and fails under CI=true. Its teardown also removes the bins' code caches (subprocess.ts).
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import awsSetup from '../../actions-aws/test/globalSetup.js';
import netSetup from '../../actions-net/test/globalSetup.js';

/** Starts both packages' servers; the teardown stops them all. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stopAws = await awsSetup(project);
  const stopNet = await netSetup(project).catch(async (error: unknown) => {
    await stopAws();
    throw error;
  });
  return async () => {
    await Promise.all([stopAws(), stopNet(), removeCompileCaches()]);
  };
}

/** The code caches the test processes' bins wrote (subprocess.ts COMPILE_CACHE), one directory per process. */
async function removeCompileCaches(): Promise<void> {
  for (const name of await readdir(tmpdir()))
    if (name.startsWith('firstline-test-compile-cache-'))
      await rm(join(tmpdir(), name), { recursive: true, force: true });
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// An App made without an outdir synthesizes into a fresh `cdk.outXXXXXX` under the system's temp
// directory and never removes it: thousands of them piled up in /tmp. Each test file here gets a temp
// directory of its own (TMPDIR, which os.tmpdir() reads on every call), removed with everything in it
// when the file is done. Not CDK_OUTDIR: with it set, every App also synthesizes again when the process
// is about to exit (aws-cdk-lib's autoSynth, meant for the CDK CLI), into a directory long gone.
const dir = mkdtempSync(join(tmpdir(), 'firstline-cdk-test-'));
const previous = process.env.TMPDIR;
process.env.TMPDIR = dir;

afterAll(() => {
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  rmSync(dir, { recursive: true, force: true });
});

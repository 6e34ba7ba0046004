import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// An App made without an outdir synthesizes into a fresh `cdk.outXXXXXX` under the system's temp
// directory and never removes it: thousands of them piled up in /tmp. Every App of a test file here
// synthesizes into this file's own directory instead (aws-cdk-lib reads CDK_OUTDIR when no outdir is
// given), and the directory goes when the file is done. Tests in a file run one after another and
// each reads its template right after its synth, so sharing the directory changes nothing they see.
const outdir = mkdtempSync(join(tmpdir(), 'firstline-cdk-test-'));
const previous = process.env.CDK_OUTDIR;
process.env.CDK_OUTDIR = outdir;

afterAll(() => {
  if (previous === undefined) delete process.env.CDK_OUTDIR;
  else process.env.CDK_OUTDIR = previous;
  rmSync(outdir, { recursive: true, force: true });
});

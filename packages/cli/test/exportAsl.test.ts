import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './support.js';

// `firstline export asl` in-process, with the fake actions of support.ts: none declares a native
// Step Functions task, so every step goes through the action runner.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-asl-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LINEAR = `firstline: 1
name: linear-retry
steps:
  - id: probe
    action: test.web.check
    with: { url: https://example.test/ }
    retry: { attempts: 3, delay: 1s, backoff: linear }
`;

describe('firstline export asl', () => {
  it('prints the definition as JSON on stdout, the placeholders and notes on stderr', async () => {
    const { code, stdout, stderr } = await cli(['export', 'asl', 'web-first-line.yaml']);
    expect(code).toBe(0);
    const definition = JSON.parse(stdout) as { QueryLanguage: string; StartAt: string; States: object };
    expect(definition.QueryLanguage).toBe('JSONata');
    expect(definition.StartAt).toBe('__start');
    expect(Object.keys(definition.States)).toContain('__done');
    expect(stderr).toContain('placeholder ${ActionRunnerArn}');
  });

  it('--action-runner-arn and -o: the ARN is in the definition written to the file', async () => {
    const out = join(dir, 'web.asl.json');
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:runner';
    const { code, stdout } = await cli([
      'export',
      'asl',
      'web-first-line.yaml',
      '--action-runner-arn',
      arn,
      '-o',
      out,
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const text = await readFile(out, 'utf8');
    expect(text).toContain(arn);
    expect(text).not.toContain('${ActionRunnerArn}');
  });

  it('an invalid playbook: file:line:col and its code, exit 2', async () => {
    const { code, stderr } = await cli(['export', 'asl', 'broken.yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain('broken.yaml:5:13  E_UNKNOWN_ACTION');
  });

  it('what Step Functions cannot express: E_ASL_UNSUPPORTED naming the step, exit 2', async () => {
    const file = join(dir, 'linear.yaml');
    await writeFile(file, LINEAR);
    const { code, stderr, stdout } = await cli(['export', 'asl', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    // At the step's `id:`, the form editors and CI annotations parse.
    expect(stderr).toMatch(
      /linear\.yaml:\d+:\d+ {2}E_ASL_UNSUPPORTED {2}step "probe": retry\.backoff: linear/,
    );
    const line = Number(/linear\.yaml:(\d+):/.exec(stderr)?.[1]);
    expect(LINEAR.split('\n')[line - 1]).toMatch(/id: probe/);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
  });

  it('--query-language jsonpath is refused with E_ASL_UNSUPPORTED, exit 2', async () => {
    const { code, stderr } = await cli([
      'export',
      'asl',
      'web-first-line.yaml',
      '--query-language',
      'jsonpath',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('E_ASL_UNSUPPORTED');
  });

  it('--help shows an example', async () => {
    const { code, stdout } = await cli(['export', 'asl', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: firstline export asl');
    expect(stdout).toContain('Example:');
  });
});

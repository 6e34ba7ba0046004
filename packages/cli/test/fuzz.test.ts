import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzSeed, mutant, Rng } from '../../core/test/fuzz/mutate.js';
import { BIN, binEnv, requireBuiltBin } from './subprocess.js';

// Issue 15: a handful of mutated example playbooks through the built bin's `validate` and
// `simulate`. Whatever the input, the exit code is 0, 1 or 2 and stderr holds no stack trace.
// FIRSTLINE_FUZZ_SEED picks another run (a fixed seed by default, `random` for a fresh one); FIRSTLINE_FUZZ_CLI_RUNS sets how many mutants (default 4).

const SEED = fuzzSeed(process.env.FIRSTLINE_FUZZ_SEED);
const RUNS = Number(process.env.FIRSTLINE_FUZZ_CLI_RUNS ?? 4);
/** A run of the bin on one small playbook takes about a second; a hang is killed after this. */
const KILL_MS = 60_000;
const examples = fileURLToPath(new URL('../../../examples/playbooks/', import.meta.url));

interface Ended {
  code: number | null;
  stderr: string;
}

/** Runs the bin with `args` in `cwd`, killing it if it outlives {@link KILL_MS}. */
function run(args: string[], cwd: string): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: binEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  requireBuiltBin();
  dir = await mkdtemp(join(tmpdir(), 'firstline-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(`fuzz: the bin on mutated examples (seed ${SEED}, ${RUNS} mutants)`, () => {
  it('exits 0, 1 or 2 with no stack trace, for validate and simulate alike', async () => {
    const files = (await readdir(examples)).filter(
      (f) => f.endsWith('.yaml') && !f.endsWith('.scenarios.yaml'),
    );
    const rng = new Rng(SEED);
    const failures: string[] = [];
    for (let n = 0; n < RUNS; n++) {
      const file = files[n % files.length]!;
      const { text, did } = mutant(parse(await readFile(join(examples, file), 'utf8')), rng);
      const name = `mutant-${n}.yaml`;
      await writeFile(join(dir, name), text);
      for (const command of ['validate', 'simulate']) {
        const { code, stderr } = await run([command, name], dir);
        const where = `seed ${SEED}, mutant ${n} of ${file} (${did.join('; ')}), firstline ${command}`;
        if (code === null || ![0, 1, 2].includes(code)) failures.push(`${where}: exit ${code}`);
        if (/\n\s+at .+:\d+:\d+\)?\n/.test(stderr))
          failures.push(`${where}: a stack trace on stderr:\n${stderr.slice(0, 800)}`);
      }
    }
    expect(failures, `replay with FIRSTLINE_FUZZ_SEED=${SEED}`).toEqual([]);
  }, 600_000);
});

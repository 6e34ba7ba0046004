// Runs independent commands at once, for `pnpm test` on a 2-core machine: eslint, prettier and tsc each use one
// core, so one after another they left the other core idle. Each command's output is held and printed whole when
// it ends (no interleaved lines), with how long it took; the exit code is 1 if any command failed.
// `node scripts/parallel.mjs "<command>" "<command>" …` (each run by the shell, from the current directory).
import { spawn } from 'node:child_process';

const commands = process.argv.slice(2);
if (commands.length === 0) {
  console.error('usage: node scripts/parallel.mjs "<command>" "<command>" …');
  process.exit(2);
}

const started = performance.now();
const results = await Promise.all(
  commands.map(
    (command) =>
      new Promise((resolve) => {
        const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
        const chunks = [];
        child.stdout.on('data', (chunk) => chunks.push(chunk));
        child.stderr.on('data', (chunk) => chunks.push(chunk));
        child.on('error', (error) => chunks.push(Buffer.from(`${error.message}\n`)));
        child.on('close', (code, signal) => {
          const ok = code === 0;
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          const status = ok ? 'ok' : signal ? `killed by ${signal}` : `failed, exit ${code}`;
          process.stdout.write(`\n== ${command} (${status}, ${seconds} s)\n`);
          process.stdout.write(Buffer.concat(chunks));
          resolve(ok);
        });
      }),
  ),
);
const failed = commands.filter((_, i) => !results[i]);
if (failed.length) {
  console.error(`\nfailed: ${failed.join(' | ')}`);
  process.exitCode = 1;
}

#!/usr/bin/env node
// The `firstline` executable: the process around runCli. Ctrl-C (or SIGTERM) aborts the signal the
// commands get, so a live run is cancelled cleanly and recorded; a second Ctrl-C exits at once.
import { processIo } from './io.js';
import { runCli } from './runCli.js';

const controller = new AbortController();
let interrupted = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write(`\nfirstline: ${signal}: cancelling the run (again to exit at once)\n`);
  controller.abort(new Error(`cancelled by ${signal}`));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// `firstline paths x | head` closes the pipe early: stop quietly rather than crash on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), { io: processIo(controller.signal) });

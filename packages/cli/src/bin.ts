#!/usr/bin/env node
// The `firstline` executable: the process around runCli. For `run` and `resume`, SIGTERM (every deploy
// of a container sends one) and a first Ctrl-C hand the run back: it is stored as it is and exits 3,
// for `firstline resume` to finish. A second Ctrl-C cancels it instead (its notifications still go
// out); a third exits at once. `monitor` stops cleanly on the first signal (exit 0), at once on a
// second. Other commands have nothing to hand back and stop at once.
import { processIo } from './io.js';
import { runCli } from './runCli.js';

const argv = process.argv.slice(2);
const command = argv.find((arg) => !arg.startsWith('-'));
const holdsRuns = command === 'run' || command === 'resume';
// `monitor` runs until stopped: a first signal stops it cleanly (timers, server), exit 0.
const stopsCleanly = command === 'monitor';

const handBack = new AbortController();
const cancel = new AbortController();
const say = (text: string) => void process.stderr.write(`\nfirstline: ${text}\n`);
// The conventional exit code of a process ended by a signal: 128 + its number.
const exitNow = (signal: NodeJS.Signals) => process.exit(signal === 'SIGINT' ? 130 : 143);

const onSignal = (signal: NodeJS.Signals) => {
  if (stopsCleanly && !handBack.signal.aborted) return handBack.abort(new Error(`stopped on ${signal}`));
  if (!holdsRuns) exitNow(signal);
  if (!handBack.signal.aborted) {
    say(
      `${signal}: handing the run back: it will be stored and can be finished with \`firstline resume --due\`` +
        ` (Ctrl-C again cancels it instead)`,
    );
    handBack.abort(new Error(`handed back on ${signal}`));
  } else if (signal !== 'SIGINT') {
    // An orchestrator repeating its SIGTERM wants the same thing: the hand-back is under way.
    say(`${signal}: already handing the run back`);
  } else if (!cancel.signal.aborted) {
    say('SIGINT: cancelling the run; its notifications still go out (Ctrl-C again exits at once)');
    cancel.abort(new Error('cancelled by SIGINT'));
  } else exitNow(signal);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// `firstline paths x | head` closes the pipe early: stop quietly rather than crash on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// Not a top-level await: the bundle is CommonJS (compiled with a code cache, see compileCache.ts). A
// rejection is an unhandled one: Node prints it and exits 1, as it did for an awaited one.
void runCli(argv, { io: processIo(cancel.signal, handBack.signal) }).then((code) => {
  process.exitCode = code;
});

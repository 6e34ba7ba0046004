import { coreActions } from '@firstline/core';
import type { AnyActionDefinition } from '@firstline/core';
import { CommanderError } from 'commander';
import { configForCommand } from './config/configForCommand.js';
import { mergeActions } from './config/collectActions.js';
import { installedActions } from './installedActions.js';
import type { RunHost } from './commands/run.js';
import type { CliContext } from './context.js';
import { processIo } from './io.js';
import type { CliIo } from './io.js';
import { createProgram, exitForCommanderError } from './program.js';
import { reportError } from './render/errors.js';

/** Commands that need no actions and no project config. */
const NO_ACTIONS = new Set(['init']);

/** Options of {@link runCli}: everything the process would otherwise provide. */
export interface RunCliOptions {
  /** Output and terminal facts (default: the process's). */
  io?: CliIo;
  /**
   * The actions playbooks may name (default: the installed AWS, network and notifier actions); a
   * project config's actions are added to them.
   */
  actions?: readonly AnyActionDefinition[];
  /** Services real runs use (secret resolvers); defaults come from the installed packages. */
  host?: RunHost;
}

/**
 * Runs the `firstline` command line on `argv` (without `node` and the script) and resolves to its
 * exit code; never throws and never exits the process, so tests and other programs can embed it.
 *
 * @example
 * const code = await runCli(['validate', 'playbooks/'], { io: createCapturingIo() });
 */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  const debug = argv.includes('--debug');
  const ctx: CliContext = { io, actions: options.actions ?? [], debug };
  const host: RunHost = { ...options.host };
  try {
    const result = { exit: 0 };
    const program = createProgram(ctx, result, host);
    // The action packages load only for commands that use them (their SDKs on an action's first call):
    // `--help`, `--version`, `init` and `schema --generic` start in the time of node itself. The
    // project config (firstline.config.*) is read first: its endpoints and region configure them, and
    // its own actions join them (so `schema` completes a custom action's inputs too).
    program.hook('preAction', async (_program, command) => {
      const generic = command.name() === 'schema' && command.opts<{ generic?: boolean }>().generic;
      if (generic || NO_ACTIONS.has(command.name())) return;
      const config = await configForCommand(command, io.cwd);
      if (config) ctx.config = config;
      if (!(options.actions && options.host)) {
        const installed = await installedActions(io.env, config ?? {});
        if (!options.actions) ctx.actions = installed.actions;
        if (!options.host) Object.assign(host, installed.host);
      }
      if (config) {
        const builtins = coreActions.map(({ id }) => id);
        ctx.actions = mergeActions(ctx.actions, builtins, config.actions, config.shown);
      }
    });
    await program.parseAsync([...argv], { from: 'user' });
    return result.exit;
  } catch (error) {
    // commander has already printed its message (and the help hint) through io.err.
    if (error instanceof CommanderError) return exitForCommanderError(error);
    return reportError(error, ctx);
  }
}

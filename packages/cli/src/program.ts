import { Command, InvalidArgumentError, Option } from 'commander';
import type { CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
// A command's module is imported when the command runs, not before: in the bundle (scripts/bundle.mjs
// --split) `validate` is a chunk of its own and parses nothing of what the others need (the XState
// runtime, the report renderers, the stores); the others come together from commands/more.ts, one
// import rather than one each, which keeps the chunks few. `--version` and `--help` load neither.
import type { DecideFlags } from './commands/approve.js';
import type { CancelFlags } from './commands/cancel.js';
import type { ExportAslFlags } from './commands/exportAsl.js';
import { DEFAULT_SEED, seedNames } from './commands/gallery.js';
import type { InitFlags } from './commands/init.js';
import type { MonitorFlags } from './commands/monitor.js';
import type { ReportFlags } from './commands/report.js';
import type { RunsFlags } from './commands/runs.js';
import type { RunFlags, RunHost, StoreFlags } from './commands/run.js';
import type { SchemaFlags } from './commands/schema.js';
import type { SimulateFlags } from './commands/simulate.js';
import type { ValidateFlags } from './commands/validate.js';
import { addCatalogueCommands } from './catalogueCommands.js';
import { EXIT, UsageError } from './context.js';
import type { CliContext } from './context.js';

const STORE_HELP =
  "where run records are kept: a directory or dynamodb://<table>?region=…&endpoint=… (default: the config's store, $FIRSTLINE_STORE or .firstline/runs)";

/** The version `firstline --version` prints: this package's. */
export const VERSION: string = packageJson.version;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const collectList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
];

function port(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number > 65535)
    throw new InvalidArgumentError('expected a port from 0 to 65535 (0 picks a free one).');
  return number;
}

function percent(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 100)
    throw new InvalidArgumentError('expected a percentage from 0 to 100.');
  return number;
}

/** How a command ended: set by its action, read by runCli. */
export interface ProgramResult {
  exit: number;
}

/**
 * The `firstline` command line, built with commander: every command a thin call into a command
 * function (and those into package APIs), `--help` with an example on each, usage errors exit 2.
 */
export function createProgram(ctx: CliContext, result: ProgramResult, host: RunHost = {}): Command {
  const { io } = ctx;
  const program = new Command('firstline');
  program
    .description('Validate, simulate, run and test first-line incident remediation playbooks.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--debug', 'show stack traces with errors')
    .option(
      '--config <file>',
      'the project config (default: the nearest firstline.config.* above the playbook)',
    )
    .option('--no-config', 'ignore any project config')
    .helpOption('-h, --help', 'show help')
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
    })
    .exitOverride()
    .showHelpAfterError('(see firstline <command> --help)')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Exit codes: 0 success, 1 the run's outcome was not good (or a scenario failed), 2 invalid playbook, input or usage,
3 the run was handed back (SIGTERM or Ctrl-C): stored, not over; finish it with firstline resume.

Example:
  $ firstline validate playbooks/
  $ firstline simulate playbooks/ec2-first-line.yaml --input instanceId=i-0abc1234 --outcome url=fail,pass`,
    );

  const inputOptions = (command: Command) =>
    command
      .option('-i, --input <name=value>', 'a playbook input (repeatable)', collect)
      .option('--input-file <file>', 'playbook inputs from a JSON or YAML file (--input wins)')
      .option(
        '--trigger <file|json>',
        'the triggering event (a JSON or YAML file, or inline JSON), classified into `trigger` as Lambda and the server do',
      );

  program
    .command('validate')
    .description('check playbooks and print every issue as file:line:col  CODE  message')
    .argument('<files...>', 'playbook files, directories or globs')
    .option('--json', 'print the issues as JSON')
    .addHelpText('after', '\nExample:\n  $ firstline validate "playbooks/**/*.yaml" --json')
    .action(async (files: string[], flags: ValidateFlags) => {
      const { validateCommand } = await import('./commands/validate.js');
      result.exit = await validateCommand(files, flags, ctx);
    });

  inputOptions(
    program
      .command('simulate')
      .description('run a playbook with scripted outcomes on a virtual clock; nothing is called')
      .argument('<playbook>', 'the playbook file'),
  )
    .option(
      '-o, --outcome <step=outcomes>',
      'scripted outcomes of a step, one per attempt: url=fail,pass (repeatable)',
      collect,
    )
    .option('--good <outcomes>', 'custom end outcomes that count as good (comma-separated)', collectList)
    .option('--json', 'print the result as JSON')
    .option('--explain', 'also list which step outputs were synthesized from output schemas, and from what')
    .addHelpText(
      'after',
      `
Outcomes: pass, fail, error, timeout, throttled, 5xx, network, or a JSON output judged by the step's expect;
approved, denied or expired for an approval (e.g. --outcome reboot.approval=denied).
Unscripted steps pass; an output not scripted (or scripted in part) is synthesized from the action's schema. Exit 0 when the outcome is healthy or recovered (or --good), 1 otherwise.

Example:
  $ firstline simulate ec2-first-line.yaml -i instanceId=i-0abc1234 -i url=https://app.example.com/health \\
      -i healthCheckId=hc-1 --outcome url=fail,pass`,
    )
    .action(async (file: string, flags: SimulateFlags) => {
      const { simulateCommand } = await import('./commands/simulate.js');
      result.exit = await simulateCommand(file, flags, ctx);
    });

  inputOptions(
    program
      .command('run')
      .description('run a playbook for real with the installed actions (or --shadow: plan changes only)')
      .argument('<playbook>', 'the playbook file'),
  )
    .option('--shadow', 'run probes for real; remediations and notifications only say what they would do')
    .option(
      '--fast',
      'with --shadow: waits, rechecks and backoffs pass at once on a virtual clock; probes stay real',
    )
    .option('--store <dir|url>', STORE_HELP)
    .option('--good <outcomes>', 'custom end outcomes that count as good (comma-separated)', collectList)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
AWS credentials come from the standard AWS chain; secrets from the playbook's secrets: references.
SIGTERM (a container's stop, a deploy) or Ctrl-C hands the run back: it is stored in the store as it is
and the command exits 3; firstline resume --due (e.g. from cron) finishes it, no remediation repeated.
Ctrl-C a second time cancels it instead: it ends cancelled and its notifications still go out.
The store must outlive the process (a volume in a container). See docs/concepts/durability.md.

Example:
  $ firstline run ec2-first-line.yaml --shadow -i instanceId=i-0abc1234 -i url=https://app.example.com/health`,
    )
    .action(async (file: string, flags: RunFlags) => {
      const { runCommand } = await import('./commands/more.js');
      result.exit = await runCommand(file, flags, ctx, host);
    });

  program
    .command('resume')
    .description('continue an interrupted run from its stored snapshot, or every run that is due (--due)')
    .argument('[runId]', 'the run id (its record is <store>/<runId>.json)')
    .option('--due', 'resume every stored run whose wait is over or that was interrupted mid-step')
    .option('--store <dir|url>', STORE_HELP)
    .option('--good <outcomes>', 'custom end outcomes that count as good (comma-separated)', collectList)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
A run that had already ended is not run again: its outcome and when it ended are printed, exit 1.
SIGTERM or Ctrl-C hands the run back again (exit 3), a second Ctrl-C cancels it. See docs/concepts/durability.md.

Example:
  $ firstline resume 0b7c9a52-8d1e-4f0e-9c1a-5d2b3e4f6a7b --store .firstline/runs
  $ firstline resume --due   # e.g. from cron every minute`,
    )
    .action(async (runId: string | undefined, flags: StoreFlags & { due?: boolean }) => {
      if (flags.due && runId !== undefined) throw new UsageError('give a run id or --due, not both');
      const { resumeCommand, resumeDueCommand } = await import('./commands/more.js');
      if (flags.due) result.exit = await resumeDueCommand(flags, ctx, host);
      else if (runId !== undefined) result.exit = await resumeCommand(runId, flags, ctx, host);
      else throw new UsageError('which run? give its id, or --due to resume every run that is due');
    });

  for (const [name, decision] of [
    ['approve', 'approved'],
    ['deny', 'denied'],
  ] as const)
    program
      .command(name)
      .description(
        name === 'approve'
          ? 'approve what a stored run waits for, and let the run go on'
          : 'deny what a stored run waits for: it does not remediate',
      )
      .argument('<approvalId>', 'the approval id (<runId>/<step>/<visit>), as the run printed it')
      .option('--store <dir|url>', STORE_HELP)
      .option(
        '--as <name>',
        "who decides (default: your login name); checked against the approval's console approvers",
      )
      .option('--reason <text>', 'why, recorded with the decision and shown in the report')
      .option('--json', 'print the result as JSON')
      .addHelpText(
        'after',
        `
The decision is recorded once, then the run goes on with it. Exit 0 when taken and the run went on
(to its end, or its next wait); 1 when refused (already decided, expired, you are not an approver,
not pending: nothing changed) or the run then ended badly; 2 for an unknown run.

Example:
  $ firstline ${name} 0b7c9a52-8d1e-4f0e-9c1a-5d2b3e4f6a7b/reboot.approval/1 --store .firstline/runs --reason 'primary is wedged'`,
      )
      .action(async (approvalId: string, flags: DecideFlags) => {
        const { decideCommand } = await import('./commands/more.js');
        result.exit = await decideCommand(decision, approvalId, flags, ctx, host);
      });

  program
    .command('cancel')
    .description('cancel a stored run that is not over (handed back, or left by a crashed process)')
    .argument('<runId>', 'the run id (its record is <store>/<runId>.json)')
    .option('--store <dir|url>', STORE_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Nothing more runs but the run's notifications (notify.cancelled, or the unrecovered ones once a
remediation passed); it ends cancelled and its lock is freed. Exit 0 when cancelled; 1 when it had
already ended or a live process holds it (cancel it there); 2 for an unknown run id.

Example:
  $ firstline cancel 0b7c9a52-8d1e-4f0e-9c1a-5d2b3e4f6a7b --store .firstline/runs`,
    )
    .action(async (runId: string, flags: CancelFlags) => {
      const { cancelCommand } = await import('./commands/more.js');
      result.exit = await cancelCommand(runId, flags, ctx, host);
    });

  program
    .command('runs')
    .description(
      'list stored runs, newest first: what started each, its outcome, what it waits for and changed',
    )
    .option('--status <status>', 'only runs running or done')
    .option('--playbook <name>', 'only runs of this playbook (its name:)')
    .option(
      '--since <duration|time>',
      'only runs started since: 30m, 2h, 7d back from now, or an ISO 8601 time',
    )
    .option('--awaiting <what>', "approval: only runs waiting for a person's decision")
    .option('--limit <n>', 'runs per page, 1 to 1000 (default 50)')
    .option('--cursor <cursor>', 'the next page: the cursor the page before printed')
    .option('--store <dir|url>', STORE_HELP)
    .option('--json', 'print the page as JSON: { runs, cursor }')
    .addHelpText(
      'after',
      `
A page ends with the command for the next one. Exit 0, or 2 for a bad option (E_RUN_QUERY, E_RUN_CURSOR)
or store URL (E_STORE_URL). See docs/guides/listing-runs.md.

Example:
  $ firstline runs --awaiting approval
  $ firstline runs --status done --since 24h --store 'dynamodb://firstline-runs?region=eu-west-1' --json`,
    )
    .action(async (flags: RunsFlags) => {
      const { runsCommand } = await import('./commands/more.js');
      result.exit = await runsCommand(flags, ctx, host);
    });

  program
    .command('test')
    .description('run *.scenarios.yaml files as simulations and report path coverage')
    .argument('[paths...]', 'scenario files, directories or globs (default: .)')
    .option('--min-coverage <percent>', 'fail when path coverage is below this', percent)
    .option('--json', 'print the results as JSON')
    .addHelpText('after', '\nExample:\n  $ firstline test examples/ --min-coverage 80')
    .action(async (paths: string[], flags: { json?: boolean; minCoverage?: number }) => {
      const { testCommand } = await import('./commands/more.js');
      result.exit = await testCommand(paths.length > 0 ? paths : ['.'], flags, ctx);
    });

  program
    .command('graph')
    .description('draw the compiled machine: Mermaid stateDiagram-v2, DOT or JSON')
    .argument('<playbook>', 'the playbook file')
    .addOption(
      new Option('--format <format>', 'diagram format')
        .choices(['mermaid', 'dot', 'json'])
        .default('mermaid'),
    )
    .addHelpText(
      'after',
      '\nExample:\n  $ firstline graph ec2-first-line.yaml --format dot | dot -Tsvg > ec2.svg',
    )
    .action(async (file: string, flags: { format: 'mermaid' | 'dot' | 'json' }) => {
      const { graphCommand } = await import('./commands/more.js');
      result.exit = await graphCommand(file, flags, ctx);
    });

  const exporter = program
    .command('export')
    .description('export a playbook for another engine: asl (AWS Step Functions)');
  exporter
    .command('asl')
    .description('the playbook as an Amazon States Language definition (JSONata) for AWS Step Functions')
    .argument('<playbook>', 'the playbook file')
    .addOption(
      new Option('--query-language <language>', "the definition's query language")
        .choices(['jsonata', 'jsonpath'])
        .default('jsonata'),
    )
    .option(
      '--action-runner-arn <arn>',
      'the action runner Lambda (default: the placeholder ${ActionRunnerArn})',
    )
    .option(
      '--table <name>',
      'the DynamoDB table of locks and budgets (default: the placeholder ${FirstlineTable})',
    )
    .option('--no-native', 'run every step through the action runner, none as a native aws-sdk task')
    .option('-o, --output <file>', 'write the definition to a file instead of stdout')
    .addHelpText(
      'after',
      `
Steps whose action is one AWS call run as native aws-sdk tasks; the rest through the action runner
(createActionRunnerHandler of @firstline/lambda). See docs/deploy/step-functions.md.

Example:
  $ firstline export asl asg-self-heal.yaml --action-runner-arn arn:aws:lambda:eu-west-1:123456789012:function:runner -o asg.asl.json`,
    )
    .action(async (file: string, flags: ExportAslFlags) => {
      const { exportAslCommand } = await import('./commands/exportAsl.js');
      result.exit = await exportAslCommand(file, flags, ctx);
    });

  program
    .command('paths')
    .description('list every outcome path through a playbook, one per line')
    .argument('<playbook>', 'the playbook file')
    .option('--json', 'print the paths as JSON')
    .addHelpText('after', '\nExample:\n  $ firstline paths ec2-first-line.yaml')
    .action(async (file: string, flags: { json?: boolean }) => {
      const { pathsCommand } = await import('./commands/more.js');
      result.exit = await pathsCommand(file, flags, ctx);
    });

  program
    .command('report')
    .description('a post-incident report (Markdown or self-contained HTML) from a run record')
    .argument(
      '<run.json|runId>',
      "a run record (<store>/<runId>.json), a run's --json output, or a stored run's id",
    )
    .addOption(new Option('--format <format>', 'report format').choices(['md', 'html']).default('md'))
    .option('--store <dir|url>', STORE_HELP)
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addHelpText(
      'after',
      "\nExample:\n  $ firstline report .firstline/runs/<runId>.json --format html --output incident.html\n  $ firstline report <runId>   # from the store (--store, the config's, $FIRSTLINE_STORE)",
    )
    .action(async (file: string, flags: ReportFlags) => {
      const { reportCommand } = await import('./commands/more.js');
      result.exit = await reportCommand(file, flags, ctx);
    });

  program
    .command('init')
    .description('start a project: a playbook and its scenarios from a seed, and a firstline.config.mjs')
    .argument('[name]', "the playbook name (default: the seed's)")
    .option('--from <seed>', `the seed playbook (default ${DEFAULT_SEED}; the list is below)`)
    .option('--force', 'overwrite the playbook and scenario files if they exist')
    .addHelpText(
      'after',
      () => `
Seeds: ${seedNames().join(', ')}.
Writes <name>.yaml, <name>.scenarios.yaml and (unless a project config is found) firstline.config.mjs
into the working directory. Then firstline test runs the scenarios.

Example:
  $ firstline init web-heal --from ec2-first-line && firstline test`,
    )
    .action(async (name: string | undefined, flags: InitFlags) => {
      const { initCommand } = await import('./commands/more.js');
      result.exit = await initCommand(name, flags, ctx);
    });

  program
    .command('monitor')
    .description(
      'probe targets on an interval and serve latency histograms, bucketed around each SLO, on /metrics',
    )
    .argument('<config>', 'the monitor config file (YAML: targets with kind, name, input, every, slo)')
    .option('--port <port>', "serve /metrics on this port (default the config's port, else 9464)", port)
    .option('--once', 'probe every target once, print the metrics and exit (1 when a probe failed)')
    .addHelpText(
      'after',
      `
Each target's slo is a bucket bound of its histogram, so "share within the SLO" is exact.
Ctrl-C or SIGTERM stops it cleanly: timers stopped, server closed, exit 0. See docs/guides/latency-monitor.md.

Example:
  $ firstline monitor examples/monitor/latency.yaml --port 9464
  $ firstline monitor latency.yaml --once > /var/lib/node_exporter/latency.prom`,
    )
    .action(async (file: string, flags: MonitorFlags) => {
      const { monitorCommand } = await import('./commands/monitor.js');
      result.exit = await monitorCommand(file, flags, ctx, host);
    });

  program
    .command('schema')
    .description("print the playbook JSON Schema with every installed action's inputs (for editors and CI)")
    .option('--generic', "print core's schema only: any action id, any with: mapping")
    .addHelpText(
      'after',
      `
The schema ships with the package as @firstline/cli/schema.json; see docs/guides/editor-completion.md.

Example:
  $ firstline schema > firstline.schema.json
  # then, first line of a playbook:  # yaml-language-server: $schema=./firstline.schema.json`,
    )
    .action(async (flags: SchemaFlags) => {
      const { schemaCommand } = await import('./commands/more.js');
      result.exit = schemaCommand(ctx, flags);
    });

  addCatalogueCommands(program, ctx, result);

  return program;
}

/** Exit code for a commander error: 0 for --help and --version, 2 for every usage mistake. */
export function exitForCommanderError(error: CommanderError): number {
  const done = ['commander.helpDisplayed', 'commander.help', 'commander.version'];
  return done.includes(error.code) ? EXIT.ok : EXIT.usage;
}

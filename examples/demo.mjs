// `pnpm demo`: simulates the first-line playbook of the design (examples/playbooks/ec2-first-line.yaml)
// through a scripted incident and prints its timeline: a failing check, the reboot, the 2-minute wait
// on a virtual clock, the recheck, the notification. Nothing is called for real, so it needs no cloud
// account and finishes in milliseconds of wall time.
//
//   node examples/demo.mjs [--scenario healthy|recovered|unrecovered] [--json]
//
// Exit code: 0 when the run ends as the scenario expects, 1 when it does not, 2 for bad flags.
//
// Plain Node ESM over the built @firstline/core. The catalogue of actions whose packages have not
// landed (src/pending-actions.ts) is TypeScript, so it is loaded through tsx's loader API; passing it
// as `actions` checks every rendered input against the real input schemas, as a live run would.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const playbookFile = fileURLToPath(new URL('playbooks/ec2-first-line.yaml', import.meta.url));
const input = { instanceId: 'i-0abc1234', url: 'https://app.example.com/health', healthCheckId: 'hc-1' };

/** What each scenario scripts (step id → outcome per attempt) and the outcome it must end with. */
const scenarios = {
  healthy: {
    outcomes: {},
    expect: 'healthy',
    story: 'every check passes: nothing is rebooted and nobody is paged',
  },
  recovered: {
    outcomes: { url: ['fail', 'pass'] },
    expect: 'recovered',
    story: 'the URL check fails, the instance is rebooted, the recheck passes: Slack is told',
  },
  unrecovered: {
    outcomes: { url: 'fail' },
    expect: 'unrecovered',
    story: 'the URL check still fails after the reboot: OpsGenie is alerted',
  },
};

const usage = `usage: node examples/demo.mjs [--scenario ${Object.keys(scenarios).join('|')}] [--json]

  --scenario NAME  the scripted incident to simulate (default: recovered)
  --json           print the run's result as JSON, trace included, instead of the timeline
  -h, --help       show this help`;

const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code) => (text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const red = paint('31');
// `node demo.mjs | head` closes the pipe early: stop quietly rather than crash on EPIPE.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const options = readOptions(process.argv.slice(2));
const scenario = scenarios[options.scenario];

let core;
try {
  core = await import('@firstline/core');
} catch (error) {
  fail(`cannot load @firstline/core (${error.message.split('\n')[0]})`);
  console.error('build it first: pnpm --filter @firstline/core run build (pnpm demo does this)');
  process.exit(2);
}
const { createActionRegistry, formatClockDuration, loadPlaybook, renderTrace, simulatePlaybook } = core;

let playbook, actions, result, wallMs;
try {
  const { tsImport } = await import('tsx/esm/api');
  // tsconfig: false — resolve @firstline/core through node_modules (the build), not the tsconfig paths.
  const { pendingActions } = await tsImport('./src/pending-actions.ts', {
    parentURL: import.meta.url,
    tsconfig: false,
  });
  actions = createActionRegistry(pendingActions);
  playbook = await loadPlaybook(playbookFile);
  const started = performance.now();
  result = await simulatePlaybook(playbook, { input, outcomes: scenario.outcomes, actions });
  wallMs = performance.now() - started;
} catch (error) {
  // Firstline errors carry a code and a plain sentence; the stack would only hide them.
  fail(error?.code ? `${error.code}: ${error.message}` : String(error?.message ?? error));
  process.exit(1);
}

const ids = actionIds(playbook.data);
const ok = result.outcome === scenario.expect;
process.exitCode = ok ? 0 : 1;

if (options.json) {
  // `calls` is a function on the result; in JSON it becomes what each action would have received.
  const calls = Object.fromEntries(ids.map((id) => [id, result.calls(id)]));
  const json = { scenario: options.scenario, expected: scenario.expect, ...result, calls, wallMs };
  console.log(JSON.stringify(json, null, 2));
} else {
  const shown = relative(process.cwd(), playbookFile) || playbookFile;
  const field = (label, value) => console.log(`${label.padEnd(10)} ${value}`);
  console.log(bold('Firstline demo: a simulated first-line run, no cloud account needed'));
  field('playbook', `${playbook.data.name}  ${dim(shown.startsWith('..') ? playbookFile : shown)}`);
  field('scenario', `${options.scenario}: ${scenario.story}`);
  field('mode', 'simulate: scripted outcomes, virtual clock, no action really called');
  console.log('');
  process.stdout.write(renderTrace(result.trace, { color }));
  console.log('');
  const painted = ok ? green(result.outcome) : red(result.outcome);
  field('outcome', `${painted}${ok ? '' : ` (expected ${scenario.expect})`}`);
  field('time', `${formatClockDuration(result.durationMs)} virtual, ${Math.round(wallMs)}ms wall`);
  field('calls', dim('times each action would have been called (simulated: none really was)'));
  const width = Math.max(...ids.map((id) => id.length)) + 1;
  for (const id of ids) {
    const kind = actions.get(id)?.kind ?? 'action';
    console.log(`  ${`${id}:`.padEnd(width)} ${result.calls(id).length}  ${dim(kind)}`);
  }
}

/** The flags, or a message and the usage on stderr and exit code 2. */
function readOptions(args) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string', default: 'recovered' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    badUsage(error.message);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (!Object.hasOwn(scenarios, values.scenario))
    badUsage(`unknown scenario "${values.scenario}" (one of ${Object.keys(scenarios).join(', ')})`);
  return values;
}

function badUsage(message) {
  fail(message);
  console.error(usage);
  process.exit(2);
}

function fail(message) {
  console.error(`demo: ${message}`);
}

/** The actions a first-line playbook names, in the order they can run: checks, remediations, notifications. */
function actionIds(data) {
  const checks = Array.isArray(data.checks) ? data.checks : (data.checks?.steps ?? []);
  const notify = Object.values(data.notify ?? {}).flat();
  const ids = [...checks, ...(data.remediate ?? []), ...notify].map((step) => step?.action);
  return [...new Set(ids.filter((id) => typeof id === 'string'))];
}

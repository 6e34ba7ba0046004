// `pnpm demo`: checks the example playbooks against the actions they name and prints, for each, what
// it does in a few lines and whether it is valid. Exit code 0 when every playbook is valid, 2 if not.
//
//   node examples/demo.mjs [playbook.yaml | directory]...     (default: examples/playbooks)
//
// Plain Node ESM over the built @firstline/core. The catalogue of actions whose packages have not
// landed (src/pending-actions.ts) is TypeScript, so it is loaded through tsx's loader API.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const color = process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const paint = (code) => (text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const yellow = paint('33');
const red = paint('31');
// `node demo.mjs | head` closes the pipe early: stop quietly rather than crash on EPIPE.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

let core;
try {
  core = await import('@firstline/core');
} catch (error) {
  console.error(`cannot load @firstline/core (${error.message.split('\n')[0]})`);
  console.error('build it first: pnpm --filter @firstline/core run build (pnpm demo does this)');
  process.exit(2);
}
const { checkPlaybook, createActionRegistry, formatIssue, formatDuration } = core;
const { DEFAULT_RUN_TIMEOUT_MS, DEFAULT_STEP_TIMEOUT_MS } = core;
const { tsImport } = await import('tsx/esm/api');
// tsconfig: false — resolve @firstline/core through node_modules (the build), not the tsconfig paths.
const { pendingActions } = await tsImport('./src/pending-actions.ts', {
  parentURL: import.meta.url,
  tsconfig: false,
});
const registry = createActionRegistry(pendingActions);

const files = await playbookFiles(process.argv.slice(2));
if (files.length === 0) {
  console.error('no playbooks found (give .yaml files or directories holding them)');
  process.exit(2);
}

let invalid = 0;
for (const file of files) {
  const near = relative(process.cwd(), file);
  const shown = near && !near.startsWith('..') ? near : file;
  const result = await checkPlaybook(file, { actions: registry });
  if (!result.ok) invalid++;
  const data = result.playbook?.data;
  // A file that could not be loaded has nothing to summarize: only its issues are shown.
  console.log(data ? summarize(record(data), shown).join('\n') : bold(shown));
  const warnings = result.issues.filter((i) => i.severity === 'warning').length;
  if (result.issues.length === 0) console.log(`  ${green('valid')}`);
  else if (result.ok) console.log(`  ${yellow(`valid, with ${plural(warnings, 'warning')}:`)}`);
  else console.log(`  ${red(`invalid: ${plural(result.issues.length, 'issue')}`)}`);
  for (const issue of result.issues) console.log(`    ${formatIssue(issue, shown)}`);
  console.log('');
}
const total = plural(files.length, 'playbook');
console.log(invalid === 0 ? green(`${total}, all valid`) : red(`${total}, ${invalid} invalid`));
process.exitCode = invalid === 0 ? 0 : 2;

/** The .yaml/.yml files named, or found directly inside the directories named, sorted. */
async function playbookFiles(args) {
  const out = [];
  for (const arg of args.length > 0 ? args : [join(here, 'playbooks')]) {
    const path = resolve(arg);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = (await readdir(path)).filter((n) => /\.ya?ml$/.test(n)).sort();
      out.push(...names.map((n) => join(path, n)));
    } else out.push(path); // a missing file is reported by checkPlaybook as E_READ
  }
  return out;
}

/** A playbook in a few lines: what it is, its inputs and secrets, its limits and its steps in order. */
function summarize(pb, file) {
  const form = Array.isArray(pb.steps) ? 'general form' : pb.checks ? 'first-line form' : 'unknown form';
  const lines = [`${bold(String(pb.name ?? '(unnamed)'))}  ${form}  ${dim(file)}`];
  if (typeof pb.description === 'string') lines.push(...wrap(pb.description, 100).map((l) => `  ${dim(l)}`));
  // Fields are `label value` lines; steps are rows of a table aligned across the whole playbook.
  const items = [];
  const field = (label, value = '') => value !== undefined && items.push({ label, value });
  const rows = (steps) => items.push(...list(steps).map((s) => ({ row: stepRow(s) })));
  field(
    'inputs',
    Object.entries(record(pb.inputs)).map(([name, spec]) => describeInput(name, spec)),
  );
  field(
    'secrets',
    Object.entries(record(pb.secrets)).map(([name, ref]) => `${name} (${refKind(ref)})`),
  );
  field('limits', limits(pb));
  if (Array.isArray(pb.steps)) {
    field('steps');
    rows(pb.steps);
  } else if (pb.checks) {
    const checks = record(pb.checks);
    const parallel = checks.parallel === true;
    field('checks', parallel ? `all at once, quorum ${describeQuorum(checks.quorum)}` : 'in order');
    rows(parallel ? checks.steps : pb.checks);
    if (pb.remediate) field('remediate', 'in order');
    rows(pb.remediate);
    const recheck = record(pb.recheck);
    const rounds = typeof recheck.rounds === 'number' ? recheck.rounds : 1;
    if (recheck.after)
      field('recheck', `${plural(rounds, 'round')}, each ${recheck.after} after remediating`);
    const notify = Object.entries(record(pb.notify)).map(
      ([outcome, steps]) =>
        `${outcome} → ${
          list(steps)
            .map((s) => record(s).action)
            .join(', ') || 'nothing'
        }`,
    );
    if (notify.length > 0) field('notify', notify.join(' · '));
  }
  const widths = [0, 1].map((c) => Math.max(0, ...items.filter((i) => i.row).map((i) => i.row[c].length)));
  for (const item of items) {
    if (item.row) {
      const [id, what, notes] = item.row;
      lines.push(`    ${id.padEnd(widths[0])}  ${what.padEnd(widths[1])}  ${dim(notes)}`.trimEnd());
    } else if (Array.isArray(item.value)) {
      if (item.value.length > 0) lines.push(...wrapList(item.label, item.value));
    } else lines.push(`  ${item.label.padEnd(10)} ${item.value}`.trimEnd());
  }
  return lines;
}

/** One step as table cells: id, what it runs, and its kind, condition, timeout and transitions. */
function stepRow(value) {
  const step = record(value);
  const id = String(step.id ?? '-');
  const notes = [];
  if (step.action) notes.push(registry.get(String(step.action))?.kind ?? 'unknown action');
  if (step.expect) notes.push(`expect ${step.expect}`);
  if (step.when) notes.push(`when ${step.when}`);
  if (step.timeout) notes.push(`timeout ${step.timeout}`);
  if (step.maxVisits) notes.push(`at most ${plural(step.maxVisits, 'visit')}`);
  const on = Object.entries(record(step.on)).map(([outcome, to]) => `${outcome} → ${to}`);
  if (step.next) on.push(`then → ${step.next}`);
  if (on.length > 0) notes.push(on.join(', '));
  let what = '?';
  if (step.action) what = String(step.action);
  else if (typeof step.wait === 'string') what = `wait ${step.wait}`;
  else if (step.wait) {
    const wait = record(step.wait);
    what = `wait until ${wait.until}, polling ${wait.step}${wait.every ? ` every ${wait.every}` : ''}, up to ${wait.timeout}`;
  } else if (step.goto) what = `goto ${step.goto}`;
  else if (step.end) what = `end ${step.end}`;
  else if (step.parallel) {
    const inner = list(step.steps).map((s) => `${record(s).id} (${record(s).action})`);
    what = `parallel, quorum ${describeQuorum(step.quorum)}: ${inner.join(', ')}`;
  }
  return [id, what, notes.join('; ')];
}

/** A `label a, b, c` field, wrapped between items when the list is long. */
function wrapList(label, values) {
  const lines = [];
  let line = '';
  for (const value of values) {
    if (line && line.length + value.length > 94) {
      lines.push(`${line},`);
      line = value;
    } else line = line ? `${line}, ${value}` : value;
  }
  lines.push(line);
  return lines.map((l, i) => `  ${(i === 0 ? label : '').padEnd(10)} ${l}`);
}

function limits(pb) {
  const defaults = record(pb.defaults);
  const retry = record(defaults.retry);
  const parts = [
    `run ${pb.timeout ?? `${formatDuration(DEFAULT_RUN_TIMEOUT_MS)} (default)`}`,
    `step ${defaults.timeout ?? `${formatDuration(DEFAULT_STEP_TIMEOUT_MS)} (default)`}`,
  ];
  if (retry.attempts) {
    const on = list(retry.on);
    parts.push(`${plural(retry.attempts, 'attempt')}${on.length ? ` on ${on.join(', ')}` : ''}`);
  }
  return parts.join(' · ');
}

function describeInput(name, value) {
  const spec = record(value);
  if ('default' in spec) {
    const d = spec.default;
    return `${name} = ${typeof d === 'string' ? d : JSON.stringify(d)}`;
  }
  return spec.required === false ? `${name}?` : name;
}

function refKind(value) {
  const ref = record(value);
  return ['env', 'ssm', 'secretsManager'].find((k) => k in ref) ?? 'not a reference';
}

function describeQuorum(quorum) {
  if (quorum === undefined) return 'all';
  return typeof quorum === 'string' ? quorum : `at least ${record(quorum).atLeast}`;
}

function record(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function list(value) {
  return Array.isArray(value) ? value : [];
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function wrap(text, width) {
  const lines = [];
  let line = '';
  for (const word of text.trim().split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

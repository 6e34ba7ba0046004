import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFileStore,
  createVirtualClock,
  loadPlaybook,
  runPlaybook,
  VIRTUAL_CLOCK_START,
} from '@firstline/core';
import { cli, fakeActions, FIXTURES } from './support.js';
import type { FakeWorld } from './support.js';

// Every command in-process: argument arrays in, stdout / stderr / exit code out, with fake actions
// standing in for the action packages (they record their calls).

// eslint-disable-next-line no-control-regex -- an ANSI escape is exactly what is looked for
const ANSI = /\u001b\[/;
const golden = (name: string) => readFile(join(FIXTURES, '..', '__golden__', name), 'utf8');
const updateGolden = async (name: string, text: string) => {
  if (process.env.UPDATE_GOLDEN) await writeFile(join(FIXTURES, '..', '__golden__', name), text);
};

describe('firstline validate', () => {
  it('a valid playbook: exit 0 and a summary line', async () => {
    const { code, stdout } = await cli(['validate', 'web-first-line.yaml']);
    expect(code).toBe(0);
    expect(stdout).toBe('✓ 1 file: 0 errors, 0 warnings\n');
  });

  it('an invalid playbook: every issue as file:line:col  CODE  message, exit 2', async () => {
    const { code, stdout } = await cli(['validate', 'broken.yaml']);
    expect(code).toBe(2);
    expect(stdout).toContain('broken.yaml:5:13  E_UNKNOWN_ACTION  ');
    expect(stdout).toContain('test.web.check'); // the suggestion for the typo
    expect(stdout).toContain(
      'broken.yaml:10:33  E_ACTION_INPUT  test.host.restart takes no input "servce"; did you mean "service"?',
    );
    expect(stdout).toContain('broken.yaml:7:1  E_FORM (warning)  remediate without recheck');
    expect(stdout).toContain('✗ 1 file: 3 errors, 1 warning');
    expect(stdout).not.toMatch(ANSI);
  });

  it('on a TTY: the offending line with a caret under the column, in colour unless NO_COLOR', async () => {
    const { stdout } = await cli(['validate', 'broken.yaml'], { io: { isTTY: true, color: false } });
    expect(stdout).toContain('  5 |     action: test.web.chek\n    |             ^\n');
    const coloured = await cli(['validate', 'broken.yaml'], { io: { isTTY: true, color: true } });
    expect(coloured.stdout).toMatch(ANSI);
  });

  it('directories and globs expand to their playbooks; --json lists every file', async () => {
    const { code, stdout } = await cli(['validate', '*.yaml', '--json']);
    expect(code).toBe(2);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      files: Array<{ file: string; ok: boolean; issues: unknown[] }>;
    };
    expect(report.ok).toBe(false);
    expect(report.files.map((f) => [f.file, f.ok])).toEqual([
      ['broken.yaml', false],
      ['long-wait.yaml', true],
      ['slow-http.yaml', false], // http.check is not among the fake actions these tests run with
      ['slow-notify.yaml', false], // nor is slack.post
      ['web-approve.yaml', true],
      ['web-first-line.yaml', true],
    ]);
    expect(report.files[0]!.issues).toHaveLength(4);
  });

  it('a missing file is an E_READ issue, exit 2, and the other files are still checked', async () => {
    const { code, stdout } = await cli(['validate', 'nope.yaml', 'web-first-line.yaml']);
    expect(code).toBe(2);
    expect(stdout).toContain('nope.yaml:1:1  E_READ  cannot read');
    expect(stdout).toContain('2 files: 1 error');
  });

  it('a glob that matches nothing is a usage error', async () => {
    const { code, stderr } = await cli(['validate', 'none/*.yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain('firstline: no file matches none/*.yaml');
  });
});

const WEB = ['simulate', 'web-first-line.yaml', '--input', 'host=web-1.internal'];

describe('firstline simulate', () => {
  it('prints the timeline, what it would change and the outcome (golden)', async () => {
    const { code, stdout, stderr, world } = await cli([...WEB, '--outcome', 'health=fail,pass']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    await updateGolden('simulate-recovered.txt', stdout);
    expect(stdout).toBe(await golden('simulate-recovered.txt'));
    expect(stdout).toContain('would restart web on web-1.internal');
    expect(world.calls).toEqual([]); // nothing was called for real
  });

  it('an unrecovered outcome exits 1', async () => {
    const { code, stdout } = await cli([...WEB, '--outcome', 'health=fail']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/outcome {2}unrecovered in 1m/);
    expect(stdout).toContain('would post "web-1.internal is still down"');
  });

  it('an inconclusive outcome (a check that could not run) exits 1 and restarts nothing', async () => {
    const { code, stdout } = await cli([...WEB, '--outcome', 'health=error', '--json']);
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as { outcome: string; calls: Record<string, unknown[]> };
    expect(result.outcome).toBe('inconclusive');
    expect(result.calls['test.host.restart'] ?? []).toEqual([]);
    const coloured = await cli([...WEB, '--outcome', 'health=error'], { io: { isTTY: true, color: true } });
    expect(coloured.code).toBe(1);
    expect(coloured.stdout).toContain('\x1b[33minconclusive\x1b[39m in ');
  });

  it('--good makes a custom outcome count as good', async () => {
    const bad = await cli([...WEB, '--outcome', 'health=fail']);
    const good = await cli([...WEB, '--outcome', 'health=fail', '--good', 'unrecovered,other']);
    expect([bad.code, good.code]).toEqual([1, 0]);
  });

  it('an output object is judged by the step expect', async () => {
    const { code, stdout } = await cli([...WEB, '--outcome', 'health={"status":503}']);
    expect(code).toBe(1);
    expect(stdout).toContain('expected output.status = 200');
  });

  it('--json prints the result with the calls each action would have received', async () => {
    const { code, stdout } = await cli([...WEB, '--outcome', 'health=fail,pass', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      outcome: string;
      calls: Record<string, unknown[]>;
      trace: unknown[];
    };
    expect(result.outcome).toBe('recovered');
    expect(result.calls['test.host.restart']).toEqual([{ host: 'web-1.internal', service: 'web' }]);
    expect(result.calls['test.chat.post']).toEqual([
      // A simulation never reads secrets: each stands in as a placeholder, even when the env has it.
      { token: '<secret chatToken>', text: 'web-1.internal recovered after a restart' },
    ]);
    expect(stdout).not.toContain('fake-chat-token-123');
  });

  it('--input values are read as the declared type; --input-file and --trigger read JSON or YAML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'firstline-cli-'));
    try {
      await writeFile(join(dir, 'inputs.yaml'), 'host: from-file\nport: 9000\n');
      await writeFile(join(dir, 'event.json'), '{"alarm": "web-down"}');
      const { code, stdout } = await cli([
        ...['simulate', join(FIXTURES, 'web-first-line.yaml'), '--input-file', join(dir, 'inputs.yaml')],
        ...['--input', 'port=9443', '--trigger', join(dir, 'event.json'), '--json'],
      ]);
      expect(code).toBe(0);
      const result = JSON.parse(stdout) as { calls: Record<string, unknown[]> };
      expect(result.calls['test.web.check']).toEqual([{ url: 'http://from-file:9443/health' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bad inputs: every problem, exit 2, no stack trace', async () => {
    const { code, stderr, stdout } = await cli(['simulate', 'web-first-line.yaml', '--input', 'port=eighty']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('web-first-line: invalid input');
    expect(stderr).toMatch(/inputs\.host.*required|host/);
    expect(stderr).toContain('inputs.port');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('an outcome word that does not exist: a usage error with the allowed words', async () => {
    const { code, stderr } = await cli([...WEB, '--outcome', 'health=broken']);
    expect(code).toBe(2);
    expect(stderr).toContain('--outcome health=broken: "broken" is not an outcome');
    expect(stderr).toContain('pass, fail, error, timeout');
  });

  it('an outcome for a step that does not exist: E_SIMULATION, exit 2', async () => {
    const { code, stderr } = await cli([...WEB, '--outcome', 'helth=fail']);
    expect(code).toBe(2);
    expect(stderr).toContain('E_SIMULATION');
    expect(stderr).toContain('helth');
  });

  it('an input file with a syntax error: file:line:col and a code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'firstline-cli-'));
    try {
      await writeFile(join(dir, 'bad.yaml'), 'host: a\nport: [1, 2\n');
      const { code, stderr } = await cli([...WEB, '--input-file', join(dir, 'bad.yaml')]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/bad\.yaml:\d+:\d+ {2}E_DATA_SYNTAX {2}/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an invalid playbook: its issues on stderr, exit 2', async () => {
    const { code, stderr } = await cli(['simulate', 'broken.yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain('broken.yaml:5:13  E_UNKNOWN_ACTION');
  });
});

describe('usage', () => {
  it('an unknown flag: exit 2 with a hint', async () => {
    const { code, stderr } = await cli(['simulate', 'web-first-line.yaml', '--outcomes', 'x=pass']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--outcomes'");
    expect(stderr).toContain('--outcome');
    expect(stderr).toContain('see firstline <command> --help');
  });

  it('a missing argument and an unknown command: exit 2', async () => {
    expect((await cli(['simulate'])).code).toBe(2);
    const unknown = await cli(['simlate', 'x.yaml']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('(Did you mean simulate?)');
  });

  it('--help on every command shows an example, exit 0; --version prints the version', async () => {
    for (const command of [
      'validate',
      'simulate',
      'run',
      'resume',
      'cancel',
      'test',
      'graph',
      'paths',
      'report',
      'schema',
      'permissions',
      'actions',
    ]) {
      const { code, stdout } = await cli([command, '--help']);
      expect(code, command).toBe(0);
      expect(stdout, command).toContain(`Usage: firstline ${command}`);
      expect(stdout, command).toContain('Example:');
    }
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('--debug adds the stack trace to an error; without it there is none', async () => {
    const plain = await cli(['report', 'web-first-line.yaml']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await cli(['report', 'web-first-line.yaml', '--debug']);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('firstline run, resume and report', () => {
  let store: string;
  beforeEach(async () => {
    store = await mkdtemp(join(tmpdir(), 'firstline-runs-'));
  });
  afterEach(async () => {
    await rm(store, { recursive: true, force: true });
  });

  it('a live run calls the actions, shows each step, records the run; report renders it (golden)', async () => {
    const world: FakeWorld = { statuses: [200], calls: [] };
    const { code, stdout } = await cli(
      ['run', 'web-first-line.yaml', '-i', 'host=web-1.internal', '--store', store],
      {
        world,
      },
    );
    expect(code).toBe(0);
    expect(world.calls).toEqual([
      { action: 'test.web.check', input: { url: 'http://web-1.internal:8080/health' } },
    ]);
    expect(stdout).toContain('step      health test.web.check');
    expect(stdout).toMatch(/outcome {2}healthy in /);
    const [file] = await readdir(store);
    expect(stdout).toContain(`run record: ${store}/${file}`);
    const record = JSON.parse(await readFile(join(store, file!), 'utf8')) as {
      status: string;
      outcome: string;
    };
    expect(record).toMatchObject({ status: 'done', outcome: 'healthy' });

    const report = await cli(['report', join(store, file!)]);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/^## Run .* — healthy\n/);
    expect(report.stdout).toContain('| health | ');
    const html = await cli(['report', join(store, file!), '--format', 'html']);
    expect(html.stdout).toMatch(/^<!doctype html>/);
  });

  it('--shadow: probes run, the restart is only planned with its preflight, nobody is notified', async () => {
    const world: FakeWorld = { statuses: [500, 200], calls: [] };
    const { code, stdout } = await cli(
      ['run', 'web-first-line.yaml', '-i', 'host=web-1', '--store', store, '--shadow'],
      {
        world,
      },
    );
    expect(world.calls.map((c) => c.action)).toEqual(['test.web.check', 'test.web.check']);
    expect(stdout).toContain('would restart web on web-1 (permission ok)');
    expect(stdout).toContain('would post "web-1 recovered after a restart"');
    expect(code).toBe(0);
  });

  it('a failing notification is reported with its error, and the secret it carried is redacted', async () => {
    const world: FakeWorld = { statuses: [500], calls: [] };
    const { stdout } = await cli(['run', 'web-first-line.yaml', '-i', 'host=fail-chat', '--store', store], {
      world,
    });
    expect(stdout).toContain('rejected token [redacted]');
    expect(stdout).not.toContain('fake-chat-token-123');
    const [file] = await readdir(store);
    expect(await readFile(join(store, file!), 'utf8')).not.toContain('fake-chat-token-123');
  });

  it('resume of a finished run says it had ended, runs nothing, exit 1; an unknown run id is exit 2', async () => {
    const world: FakeWorld = { statuses: [200], calls: [] };
    await cli(['run', 'web-first-line.yaml', '-i', 'host=web-1', '--store', store], { world });
    const [file] = await readdir(store);
    const runId = file!.replace(/\.json$/, '');
    const endedAt = VIRTUAL_CLOCK_START;
    const later = createVirtualClock({ startAt: endedAt + 3 * 3_600_000 + 125_000 });
    const again = await cli(['resume', runId, '--store', store], { world, clock: later });
    expect(again.code).toBe(1);
    expect(again.stdout).toBe(
      `run ${runId} had already ended: outcome healthy at ${new Date(endedAt).toISOString().slice(0, 19).replace('T', ' ')} UTC (3h2m5s ago); nothing was run\n`,
    );
    const json = await cli(['resume', runId, '--store', store, '--json'], { world });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      runId,
      outcome: 'healthy',
      alreadyEnded: { outcome: 'healthy', endedAt },
    });
    expect(world.calls).toHaveLength(1); // the first run's check, nothing since
    const missing = await cli(['resume', 'no-such-run', '--store', store]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('E_RUN_NOT_FOUND');
  });

  it('resume --due finishes a run suspended in its wait; without a run id or --due it is exit 2', async () => {
    const world: FakeWorld = { statuses: [500, 200], calls: [] };
    // A host that had to hand the run back 2 minutes ago, in the middle of its 1-minute recheck wait.
    const startAt = VIRTUAL_CLOCK_START - 120_000;
    const suspended = await runPlaybook(await loadPlaybook(join(FIXTURES, 'web-first-line.yaml')), {
      actions: fakeActions(world),
      store: createFileStore(store),
      input: { host: 'web-1' },
      env: { CHAT_TOKEN: 'fake-chat-token-123' },
      clock: createVirtualClock({ startAt }),
      suspendBefore: startAt + 1_000,
    });
    expect(suspended.outcome).toBe('suspended');
    // The resuming process has its own view of the world: the service answers 200 now.
    const after: FakeWorld = { statuses: [200], calls: [] };
    const due = await cli(['resume', '--due', '--store', store], { world: after });
    expect(due.code).toBe(0);
    expect(due.stdout).toContain(`resumed  ${suspended.runId}  recovered`);
    expect(due.stdout).toContain('1 resumed, 0 busy, 0 failed');
    expect(world.calls.map((c) => c.action)).toEqual(['test.web.check', 'test.host.restart']);
    // No second restart: the resumed run only waited out the rest of its recheck and checked again.
    expect(after.calls.map((c) => c.action)).toEqual(['test.web.check', 'test.chat.post']);
    expect((await cli(['resume', '--due', '--store', store])).stdout).toContain('0 resumed');
    const neither = await cli(['resume', '--store', store]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--due');
  });

  it('report: the Markdown post-incident report of a simulated run, trigger and changes included (golden)', async () => {
    const event = join(store, 'event.json');
    await writeFile(event, JSON.stringify({ alarm: 'web-down', token: 'not-a-secret' }));
    const sim = await cli([...WEB, '--outcome', 'health=fail,pass', '--trigger', event, '--json']);
    const resultFile = join(store, 'result.json');
    // A --json result has no trigger; a report adds it from the record, or here by hand.
    await writeFile(
      resultFile,
      JSON.stringify({ ...JSON.parse(sim.stdout), trigger: { alarm: 'web-down' } }),
    );
    const { code, stdout } = await cli(['report', resultFile]);
    expect(code).toBe(0);
    await updateGolden('report.md', stdout);
    expect(stdout).toBe(await golden('report.md'));
    expect(stdout).toContain('### Trigger');
    expect(stdout).toContain('### What changed');
    expect(stdout).toContain('restart: restart web on web-1.internal');
    const html = await cli([
      'report',
      resultFile,
      '--format',
      'html',
      '--output',
      join(store, 'report.html'),
    ]);
    expect(html.code).toBe(0);
    const page = await readFile(join(store, 'report.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<h2>Trigger</h2>');
    expect(page).not.toMatch(/<(script|link)\b/); // one self-contained file
  });

  it('report of something that is not a run: a clear E_DATA_SHAPE, exit 2', async () => {
    const { code, stderr } = await cli(['report', 'web-first-line.yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain('web-first-line.yaml:1:1  E_DATA_SHAPE  web-first-line.yaml is not a run');
  });
});

describe('firstline paths and schema', () => {
  it('paths: one outcome path per line', async () => {
    const { code, stdout, stderr } = await cli(['paths', 'web-first-line.yaml']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toContain('health:pass ⇒ healthy');
    expect(lines.some((l) => l.includes('restart:pass') && l.endsWith('⇒ recovered'))).toBe(true);
    expect(stderr).toBe(`${lines.length} paths\n`);
  });

  it('schema: the playbook JSON Schema', async () => {
    const { code, stdout } = await cli(['schema']);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout) as { $schema: string; properties: Record<string, unknown> };
    expect(schema.$schema).toContain('json-schema.org');
    expect(Object.keys(schema.properties)).toContain('checks');
  });
});

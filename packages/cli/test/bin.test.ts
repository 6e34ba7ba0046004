import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firstline, requireBuiltBin, runNode } from './subprocess.js';

// The built `firstline` bin as a real subprocess: exit codes, colours by NO_COLOR / FORCE_COLOR,
// plain output when piped, and Ctrl-C on a live run (a first hands it back, a second cancels it).

const EXAMPLES = fileURLToPath(new URL('../../../examples/playbooks/', import.meta.url));
// eslint-disable-next-line no-control-regex -- an ANSI escape is exactly what is looked for
const ANSI = /\u001b\[/;

beforeAll(requireBuiltBin);

describe('the firstline bin (subprocess)', () => {
  it('--version exits 0 and prints the version', async () => {
    const result = await firstline(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('an invalid playbook exits 2; piped output has no colour, FORCE_COLOR adds it, NO_COLOR wins', async () => {
    const piped = await firstline(['validate', 'broken.yaml']);
    expect(piped.code).toBe(2);
    expect(piped.stdout).toContain('broken.yaml:5:13  E_UNKNOWN_ACTION');
    expect(piped.stdout).not.toMatch(ANSI);
    expect(piped.stdout).not.toContain(' | '); // no caret excerpt when piped
    const forced = await firstline(['validate', 'broken.yaml'], { FORCE_COLOR: '1' });
    expect(forced.stdout).toMatch(ANSI);
    const both = await firstline(['validate', 'broken.yaml'], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(both.stdout).not.toMatch(ANSI);
  });

  it('a usage error exits 2 with a hint and no stack trace', async () => {
    const result = await firstline(['simulate', 'web-first-line.yaml', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown option '--bogus'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('simulates the example first-line playbook with the installed actions: plain lines, exit 0 / 1', async () => {
    const args = [
      ...['simulate', join(EXAMPLES, 'ec2-first-line.yaml'), '-i', 'instanceId=i-0abc1234'],
      ...['-i', 'url=https://app.example.com/health', '-i', 'healthCheckId=hc-1'],
    ];
    const recovered = await firstline([...args, '--outcome', 'url=fail,pass']);
    expect(recovered.stderr).toBe('');
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toContain('outcome  recovered in 2m');
    expect(recovered.stdout).not.toMatch(ANSI);
    const unrecovered = await firstline([...args, '--outcome', 'url=fail']);
    expect(unrecovered.code).toBe(1);
    expect(unrecovered.stdout).toContain('outcome  unrecovered');
  });
});

describe('Ctrl-C on a live run (subprocess)', () => {
  let store: string;
  // Never answers: an HTTP check (or a Slack post) to it hangs until it is aborted.
  const server = createServer(() => undefined);
  let closedConnections = 0;
  server.on('connection', (socket) => socket.on('close', () => closedConnections++));
  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  beforeEach(async () => {
    store = await mkdtemp(join(tmpdir(), 'firstline-bin-'));
  });
  afterEach(async () => {
    await rm(store, { recursive: true, force: true });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** The one run record in the store. */
  const onlyRecord = async () => {
    const [file] = (await readdir(store)).filter((name) => name.endsWith('.json'));
    return JSON.parse(await readFile(join(store, file!), 'utf8')) as {
      status: string;
      outcome?: string;
      deadlines: { wake?: number };
      trace: Array<{ type: string; reason?: string }>;
    };
  };

  it('a first Ctrl-C during a probe hands the run back at once: the request aborted, stored running, exit 3', async () => {
    let sent = false;
    const result = await firstline(
      ['run', 'slow-http.yaml', '-i', `url=${url()}/health`, '--store', store],
      {},
      (out, child) => {
        // Interrupt once the check is under way (its step line is printed when it starts).
        if (!sent && out.includes('step      probe http.check')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(sent).toBe(true);
    expect(result.stderr).toContain(
      'SIGINT: handing the run back: it will be stored and can be finished with `firstline resume --due`',
    );
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('handed back  run ');
    expect(closedConnections).toBeGreaterThanOrEqual(1); // the request was aborted, not left hanging
    const record = await onlyRecord();
    expect(record.status).toBe('running');
    expect(record.trace.at(-1)).toMatchObject({ type: 'run.suspend', reason: 'signal' });
  });

  it('a first Ctrl-C in a wait hands it back with its wake time: the run ends at once, not after 10 minutes', async () => {
    let sent = false;
    const result = await firstline(['run', 'long-wait.yaml', '--store', store], {}, (out, child) => {
      if (!sent && out.includes('wait      settle until')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/outcome {2}suspended in /);
    expect(result.stdout).toMatch(/not over: its wait ends at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    const record = await onlyRecord();
    expect(record.status).toBe('running');
    expect(record.deadlines.wake).toEqual(expect.any(Number));
  });

  it('a second Ctrl-C while the hand-back waits for a notification in flight cancels the run, exit 1', async () => {
    let first = false;
    let second = false;
    const child = firstline(
      ['run', 'slow-notify.yaml', '-i', `url=${url()}/api/`, '--store', store],
      { SLACK_TOKEN: 'fake-token-slack-123' },
      (out, proc) => {
        // The hand-back waits for the post in flight (up to 10 s): a second Ctrl-C meanwhile cancels.
        if (!first && out.includes('step      tell slack.post')) {
          first = true;
          proc.kill('SIGINT');
        }
      },
      (err, proc) => {
        if (first && !second && err.includes('handing the run back')) {
          second = true;
          proc.kill('SIGINT');
        }
      },
    );
    const result = await child;
    expect(second).toBe(true);
    expect(result.stderr).toContain('SIGINT: cancelling the run; its notifications still go out');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/outcome {2}cancelled/);
    expect(await onlyRecord()).toMatchObject({ status: 'done', outcome: 'cancelled' });
  });
});

describe('bin/firstline.js: the bundle when it is built, dist/bin.js when not (subprocess)', () => {
  const SOURCE = fileURLToPath(new URL('../bin/firstline.js', import.meta.url));
  const COMPILE_CACHE_JS = fileURLToPath(new URL('../dist/compileCache.js', import.meta.url));
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'firstline-bin-'));
    await mkdir(join(root, 'bin'));
    await copyFile(SOURCE, join(root, 'bin', 'firstline.js'));
    await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Stand-ins for the two builds (named so): each prints which one ran and its arguments. */
  async function build(files: { dist?: boolean; bundle?: string }) {
    if (files.dist) {
      await mkdir(join(root, 'dist'), { recursive: true });
      await writeFile(
        join(root, 'dist', 'bin.js'),
        "process.stdout.write(`dist ${process.argv.slice(2).join(' ')}\\n`);\n",
      );
    }
    if (files.bundle !== undefined) {
      await mkdir(join(root, 'dist', 'bundle'), { recursive: true });
      await writeFile(join(root, 'dist', 'bundle', 'firstline.cjs'), files.bundle);
      // The code cache the bin installs before it requires the bundle: the built one.
      await copyFile(COMPILE_CACHE_JS, join(root, 'dist', 'compileCache.js'));
    }
  }

  async function bin(env: Record<string, string> = {}) {
    const { code, stdout, stderr } = await runNode(
      [join(root, 'bin', 'firstline.js'), 'validate', 'x.yaml'],
      {
        env: { PATH: process.env.PATH ?? '', ...env },
      },
    );
    return { code, stdout, stderr };
  }

  const BUNDLE = "process.stdout.write(`bundle ${process.argv.slice(2).join(' ')}\\n`);\n";

  it('runs the bundle when it is built, with the arguments', async () => {
    await build({ dist: true, bundle: BUNDLE });
    expect(await bin()).toMatchObject({ code: 0, stdout: 'bundle validate x.yaml\n' });
  });

  it('runs dist/bin.js when the bundle is not built, or FIRSTLINE_BUNDLE=0 asks for it', async () => {
    await build({ dist: true });
    expect(await bin()).toMatchObject({ code: 0, stdout: 'dist validate x.yaml\n' });
    await build({ bundle: BUNDLE });
    expect(await bin({ FIRSTLINE_BUNDLE: '0' })).toMatchObject({ code: 0, stdout: 'dist validate x.yaml\n' });
  });

  it('a bundle missing one of its own chunks fails loudly: it does not quietly run dist/bin.js', async () => {
    await build({ dist: true, bundle: "require('./chunks/gone-ABC.cjs');\n" });
    const result = await bin();
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('gone-ABC.cjs');
  });

  it('nothing built: exit 2 and what to do', async () => {
    expect(await bin()).toEqual({
      code: 2,
      stdout: '',
      stderr: 'firstline: @firstline/cli is not built yet: run pnpm build\n',
    });
  });
});

// The Firstline Lambda bundle (dist/bundle/handler.mjs and its chunks) against a hand-written handler
// bundled the same way (scripts/bundle.mjs --split) with the same AWS SDK clients
// (handwritten-handler.ts): a fresh `node` process handed an EventBridge alarm event, timed from its
// spawn to its first AWS request at a loopback stand-in (AWS_ENDPOINT_URL) this process runs. A third
// contender, the lean hand-written handler (handwritten-lean-handler.ts), imports only the DynamoDB
// client at start and the remediation clients on first use, as the Firstline bundle does: the least a
// hand-written function parses before its first request. Rounds interleave the three, rotating which
// goes first; each child also reports its CPU time up to that request (steadier than wall time on a
// loaded machine). Then the warm figure: alarm event → first AWS call in a process that has handled one.
// `pnpm exec tsx packages/lambda/bench/coldVsHandwritten.ts` (after `pnpm build`) prints the JSON.
import { execFileSync, spawn } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Min and median over the rounds, in ms or as a ratio. */
export interface MinMedian {
  min: number;
  median: number;
}

/** Spawn → first AWS request for the contenders, their ratios per round, and the warm figures. */
export interface LambdaColdVsHandwritten {
  /** The Firstline bundle: spawn → its first AWS request (DynamoDB PutItem of the run's lease). */
  firstlineColdMs: MinMedian;
  /** The hand-written bundled handler, every client imported at start: spawn → the same request. */
  handwrittenColdMs: MinMedian;
  /** Firstline ÷ hand-written, per round. Target ≤ 1.3. */
  ratio: MinMedian;
  /** The lean hand-written handler (only the DynamoDB client at start): spawn → the same request. */
  handwrittenLeanColdMs: MinMedian;
  /** Firstline ÷ lean hand-written, per round. */
  ratioVsLean: MinMedian;
  /** CPU time (user + system) of each child from its start to that request. */
  cpuMs: { firstline: MinMedian; handwritten: MinMedian; handwrittenLean: MinMedian };
  /** Firstline ÷ each hand-written contender in CPU time, per round. */
  cpuRatio: { handwritten: MinMedian; handwrittenLean: MinMedian };
  /** Alarm event → first AWS call in a warm Firstline process (median of the invocations). */
  firstlineWarmMs: number;
  /** The same for the hand-written handler. */
  handwrittenWarmMs: number;
  /**
   * KB of each bundle: the entry file; `…AtStart`, the entry and the chunks it imports statically (what a
   * cold start parses before running anything); `firstlineAll`, every chunk of the Firstline bundle.
   */
  bundleKb: {
    firstline: number;
    handwritten: number;
    firstlineAtStart: number;
    handwrittenAtStart: number;
    handwrittenLeanAtStart: number;
    firstlineAll: number;
  };
  rounds: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;
const CONTENDERS = ['firstline', 'handwritten', 'handwrittenLean'] as const;
type Contender = (typeof CONTENDERS)[number];
const minMedian = (values: number[]): MinMedian => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: round(sorted[0]!), median: round(sorted[Math.floor(sorted.length / 2)]!) };
};

/**
 * KB a start parses: the entry and the chunks it imports statically, transitively. esbuild's minified
 * ESM writes those as `import…from"./x.mjs"` or `import"./x.mjs"`; `import("./x.mjs")` stays lazy.
 */
async function atStartKb(entry: string): Promise<number> {
  const seen = new Set([entry]);
  let bytes = 0;
  for (const file of seen) {
    const text = await readFile(file, 'utf8');
    bytes += Buffer.byteLength(text);
    for (const [, path] of text.matchAll(/(?:\bfrom|\bimport)\s*"(\.\.?\/[^"]+\.mjs)"/g))
      seen.add(join(dirname(file), path!));
  }
  return Math.round(bytes / 1024);
}

/** Bytes of the .mjs files under a directory (none when it does not exist). */
async function sizeOfTree(path: string): Promise<number> {
  const names = await readdir(path, { recursive: true }).catch(() => [] as string[]);
  let bytes = 0;
  for (const name of names) if (name.endsWith('.mjs')) bytes += (await stat(join(path, name))).size;
  return bytes;
}

/** Runs the comparison: `rounds` interleaved cold starts of each contender, then `warm` warm invocations. */
export async function measureLambdaColdVsHandwritten(
  rounds = 9,
  warm = 30,
): Promise<LambdaColdVsHandwritten> {
  const bundle = here('../dist/bundle/handler.mjs');
  const dir = await mkdtemp(join(tmpdir(), 'firstline-cold-'));
  try {
    // Each bundle alone in a directory, as in a Lambda package: nothing resolves from node_modules.
    await mkdir(join(dir, 'playbooks'));
    await copyFile(bundle, join(dir, 'handler.mjs')).catch(() => {
      throw new Error('packages/lambda/dist/bundle is missing: run `pnpm --filter @firstline/lambda build`');
    });
    // Its chunks, loaded on first use (the split bundle); none when it is one file.
    await cp(join(dirname(bundle), 'chunks/handler'), join(dir, 'chunks/handler'), {
      recursive: true,
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await copyFile(
      here('../../../examples/playbooks/ec2-first-line.yaml'),
      join(dir, 'playbooks/ec2-first-line.yaml'),
    );
    // The hand-written contenders, bundled as the Firstline bundle is (split, minified, SDK inlined).
    for (const [entry, name] of [
      ['handwritten-handler.ts', 'handwritten'],
      ['handwritten-lean-handler.ts', 'handwritten-lean'],
    ] as const)
      execFileSync(
        process.execPath,
        [
          here('../../../scripts/bundle.mjs'),
          here(entry),
          join(dir, `${name}.mjs`),
          '--split',
          `--chunks=chunks/${name}`,
        ],
        { cwd: here('..'), stdio: 'ignore' },
      );
    const event = JSON.parse(
      await readFile(here('../../actions-aws/test/fixtures/eventbridge-alarm.json'), 'utf8'),
    ) as { detail: { alarmName: string } };
    const files: Record<Contender, string> = {
      firstline: join(dir, 'handler.mjs'),
      handwritten: join(dir, 'handwritten.mjs'),
      handwrittenLean: join(dir, 'handwritten-lean.mjs'),
    };
    const contenders = Object.fromEntries(
      CONTENDERS.map((name) => [name, pathToFileURL(files[name]).href]),
    ) as Record<Contender, string>;
    const env = (endpoint: string): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH ?? '',
      EVENT: JSON.stringify(event),
      FIRSTLINE_TABLE: 'firstline-bench',
      FIRSTLINE_PLAYBOOK: 'ec2-first-line',
      FIRSTLINE_ALARM: event.detail.alarmName,
      FIRSTLINE_INPUTS: JSON.stringify({ url: 'https://app.example.com/health', healthCheckId: 'hc-1' }),
      SLACK_TOKEN: 'fake-slack-token-bench',
      OPSGENIE_API_KEY: 'bench',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL: endpoint,
      // The SDK's Node 20 deprecation notice is not what is measured.
      NODE_NO_WARNINGS: '1',
    });

    // The stand-in: records when the first request of the current process arrives, then ends it.
    let arrived: ((at: number) => void) | undefined;
    const server = createServer((req, res) => {
      const at = performance.now();
      arrived?.(at);
      arrived = undefined;
      req.resume();
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cold = async (module: string): Promise<{ ms: number; cpuMs: number }> => {
      const first = new Promise<number>((resolve) => (arrived = resolve));
      const start = performance.now();
      const child = spawn(process.execPath, [here('coldVsHandwritten-child.mjs'), module, '0'], {
        env: env(endpoint),
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
      const closed = new Promise((resolve) => child.stdout.once('close', resolve));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const failed = exited.then(() => {
        throw new Error(`${module} exited before any AWS request`);
      });
      const at = await Promise.race([first, failed]);
      child.kill('SIGKILL');
      await Promise.all([exited, closed]);
      // The child writes its CPU time as its first request starts, before the request is sent.
      const cpuMs = (JSON.parse(out.split('\n')[0]!) as { cpuMs: number }).cpuMs;
      return { ms: at - start, cpuMs };
    };

    const samples = Object.fromEntries(
      CONTENDERS.map((name) => [name, { ms: [] as number[], cpuMs: [] as number[] }]),
    ) as Record<Contender, { ms: number[]; cpuMs: number[] }>;
    for (const name of CONTENDERS) await cold(contenders[name]); // file system cache, once each
    for (let r = 0; r < rounds; r++) {
      // Each contender goes first, second and third equally often.
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + r) % CONTENDERS.length]!);
      for (const name of order) {
        const { ms, cpuMs } = await cold(contenders[name]);
        samples[name].ms.push(ms);
        samples[name].cpuMs.push(cpuMs);
      }
    }
    server.close();
    const ratios = (of: 'ms' | 'cpuMs', base: Contender) =>
      minMedian(samples.firstline[of].map((value, i) => value / samples[base][of][i]!));

    const warmMs = (module: string) =>
      (
        JSON.parse(
          execFileSync(process.execPath, [here('coldVsHandwritten-child.mjs'), module, String(warm)], {
            env: env('http://127.0.0.1:9'),
            encoding: 'utf8',
            // The refused leases are logged as errors by design: not the figure.
            stdio: ['ignore', 'pipe', 'ignore'],
          }),
        ) as { warmMs: number }
      ).warmMs;
    const size = async (file: string) => Math.round((await readFile(file)).length / 1024);
    return {
      firstlineColdMs: minMedian(samples.firstline.ms),
      handwrittenColdMs: minMedian(samples.handwritten.ms),
      ratio: ratios('ms', 'handwritten'),
      handwrittenLeanColdMs: minMedian(samples.handwrittenLean.ms),
      ratioVsLean: ratios('ms', 'handwrittenLean'),
      cpuMs: {
        firstline: minMedian(samples.firstline.cpuMs),
        handwritten: minMedian(samples.handwritten.cpuMs),
        handwrittenLean: minMedian(samples.handwrittenLean.cpuMs),
      },
      cpuRatio: {
        handwritten: ratios('cpuMs', 'handwritten'),
        handwrittenLean: ratios('cpuMs', 'handwrittenLean'),
      },
      firstlineWarmMs: round(warmMs(contenders.firstline)),
      handwrittenWarmMs: round(warmMs(contenders.handwritten)),
      bundleKb: {
        firstline: await size(files.firstline),
        handwritten: await size(files.handwritten),
        firstlineAtStart: await atStartKb(files.firstline),
        handwrittenAtStart: await atStartKb(files.handwritten),
        handwrittenLeanAtStart: await atStartKb(files.handwrittenLean),
        firstlineAll: Math.round(
          ((await stat(files.firstline)).size + (await sizeOfTree(join(dir, 'chunks/handler')))) / 1024,
        ),
      },
      rounds,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  console.log(JSON.stringify(await measureLambdaColdVsHandwritten(), null, 2));

// The Firstline Lambda bundle (dist/bundle/handler.mjs) against a hand-written handler bundled the
// same way with the same AWS SDK clients (handwritten-handler.ts): a fresh `node` process handed an
// EventBridge alarm event, timed from its spawn to its first AWS request at a loopback stand-in
// (AWS_ENDPOINT_URL) this process runs; rounds interleave the two, alternating which goes first.
// Then the warm figure: alarm event → first AWS call in a process that has handled one already.
// `pnpm exec tsx packages/lambda/bench/coldVsHandwritten.ts` (after `pnpm build`) prints the JSON.
import { execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Min and median over the rounds, in ms or as a ratio. */
export interface MinMedian {
  min: number;
  median: number;
}

/** Spawn → first AWS request for both contenders, their ratio per round, and the warm figures. */
export interface LambdaColdVsHandwritten {
  /** The Firstline bundle: spawn → its first AWS request (DynamoDB PutItem of the run's lease). */
  firstlineColdMs: MinMedian;
  /** The hand-written bundled handler: spawn → the same request. */
  handwrittenColdMs: MinMedian;
  /** Firstline ÷ hand-written, per round. Target ≤ 1.3. */
  ratio: MinMedian;
  /** Alarm event → first AWS call in a warm Firstline process (median of the invocations). */
  firstlineWarmMs: number;
  /** The same for the hand-written handler. */
  handwrittenWarmMs: number;
  /** Bytes of each bundle. */
  bundleKb: { firstline: number; handwritten: number };
  rounds: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;
const minMedian = (values: number[]): MinMedian => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: round(sorted[0]!), median: round(sorted[Math.floor(sorted.length / 2)]!) };
};

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
    await copyFile(
      here('../../../examples/playbooks/ec2-first-line.yaml'),
      join(dir, 'playbooks/ec2-first-line.yaml'),
    );
    execFileSync(
      process.execPath,
      [here('../../../scripts/bundle.mjs'), here('handwritten-handler.ts'), join(dir, 'handwritten.mjs')],
      {
        cwd: here('..'),
        stdio: 'ignore',
      },
    );
    const event = JSON.parse(
      await readFile(here('../../actions-aws/test/fixtures/eventbridge-alarm.json'), 'utf8'),
    ) as { detail: { alarmName: string } };
    const contenders = {
      firstline: pathToFileURL(join(dir, 'handler.mjs')).href,
      handwritten: pathToFileURL(join(dir, 'handwritten.mjs')).href,
    };
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
    const cold = async (module: string): Promise<number> => {
      const first = new Promise<number>((resolve) => (arrived = resolve));
      const start = performance.now();
      const child = spawn(process.execPath, [here('coldVsHandwritten-child.mjs'), module, '0'], {
        env: env(endpoint),
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const failed = exited.then(() => {
        throw new Error(`${module} exited before any AWS request`);
      });
      const at = await Promise.race([first, failed]);
      child.kill('SIGKILL');
      await exited;
      return at - start;
    };

    const samples = { firstline: [] as number[], handwritten: [] as number[], ratio: [] as number[] };
    await cold(contenders.firstline); // file system cache, once each
    await cold(contenders.handwritten);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? (['handwritten', 'firstline'] as const) : (['firstline', 'handwritten'] as const);
      const times: Record<string, number> = {};
      for (const name of order) times[name] = await cold(contenders[name]);
      samples.firstline.push(times.firstline!);
      samples.handwritten.push(times.handwritten!);
      samples.ratio.push(times.firstline! / times.handwritten!);
    }
    server.close();

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
      firstlineColdMs: minMedian(samples.firstline),
      handwrittenColdMs: minMedian(samples.handwritten),
      ratio: {
        min: Math.round(minMedian(samples.ratio).min * 100) / 100,
        median: Math.round(minMedian(samples.ratio).median * 100) / 100,
      },
      firstlineWarmMs: round(warmMs(contenders.firstline)),
      handwrittenWarmMs: round(warmMs(contenders.handwritten)),
      bundleKb: {
        firstline: await size(join(dir, 'handler.mjs')),
        handwritten: await size(join(dir, 'handwritten.mjs')),
      },
      rounds,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  console.log(JSON.stringify(await measureLambdaColdVsHandwritten(), null, 2));

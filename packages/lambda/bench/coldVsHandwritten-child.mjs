// One Lambda container for coldVsHandwritten.ts: imports a bundled handler (argv[2]) and hands it the
// alarm event (EVENT). Cold (argv[3] = 0): that is all, the parent times the first AWS request at its
// stand-in; as that request starts, the child writes its CPU time so far to stdout. Warm (argv[3] = n): after the cold invocation, n more, each timed from the call to its
// first request at a stand-in this process runs itself; prints the median in ms.
import { subscribe } from 'node:diagnostics_channel';
import { writeSync } from 'node:fs';
import { createServer } from 'node:http';

const [module, warmArg = '0'] = process.argv.slice(2);
const warmRuns = Number(warmArg);
const event = JSON.parse(process.env.EVENT);
const context = (i) => ({ getRemainingTimeInMillis: () => 290_000, awsRequestId: `bench-${i}` });

if (warmRuns === 0) {
  let reported = false;
  subscribe('http.client.request.start', () => {
    if (reported) return;
    reported = true;
    const { user, system } = process.cpuUsage();
    writeSync(1, `${JSON.stringify({ cpuMs: (user + system) / 1000 })}\n`);
  });
  const { handler } = await import(module);
  await handler(event, context(0)).catch(() => {});
} else {
  let arrived;
  // A refused lease (400 ConditionalCheckFailed): not retried, so each invocation ends at once.
  const server = createServer((req, res) => {
    arrived ??= performance.now();
    req.resume().on('end', () => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
          message: 'The conditional request failed',
        }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${server.address().port}`;
  const { handler } = await import(module);
  const samples = [];
  for (let i = 0; i <= warmRuns; i++) {
    arrived = undefined;
    const start = performance.now();
    await handler({ ...event, id: `${event.id}-${i}` }, context(i)).catch(() => {});
    if (arrived === undefined) throw new Error(`invocation ${i} made no AWS request`);
    if (i > 0) samples.push(arrived - start);
  }
  server.close();
  samples.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ warmMs: samples[Math.floor(samples.length / 2)] }));
}

// Local stand-ins for Slack and OpsGenie, and a flaky app to watch: the same look-alikes the notifier
// tests use (packages/notifiers/test/support), started on fixed loopback ports and logging every
// message they accept. See docs/guides/local-standins.md.
//
//   node --import tsx examples/standins/lookalikes.ts [--slack 9001] [--opsgenie 9002] [--app 9003] [--app-fails 1]
//
// Then, in the shell that runs firstline:
//   export FIRSTLINE_SLACK_API_URL=http://127.0.0.1:9001/api/ SLACK_TOKEN=fake-token-slack-123
//   export FIRSTLINE_OPSGENIE_API_URL=http://127.0.0.1:9002 OPSGENIE_API_KEY=fake-genie-key-123
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { OPSGENIE_KEY, startMockOpsgenie } from '../../packages/notifiers/test/support/mockOpsgenie.js';
import { SLACK_TOKEN, startMockSlack } from '../../packages/notifiers/test/support/mockSlack.js';

/** Where the look-alikes listen, and how many health requests the app fails before it answers 200. */
export interface LookalikeOptions {
  slackPort?: number;
  opsgeniePort?: number;
  appPort?: number;
  appFails?: number;
  /** Where the log lines go (default stdout). */
  log?: (line: string) => void;
}

/** Starts the Slack and OpsGenie look-alikes and the flaky app; `close` stops all three. */
export async function startLookalikes(options: LookalikeOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  const [slack, opsgenie] = await Promise.all([
    startMockSlack(options.slackPort ?? 0),
    startMockOpsgenie(options.opsgeniePort ?? 0),
  ]);
  let shownMessages = 0;
  slack.onRequest(() => {
    for (const m of slack.messages.slice(shownMessages))
      log(`slack     ${m.channel}  ${m.text ?? '(blocks)'}`);
    shownMessages = slack.messages.length;
  });
  opsgenie.onRequest((request, reply) => {
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    const body = request.body ?? {};
    log(
      `opsgenie  ${request.method} ${request.path} ${reply.status}  ${text(body.alias)}  ${text(body.message)}`,
    );
  });

  // The app under watch: down (503) for its first `appFails` health checks, up (200) after.
  let asked = 0;
  const appFails = options.appFails ?? 1;
  const app = createServer((req, res) => {
    asked++;
    const status = asked <= appFails ? 503 : 200;
    log(`app       ${req.method ?? 'GET'} ${req.url ?? '/'} ${status}`);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok\n' : 'unavailable\n');
  });
  await new Promise<void>((resolve) => app.listen(options.appPort ?? 0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/health`;

  return {
    slack,
    opsgenie,
    appUrl,
    /** The variables that point firstline at the look-alikes, as `export` lines for a shell. */
    env: {
      FIRSTLINE_SLACK_API_URL: slack.apiUrl,
      SLACK_TOKEN,
      FIRSTLINE_OPSGENIE_API_URL: opsgenie.url,
      OPSGENIE_API_KEY: OPSGENIE_KEY,
    },
    close: async () => {
      app.closeAllConnections();
      await Promise.all([slack.close(), opsgenie.close(), new Promise((resolve) => app.close(resolve))]);
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      slack: { type: 'string', default: '9001' },
      opsgenie: { type: 'string', default: '9002' },
      app: { type: 'string', default: '9003' },
      'app-fails': { type: 'string', default: '1' },
    },
  });
  const started = await startLookalikes({
    slackPort: Number(values.slack),
    opsgeniePort: Number(values.opsgenie),
    appPort: Number(values.app),
    appFails: Number(values['app-fails']),
  });
  console.log('look-alikes ready; in the shell that runs firstline:');
  for (const [name, value] of Object.entries(started.env)) console.log(`  export ${name}=${value}`);
  console.log(
    `the app's health endpoint (fails ${values['app-fails']} time(s), then answers 200): ${started.appUrl}`,
  );
  const stop = () => void started.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

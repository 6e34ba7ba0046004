import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCapturingIo, runCli } from '@firstline/cli';
import { OPSGENIE_KEY, startMockOpsgenie } from '../../notifiers/test/support/mockOpsgenie.js';
import type { MockOpsgenie } from '../../notifiers/test/support/mockOpsgenie.js';
import { SLACK_TOKEN, startMockSlack } from '../../notifiers/test/support/mockSlack.js';
import type { MockSlack } from '../../notifiers/test/support/mockSlack.js';

// The notifiers' API hosts from the environment, as the CLI builds them: a playbook whose steps give
// no baseUrl reaches the Slack and OpsGenie look-alikes through FIRSTLINE_SLACK_API_URL and
// FIRSTLINE_OPSGENIE_API_URL; a step's own baseUrl still wins. Real installed actions, real HTTP.

let dir: string;
let app: Server;
let appUrl: string;
let slack: MockSlack;
let opsgenie: MockOpsgenie;

const playbook = (slackWith = '') => `firstline: 1
name: endpoints
inputs:
  url: { type: string }
checks:
  - id: url
    action: http.check
    with: { url: "{{ inputs.url }}", expectStatus: 200 }
notify:
  healthy:
    - action: slack.post
      with: { channel: "#ops", text: "{{ name }}: healthy"${slackWith} }
    - action: opsgenie.createAlert
      with: { message: "{{ name }}: healthy", alias: endpoints-test }
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-endpoints-'));
  app = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/health`;
  [slack, opsgenie] = await Promise.all([startMockSlack(), startMockOpsgenie()]);
});
afterAll(async () => {
  await new Promise((resolve) => app.close(resolve));
  await Promise.all([slack.close(), opsgenie.close()]);
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  slack.reset();
  opsgenie.reset();
});

async function run(text: string, env: Record<string, string>) {
  const file = join(dir, 'notify.yaml');
  await writeFile(file, text);
  const io = createCapturingIo({
    cwd: dir,
    env: { SLACK_TOKEN, OPSGENIE_API_KEY: OPSGENIE_KEY, AWS_REGION: 'us-east-1', ...env },
  });
  // The system clock: the notifiers do real I/O, and this playbook has no waits to skip.
  const code = await runCli(['run', file, '-i', `url=${appUrl}`, '--store', join(dir, 'runs')], { io });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('notifier endpoints from the environment', () => {
  it('FIRSTLINE_SLACK_API_URL and FIRSTLINE_OPSGENIE_API_URL: steps without baseUrl reach the look-alikes', async () => {
    const result = await run(playbook(), {
      FIRSTLINE_SLACK_API_URL: slack.apiUrl,
      FIRSTLINE_OPSGENIE_API_URL: opsgenie.url,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(slack.messages).toMatchObject([{ channel: 'C0OPS0001', text: 'endpoints: healthy', via: 'api' }]);
    expect(opsgenie.alerts).toMatchObject([{ alias: 'endpoints-test', message: 'endpoints: healthy' }]);
  });

  it("a step's own baseUrl wins over the environment", async () => {
    const result = await run(playbook(`, baseUrl: "${slack.apiUrl}"`), {
      FIRSTLINE_SLACK_API_URL: 'http://127.0.0.1:9/api/',
      FIRSTLINE_OPSGENIE_API_URL: opsgenie.url,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(slack.messages).toHaveLength(1);
  });

  it('refuses an endpoint that would send tokens in clear over a network, exit 2', async () => {
    const result = await run(playbook(), { FIRSTLINE_SLACK_API_URL: 'http://slack.internal/api/' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'FIRSTLINE_SLACK_API_URL must be an https:// URL, or http:// to 127.0.0.1, localhost or [::1]: http://slack.internal/api/',
    );
    expect(slack.requests).toHaveLength(0);
  });

  it('refuses the same from the project config: endpoints.slack over plain http to a network host, exit 2', async () => {
    await writeFile(
      join(dir, 'firstline.config.mjs'),
      "export default { endpoints: { slack: 'http://slack.internal/api/' } };\n",
    );
    try {
      const result = await run(playbook(), {});
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'endpoints.slack in the project config must be an https:// URL, or http:// to 127.0.0.1, localhost or [::1]',
      );
      expect(slack.requests).toHaveLength(0);
    } finally {
      await rm(join(dir, 'firstline.config.mjs'));
    }
  });
});

// The console in a real browser: headless Chromium (Debian's, driven by puppeteer-core, which
// downloads nothing) against a real server on loopback whose file store holds three real runs.
// Under CI=true a missing Chromium fails this suite; elsewhere it is skipped with a message.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { launch } from 'puppeteer-core';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFileStore } from '@firstline/core';
import { serve } from '@firstline/server';
import type { FirstlineServer } from '@firstline/server';
import { firstLine, startService } from '../console/consoleSupport.js';
import { AUTH, post, recordingLogger, tempDir, testActions, TOKEN } from '../support.js';

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const HAVE_CHROME = existsSync(CHROME);
const SHOTS = join(import.meta.dirname, '..', '..', '..', '..', 'test-results', 'console');
const ALICE = 'console-token-alice-not-a-secret';

if (!HAVE_CHROME && process.env.CI !== 'true')
  console.warn(
    `console browser test skipped: no Chromium at ${CHROME} (set CHROME_PATH, or apt-get install chromium)`,
  );

describe.runIf(HAVE_CHROME || process.env.CI === 'true')('the console in headless Chromium', () => {
  let server: FirstlineServer;
  let browser: Browser;
  let page: Page;
  const cleanup: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    if (!HAVE_CHROME)
      throw new Error(
        `CI=true and no Chromium at ${CHROME}: the console's browser test cannot run (apt-get install chromium, or set CHROME_PATH)`,
      );
    await mkdir(SHOTS, { recursive: true });
    const dir = await tempDir();
    cleanup.push(dir.remove);
    const actions = testActions();
    const service = await startService(actions.restarts);
    cleanup.push(service.close);
    server = await serve({
      playbooks: {
        'web-first-line': firstLine('web-first-line', false),
        'web-approve': firstLine('web-approve', true),
      },
      actions: actions.actions,
      store: createFileStore(join(dir.dir, 'runs')),
      auth: { tokens: [TOKEN] },
      logger: recordingLogger(),
      console: { users: [{ name: 'alice', token: ALICE }], secureCookies: false },
    });
    cleanup.unshift(() => server.close({ graceMs: 0 }));
    // Three real runs, each to its end or its stop: recovered, unrecovered, waiting for approval.
    const run = async (playbook: string, runId: string, path: string, instance: string) => {
      const res = await post(
        `${server.url}/runs?wait=true`,
        { playbook, runId, input: { url: `${service.url}${path}`, instance } },
        AUTH,
      );
      expect(res.status).toBe(200);
      return res.body;
    };
    expect(await run('web-first-line', 'run-recovered', '/flaky/web-1', 'web-1')).toMatchObject({
      outcome: 'recovered',
    });
    expect(await run('web-first-line', 'run-unrecovered', '/down', 'web-2')).toMatchObject({
      outcome: 'unrecovered',
    });
    expect(await run('web-approve', 'run-approval', '/flaky/web-3', 'web-3')).toMatchObject({
      status: 'running',
    });

    browser = await launch({
      executablePath: CHROME,
      headless: true,
      args: ['--no-sandbox', '--headless=new', '--disable-dev-shm-usage'],
    });
    cleanup.unshift(() => browser.close());
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
  });

  afterAll(async () => {
    for (const step of cleanup.splice(0)) await step().catch(() => undefined);
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  // Expressions as strings: this package is typed for Node, without the DOM's types.
  const evaluate = <T>(expression: string) => page.evaluate(expression) as Promise<T>;
  const text = (selector: string) =>
    evaluate<string>(`document.querySelector(${JSON.stringify(selector)})?.textContent ?? ''`);
  const attributes = (selector: string, name: string) =>
    evaluate<string[]>(
      `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.getAttribute(${JSON.stringify(name)}))`,
    );

  test('signs in, lists three runs, shows a run, approves the pending one and sees it recover', async () => {
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await shot('1-login');
    await page.type('input[name=token]', ALICE);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(new URL(page.url()).pathname).toBe('/console/');

    const rows = await attributes('tr[data-run]', 'data-run');
    expect(rows.sort()).toEqual(['run-approval', 'run-recovered', 'run-unrecovered']);
    expect(await text('tr[data-run="run-approval"]')).toContain('awaiting approval');
    expect(await text('tr[data-run="run-unrecovered"]')).toContain('unrecovered');
    await shot('2-runs');

    await Promise.all([page.waitForNavigation(), page.click('tr[data-run="run-recovered"] a')]);
    expect(await text('.report h1')).toContain('run-recovered');
    expect(
      await evaluate<number>(`document.querySelectorAll('.report table tbody tr').length`),
    ).toBeGreaterThan(5);
    const taken = await attributes('.path li.taken', 'data-node');
    expect(taken).toEqual(['probe', 'restart', 'recheck', 'outcome:recovered']);
    await shot('3-run-recovered');

    await Promise.all([page.waitForNavigation(), page.click('header a[href$="/approvals"]')]);
    expect(await text('.approval .message')).toContain('Restart web-3?');
    await shot('4-approvals');
    await page.type('textarea[name=reason]', 'checked the dashboards; go ahead');
    await Promise.all([page.waitForNavigation(), page.click('button[value=approved]')]);
    expect(new URL(page.url()).pathname).toBe('/console/runs/run-approval');

    // The run resumes in the server; the page follows it (polling) until it is done.
    await page.waitForFunction(`document.querySelector('.facts')?.textContent?.includes('recovered')`, {
      timeout: 60_000,
    });
    expect(await text('#approval .decision')).toMatch(
      /approved by alice \(console\).*checked the dashboards/,
    );
    expect(await page.$('script')).toBeNull();
    await shot('5-run-approved');
  });
});

// Embedding Firstline in an app that already has its own node:http server: its endpoints (Alertmanager
// webhooks, SNS, POST /runs, GET /runs/:id) are mounted under /firstline, the app keeps the rest.
// Run it with `FIRSTLINE_TOKEN=… pnpm exec tsx examples/service/embed.ts`.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { netActions } from '@firstline/actions-net';
import { createFileStore } from '@firstline/core';
import { createRequestHandler } from '@firstline/server';

/** The app's own routes: Firstline joins them, it does not replace them. */
function app(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'Content-Type': 'text/plain' });
  res.end(req.url === '/health' ? 'ok' : 'not found');
}

/** Starts the app with Firstline mounted under /firstline; `close` drains runs before the server stops. */
export async function startApp(options: { port?: number; runsDir: string; token: string }) {
  // ── the dozen lines ──────────────────────────────────────────────────────────────────────────
  const firstline = await createRequestHandler({
    basePath: '/firstline',
    playbooks: { 'web-first-line': fileURLToPath(new URL('web-first-line.yaml', import.meta.url)) },
    actions: netActions(),
    store: createFileStore(options.runsDir),
    auth: { tokens: [options.token] },
    routes: [
      {
        playbook: 'web-first-line',
        match: { alertname: 'WebDown' },
        inputs: (alert) => ({ url: alert.annotations.url, instance: alert.labels.instance }),
      },
    ],
  });
  const server: Server = createServer((req, res) =>
    req.url?.startsWith('/firstline/') ? firstline(req, res) : app(req, res),
  );
  // ─────────────────────────────────────────────────────────────────────────────────────────────
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    server,
    /** Graceful: runs get `graceMs` to finish, the rest are stored for the next start, then the server stops. */
    close: async (graceMs = 10_000) => {
      await firstline.close({ graceMs });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const token = process.env.FIRSTLINE_TOKEN;
  if (!token) throw new Error('set FIRSTLINE_TOKEN: the bearer token Alertmanager and operators send');
  const { close } = await startApp({ port: 8080, runsDir: '.firstline-runs', token });
  process.once('SIGTERM', () => void close(20_000));
  console.log('listening on http://127.0.0.1:8080 (Firstline under /firstline)');
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from './createRequestHandler.js';
import type { HandlerOptions, RequestHandler } from './createRequestHandler.js';

const FORCE_CLOSE_MS = 5_000;

/** Options of {@link serve}: the handler's, and where to listen. */
export interface ServeOptions extends HandlerOptions {
  /** Port to listen on (default 0: one the OS picks; read it from `server.port`). */
  port?: number;
  /** Address to listen on (default 127.0.0.1: put a TLS proxy or load balancer in front). */
  host?: string;
  /** Open connections at once (default 1024); more are closed as soon as they are accepted. */
  maxConnections?: number;
  /** Time a client has to send a request's headers, in ms (default 10 000); slower gets 408 and is closed. */
  headersTimeout?: number;
  /** Time a client has to send a whole request, body included, in ms (default 30 000); not the answer's time. */
  requestTimeout?: number;
  /** How long an idle kept-alive connection stays open between requests, in ms (default 5 000). */
  keepAliveTimeout?: number;
}

/** The connection limits of {@link ServeOptions}, all set. */
export type ConnectionLimits = Required<
  Pick<ServeOptions, 'maxConnections' | 'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout'>
>;

/** The defaults of {@link ServeOptions}' connection limits. */
export const CONNECTION_DEFAULTS: Readonly<ConnectionLimits> = {
  maxConnections: 1024,
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
};

/** A running Firstline server. */
export interface FirstlineServer {
  /** `http://host:port`, for the port actually bound. */
  url: string;
  port: number;
  /**
   * Shuts down gracefully: new requests get 503, queued runs are stored, running ones get `graceMs`
   * (default 10 000) to finish and are then suspended (stored, resumed by the next start); then the
   * listener closes.
   */
  close(options?: { graceMs?: number }): Promise<void>;
  /** The request listener, also usable inside an existing node:http server. */
  handler: RequestHandler;
}

/**
 * Starts a node:http server taking Prometheus Alertmanager webhooks (`POST /alertmanager`),
 * CloudWatch alarms over SNS HTTP(S) subscriptions (`POST /sns`, signatures verified), direct runs
 * (`POST /runs`) and run status (`GET /runs/:id`, `GET /healthz`).
 *
 * @example
 * const server = await serve({ playbooks: { ec2: 'playbooks/ec2.yaml' }, actions, store: createFileStore('.runs'),
 *   routes: [{ playbook: 'ec2', alarm: { name: 'cpu-*' } }], auth: { tokens: [process.env.FIRSTLINE_TOKEN!] } });
 * process.on('SIGTERM', () => void server.close({ graceMs: 20_000 }));
 */
export async function serve(options: ServeOptions): Promise<FirstlineServer> {
  const limits = connectionLimits(options);
  const handler = await createRequestHandler(options);
  const server = createServer(
    {
      headersTimeout: limits.headersTimeout,
      requestTimeout: limits.requestTimeout,
      keepAliveTimeout: limits.keepAliveTimeout,
      // Node checks the two timeouts on this interval (default 30 s): a tenth of the shorter one.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeout / 10))),
    },
    handler,
  );
  server.maxConnections = limits.maxConnections;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // Runs resumed at start must not be left running without a server to report them.
    await handler.close({ graceMs: 0 });
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    handler,
    close: (closeOptions) =>
      (closed ??= (async () => {
        await handler.close(closeOptions);
        await new Promise<void>((resolve) => {
          // Answers still being written (a ?wait=true whose run was just suspended) finish first;
          // a client that never reads its answer is cut off after a few seconds.
          const force = setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_MS);
          force.unref();
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
      })()),
  };
}

function connectionLimits(options: ServeOptions): ConnectionLimits {
  const limits = {
    maxConnections: options.maxConnections ?? CONNECTION_DEFAULTS.maxConnections,
    headersTimeout: options.headersTimeout ?? CONNECTION_DEFAULTS.headersTimeout,
    requestTimeout: options.requestTimeout ?? CONNECTION_DEFAULTS.requestTimeout,
    keepAliveTimeout: options.keepAliveTimeout ?? CONNECTION_DEFAULTS.keepAliveTimeout,
  };
  for (const [name, value] of Object.entries(limits))
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${name} must be a whole number of at least 1, not ${value}`);
  if (limits.headersTimeout > limits.requestTimeout)
    throw new RangeError(
      `headersTimeout (${limits.headersTimeout}) must not be longer than requestTimeout (${limits.requestTimeout})`,
    );
  return limits;
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  FirstlineError,
  compiledOf,
  compilePlaybook,
  createActionRegistry,
  createMemoryStore,
  loadPlaybook,
  systemClock,
} from '@firstline/core';
import type {
  ActionRegistry,
  AnyActionDefinition,
  CompiledPlaybook,
  HostOptions,
  RunnablePlaybook,
  RunStore,
} from '@firstline/core';
import { handleAlertmanager } from './alertmanager/alertmanagerEndpoint.js';
import { createConsoleHandler } from './console/consoleHandler.js';
import type { ConsoleOptions } from './console/consoleHandler.js';
import { createConsoleLogger } from './consoleLogger.js';
import { createBearerCheck } from './http/checkBearer.js';
import type { AuthOption } from './http/checkBearer.js';
import { HttpError } from './http/httpError.js';
import { readJsonBody } from './http/readJsonBody.js';
import { sendReply } from './http/reply.js';
import type { HtmlReply, Reply } from './http/reply.js';
import { createResumer } from './runs/createResumer.js';
import { createRunService } from './runs/createRunService.js';
import { handleGetRun, handleListRuns, handleStartRun } from './runs/runsEndpoint.js';
import { isAlarmRoute } from './routes/serverRoute.js';
import type { ServerRoute } from './routes/serverRoute.js';
import { createSnsVerifier } from './sns/createSnsVerifier.js';
import { httpsGet } from './sns/httpsGet.js';
import { handleSns } from './sns/snsEndpoint.js';

/** SNS HTTP(S) subscription settings. */
export interface SnsOptions {
  /** Topics whose messages are accepted; others are refused (403). Strongly advised. */
  topicArns?: string[];
  /** Confirm subscriptions by GETting their SubscribeURL (only https SNS hosts); off: log it for an operator. */
  autoConfirm?: boolean;
  /** GETs a signing certificate (PEM); default: node:https, no redirects, 10 s. Tests inject one. */
  fetchCertificate?: (url: string) => Promise<string>;
  /** GETs a SubscribeURL to confirm a subscription; default: node:https. Tests inject one. */
  confirmSubscription?: (subscribeUrl: string) => Promise<void>;
  /** Oldest message `Timestamp` accepted, in ms (default 3 600 000: SNS retries for at most an hour). */
  maxMessageAgeMs?: number;
  /** Signing certificates kept in memory (default 32), least recently used dropped first. */
  maxCertificates?: number;
  /** New signing-certificate fetches per minute (default 10); beyond that `POST /sns` answers 503. */
  certificateFetchesPerMinute?: number;
}

/** Options of {@link createRequestHandler} (and of serve(), which adds where to listen). */
export interface HandlerOptions extends Pick<
  HostOptions,
  'secrets' | 'env' | 'logger' | 'clock' | 'onEvent'
> {
  /** The playbooks this server runs, by the name routes and `POST /runs` use; a string is a file path. */
  playbooks: Record<string, RunnablePlaybook | string>;
  /** The actions the playbooks name. */
  actions: ActionRegistry | Iterable<AnyActionDefinition>;
  /** Where runs are kept (saved after every step); default an in-memory store, lost on exit. */
  store?: RunStore;
  /** Alert → playbook + inputs rules, first match wins: Alertmanager label matches and CloudWatch alarm patterns. */
  routes?: ServerRoute[];
  /** Bearer tokens for `POST /runs`, `GET /runs` and `POST /alertmanager`; `false` opens them. Unset: refused (403). */
  auth?: AuthOption;
  /** SNS subscription settings for `POST /sns`. */
  sns?: SnsOptions;
  /** Runs going at once (default 4). */
  concurrency?: number;
  /** Runs waiting beyond those; more get 429 with Retry-After (default 100). */
  queueLimit?: number;
  /** Largest request body (default 1 MiB); larger is a 413. */
  maxBodyBytes?: number;
  /** `live` (default) or `shadow`: probes run, remediations and notifications are only planned. */
  mode?: 'live' | 'shadow';
  /** Resume stored runs that are due when starting (default true). */
  resumeOnStart?: boolean;
  /** Look for due stored runs this often, in ms (default 60 000; 0: only at start). */
  resumeEvery?: number;
  /** Where the endpoints are mounted, e.g. `/firstline` inside an existing app (default: the root). */
  basePath?: string;
  /**
   * The operator console (runs, a run's timeline and path, approvals), off unless set. It needs a way
   * to sign people in: `users` (token login) and/or `proxyHeader` (a trusted proxy's user header).
   */
  console?: ConsoleOptions;
}

/** A node:http request listener serving Firstline's endpoints, which can be shut down gracefully. */
export interface RequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /**
   * Stops accepting runs (503), stores queued runs, lets running ones finish for `graceMs`
   * (default 10 000), then suspends the rest: each stays stored, resumed by the next start.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

type Endpoint = (req: IncomingMessage, url: URL, match: string | undefined) => Promise<Reply | HtmlReply>;

/**
 * Builds the handler serve() mounts, to embed in an app's own node:http (or express-like) server:
 * playbooks are loaded and compiled once, before the first request, so a broken playbook fails
 * start-up, not the first alert at 3 a.m.
 *
 * @example
 * const firstline = await createRequestHandler({ playbooks, actions, auth: { tokens }, basePath: '/firstline' });
 * http.createServer((req, res) => (req.url?.startsWith('/firstline/') ? firstline(req, res) : app(req, res)));
 */
export async function createRequestHandler(options: HandlerOptions): Promise<RequestHandler> {
  const registry = toRegistry(options.actions);
  const playbooks = new Map<string, CompiledPlaybook>();
  for (const [name, source] of Object.entries(options.playbooks)) {
    const playbook = typeof source === 'string' ? await loadPlaybook(source) : source;
    playbooks.set(name, compiledOf(playbook) ?? compilePlaybook(playbook, { actions: registry }));
  }
  const routes = options.routes ?? [];
  for (const route of routes)
    if (!playbooks.has(route.playbook))
      throw new TypeError(
        `a route names playbook ${JSON.stringify(route.playbook)}, which is not in playbooks`,
      );
  const logger = options.logger ?? createConsoleLogger();
  const store = options.store ?? createMemoryStore();
  const clock = options.clock ?? systemClock;
  const host = pick(options, ['secrets', 'env', 'logger', 'clock', 'onEvent']);
  const service = createRunService({
    playbooks,
    actions: registry,
    store,
    host,
    mode: options.mode ?? 'live',
    concurrency: positive(options.concurrency ?? 4, 'concurrency'),
    queueLimit: Math.max(0, options.queueLimit ?? 100),
    logger,
  });
  const checkAuth = createBearerCheck(options.auth);
  const maxBodyBytes = positive(options.maxBodyBytes ?? 1_048_576, 'maxBodyBytes');
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const sns = {
    service,
    routes: routes.filter(isAlarmRoute),
    playbooks,
    logger,
    verify: createSnsVerifier({
      fetchCertificate: options.sns?.fetchCertificate ?? httpsGet,
      ...(options.sns?.topicArns && { topicArns: options.sns.topicArns }),
      ...(options.sns?.maxMessageAgeMs !== undefined && { maxAgeMs: options.sns.maxMessageAgeMs }),
      ...(options.sns?.maxCertificates !== undefined && { maxCertificates: options.sns.maxCertificates }),
      ...(options.sns?.certificateFetchesPerMinute !== undefined && {
        certificateFetchesPerMinute: options.sns.certificateFetchesPerMinute,
      }),
      now: () => clock.now(),
    }),
    confirmSubscription: options.sns?.autoConfirm
      ? (options.sns.confirmSubscription ?? (async (url: string) => void (await httpsGet(url))))
      : undefined,
  };
  const alertmanager = { service, routes: routes.filter((r) => !isAlarmRoute(r)), playbooks, logger };
  const body = (req: IncomingMessage) => readJsonBody(req, maxBodyBytes);

  const table: Array<{ path: RegExp; methods: Record<string, Endpoint> }> = [
    { path: /^\/healthz$/, methods: { GET: () => Promise.resolve(health()) } },
    {
      path: /^\/alertmanager$/,
      methods: { POST: async (req) => (checkAuth(req), handleAlertmanager(alertmanager, await body(req))) },
    },
    { path: /^\/sns$/, methods: { POST: async (req) => handleSns(sns, req, await body(req)) } },
    {
      path: /^\/runs$/,
      methods: {
        GET: (req, url) => (checkAuth(req), handleListRuns(service, url)),
        POST: async (req, url) => (checkAuth(req), handleStartRun(service, await body(req), url, basePath)),
      },
    },
    {
      path: /^\/runs\/([^/]+)$/,
      methods: { GET: (req, url, id) => (checkAuth(req), handleGetRun(service, id!, url)) },
    },
  ];

  if (options.console) {
    const consolePath = (options.console.path ?? '/console').replace(/\/+$/, '');
    if (!/^(\/[\w.~-]+)+$/.test(consolePath) || /^\/(runs|sns|alertmanager|healthz)(\/|$)/.test(consolePath))
      throw new FirstlineError(
        'E_CONFIG_INVALID',
        `console.path must be a path such as /console, not one of the API's (${consolePath})`,
      );
    const answer = createConsoleHandler(options.console, {
      store,
      playbooks,
      actions: registry,
      now: () => clock.now(),
      base: `${basePath}${consolePath}`,
      // A form is a few fields: no reason to read a megabyte of one.
      maxBodyBytes: Math.min(maxBodyBytes, 65_536),
      decide: (record, approvalId, decision) => Promise.resolve(service.decide(record, approvalId, decision)),
    });
    const prefix = new RegExp(`^${consolePath.replace(/[.]/g, '\\.')}(/.*)?$`);
    const page: Endpoint = (req, url) => answer(req, url, prefix.exec(pathOf(url))?.[1] ?? '/');
    table.push(
      { path: /^$/, methods: { GET: () => Promise.resolve(goTo(`${basePath}${consolePath}/`)) } },
      { path: prefix, methods: { GET: page, POST: page } },
    );
  }

  let closing: Promise<void> | undefined;
  const health = (): Reply =>
    closing
      ? { status: 503, body: { status: 'closing' } }
      : { status: 200, body: { status: 'ok', ...service.load() } };

  function pathOf(url: URL): string {
    return url.pathname.slice(basePath.length).replace(/\/+$/, '');
  }

  const dispatch = async (req: IncomingMessage, requestId: string): Promise<Reply | HtmlReply> => {
    const url = new URL(req.url ?? '/', 'http://firstline.invalid');
    const path = url.pathname.startsWith(`${basePath}/`) ? pathOf(url) : undefined;
    const entry = path !== undefined ? table.find((e) => e.path.test(path)) : undefined;
    if (!entry || path === undefined) throw new HttpError(404, 'E_NOT_FOUND', `no endpoint ${url.pathname}`);
    const endpoint = entry.methods[req.method ?? ''];
    const allow = Object.keys(entry.methods).join(', ');
    if (!endpoint)
      throw new HttpError(
        405,
        'E_METHOD_NOT_ALLOWED',
        `${req.method} is not allowed on ${url.pathname}; use ${allow}`,
        {},
        { Allow: allow },
      );
    if (closing && !path.startsWith('/healthz'))
      throw new HttpError(503, 'E_SHUTTING_DOWN', 'the server is shutting down', {}, { 'Retry-After': '5' });
    const match = entry.path.exec(path)?.[1];
    logger.debug(`${req.method} ${url.pathname}`, { requestId });
    return endpoint(req, url, match === undefined ? undefined : decode(match));
  };

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    dispatch(req, requestId)
      .catch((error: unknown): Reply | HtmlReply => {
        if (error instanceof HttpError) {
          // A body left unread (413, 415) would otherwise sit in the socket of a kept-alive connection.
          const close: Record<string, string> =
            error.status === 413 || error.status === 415 ? { Connection: 'close' } : {};
          return {
            status: error.status,
            body: { error: { code: error.code, message: error.message, ...error.details } },
            headers: { ...error.headers, ...close },
          };
        }
        logger.error(
          `request ${requestId} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          { requestId },
        );
        return {
          status: 500,
          body: {
            error: {
              code: 'E_INTERNAL',
              message: `internal error; the server log has it under request id ${requestId}`,
              requestId,
            },
          },
        };
      })
      .then((reply) => sendReply(res, reply, requestId))
      .catch(() => res.destroy());
  }) as RequestHandler;

  handler.close = (closeOptions = {}) => {
    resumer.stop();
    return (closing ??= service.close(Math.max(0, closeOptions.graceMs ?? 10_000)));
  };
  const resumer = createResumer({
    store,
    resume: (record) => service.resume(record),
    isActive: (runId) => service.isActive(runId),
    clock,
    logger,
  });
  if (options.resumeOnStart ?? true) await resumer.start(options.resumeEvery ?? 60_000);
  return handler;
}

function goTo(location: string): HtmlReply {
  return { status: 303, html: '', headers: { Location: location } };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'E_BAD_REQUEST', 'the URL has a malformed %-escape');
  }
}

function toRegistry(actions: ActionRegistry | Iterable<AnyActionDefinition>): ActionRegistry {
  const maybe = actions as Partial<ActionRegistry>;
  // An iterable may be a generator: read it once, into one registry every run shares.
  return typeof maybe.get === 'function' && typeof maybe.register === 'function'
    ? (actions as ActionRegistry)
    : createActionRegistry(actions as Iterable<AnyActionDefinition>);
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a whole number of at least 1, not ${value}`);
  return value;
}

function pick<T extends object, K extends keyof T>(from: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Pick<T, K>;
}

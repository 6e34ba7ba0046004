import { isFirstlineError } from '@firstline/core';
import type { Logger } from '@firstline/core';
import type { HttpOptions } from '../types.js';
import { handleAlertmanager } from './alertmanagerRoute.js';
import type { AlertmanagerRouteContext } from './alertmanagerRoute.js';
import { errorResponse } from './httpEvent.js';
import type { HttpRequest, HttpResponse } from './httpEvent.js';
import { handleSlackInteraction } from './slackRoute.js';
import type { SlackRouteContext } from './slackRoute.js';

/** What the HTTP routes work with; a route whose context is absent is not configured (404). */
export interface HttpContext {
  options: HttpOptions;
  logger: Logger;
  slack?: SlackRouteContext;
  alertmanager?: AlertmanagerRouteContext;
}

/** The largest body read by default: a Slack interaction is a few KiB, an Alertmanager webhook more. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Answers an HTTP request: `POST /slack/interactions` and `POST /alertmanager` when configured. An
 * unknown path is 404, another method 405, a body over `maxBodyBytes` 413, a failure inside 500 (its
 * message logged, not sent); every error body is `{ code, message }`.
 */
export async function handleHttp(request: HttpRequest, ctx: HttpContext): Promise<HttpResponse> {
  const route = routeOf(request.path, ctx);
  if (!route)
    return errorResponse(404, 'E_NOT_FOUND', `no route ${request.path}: this function answers ${paths(ctx)}`);
  if (request.method !== 'POST')
    return errorResponse(405, 'E_METHOD_NOT_ALLOWED', `${request.path} takes POST`, { allow: 'POST' });
  const max = ctx.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (request.bodyBytes > max)
    return errorResponse(
      413,
      'E_PAYLOAD_TOO_LARGE',
      `the body is ${request.bodyBytes} bytes, more than the ${max} this function reads`,
    );
  try {
    return await route(request);
  } catch (error) {
    const code = isFirstlineError(error) ? error.code : 'E_INTERNAL';
    ctx.logger.error(`${request.method} ${request.path} failed: ${(error as Error).message}`, { code });
    return errorResponse(500, code, `${request.path} could not be handled; the function's log says why`);
  }
}

function routeOf(
  path: string,
  ctx: HttpContext,
): ((request: HttpRequest) => Promise<HttpResponse>) | undefined {
  const { slack, alertmanager } = ctx;
  // A trailing slash is the same route: proxies and consoles add one.
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (normalized === '/slack/interactions' && slack)
    return (request) => handleSlackInteraction(request, slack);
  if (normalized === '/alertmanager' && alertmanager)
    return (request) => handleAlertmanager(request, alertmanager);
  return undefined;
}

function paths(ctx: HttpContext): string {
  const known = [
    ...(ctx.slack ? ['POST /slack/interactions'] : []),
    ...(ctx.alertmanager ? ['POST /alertmanager'] : []),
  ];
  return known.length ? known.join(' and ') : 'no HTTP routes (none is configured)';
}

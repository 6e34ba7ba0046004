import { createHash, timingSafeEqual } from 'node:crypto';
import { classifyTriggers } from '@firstline/actions-aws/triggers';
import type { AlertmanagerAlertTrigger } from '@firstline/actions-aws/triggers';
import { checkDataShape, DATA_LIMITS, isFirstlineError } from '@firstline/core';
import type { WorkItem } from '../classifyEvent.js';
import type { IgnoredEvent, RunSummary } from '../types.js';
import { errorResponse, jsonResponse } from './httpEvent.js';
import type { HttpRequest, HttpResponse } from './httpEvent.js';

/** What one alert became: a run, an ignored alert, or an error. */
export interface AlertOutcome {
  run?: RunSummary;
  ignored?: IgnoredEvent;
  error?: unknown;
}

/** What the Alertmanager route works with. */
export interface AlertmanagerRouteContext {
  /** The bearer token, resolved once per container. */
  token(): Promise<string>;
  /** Routes and runs the alerts (the handler's own path for every event). */
  runItems(items: WorkItem[]): Promise<AlertOutcome[]>;
}

/**
 * `POST /alertmanager`: an Alertmanager webhook (payload version 4), authenticated by its bearer token
 * (401 without the right one, compared in constant time). Each firing alert goes to the first route
 * whose labels match and becomes a run named by its fingerprint and startsAt, so a webhook sent again
 * starts nothing new. 200 with the runs and ignored alerts; 500 when a run could not be started or
 * stored, so that Alertmanager sends the webhook again.
 */
export async function handleAlertmanager(
  request: HttpRequest,
  ctx: AlertmanagerRouteContext,
): Promise<HttpResponse> {
  const challenge = { 'www-authenticate': 'Bearer realm="firstline"' };
  const given = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!given)
    return errorResponse(
      401,
      'E_UNAUTHORIZED',
      'missing bearer token (Authorization: Bearer <token>)',
      challenge,
    );
  if (!timingSafeEqual(digest(given), digest(await ctx.token())))
    return errorResponse(401, 'E_UNAUTHORIZED', 'the bearer token is not valid', challenge);
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    return errorResponse(400, 'E_BAD_REQUEST', 'the body is not JSON');
  }
  try {
    checkDataShape(body, DATA_LIMITS, 'body');
  } catch (error) {
    if (isFirstlineError(error)) return errorResponse(400, error.code, error.message);
    throw error;
  }
  const alerts = classifyTriggers(body).filter(
    (t): t is AlertmanagerAlertTrigger => t.kind === 'alertmanager.alert',
  );
  const listed =
    typeof body === 'object' && body !== null && Array.isArray((body as { alerts?: unknown }).alerts);
  if (!listed || alerts.length === 0)
    return errorResponse(
      400,
      'E_BAD_REQUEST',
      listed
        ? 'no well-formed alert in alerts (each needs status, labels, startsAt and fingerprint)'
        : 'not an Alertmanager webhook: no alerts list',
    );
  const items: WorkItem[] = alerts.map((trigger) => ({
    type: 'alert',
    trigger,
    dedupId: `am-${trigger.fingerprint}-${trigger.startsAt}`,
    messageId: trigger.fingerprint,
  }));
  const outcomes = await ctx.runItems(items);
  const runs = outcomes.flatMap((o) => (o.run ? [o.run] : []));
  const ignored = outcomes.flatMap((o) => (o.ignored ? [o.ignored] : []));
  const failed = outcomes.flatMap((o, i) =>
    o.error === undefined ? [] : [{ fingerprint: alerts[i]!.fingerprint, ...describe(o.error) }],
  );
  if (failed.length)
    return jsonResponse(500, { code: failed[0]!.code, message: failed[0]!.message, runs, ignored, failed });
  return jsonResponse(200, { runs, ignored });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function describe(error: unknown): { code: string; message: string } {
  return {
    code: isFirstlineError(error) ? error.code : 'E_INTERNAL',
    message: error instanceof Error ? error.message : String(error),
  };
}

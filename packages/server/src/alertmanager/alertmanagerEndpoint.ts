import { createHash } from 'node:crypto';
import { classifyTriggers } from '@firstline/actions-aws/triggers';
import type { AlertmanagerAlertTrigger } from '@firstline/actions-aws/triggers';
import type { CompiledPlaybook, Logger } from '@firstline/core';
import { HttpError } from '../http/httpError.js';
import type { Reply } from '../http/reply.js';
import type { AcceptedRun, PreparedRun, RunService } from '../runs/createRunService.js';
import { declaredInputs, routeAlert } from '../routes/serverRoute.js';
import type { ServerRoute } from '../routes/serverRoute.js';
import { parseAlertmanagerPayload } from './alertmanagerPayload.js';
import type { AlertmanagerAlert } from './alertmanagerPayload.js';

/** What the Alertmanager endpoint works with. */
export interface AlertmanagerContext {
  service: RunService;
  routes: readonly ServerRoute[];
  playbooks: ReadonlyMap<string, CompiledPlaybook>;
  logger: Logger;
}

/** The run's `trigger` for an alert: what classifyTrigger gives (the alert, the webhook's receiver and group, `raw`). */
export type AlertmanagerTrigger = AlertmanagerAlertTrigger;

/**
 * The run id of one firing of an alert on one playbook: the same fingerprint and startsAt (a webhook
 * Alertmanager sends again, or repeats every repeat_interval) name the same run, so it runs once.
 */
export function alertRunId(
  playbook: string,
  alert: Pick<AlertmanagerAlert, 'fingerprint' | 'startsAt'>,
): string {
  const digest = createHash('sha256')
    .update(`${playbook}\0${alert.fingerprint}\0${alert.startsAt}`)
    .digest('hex');
  return `am-${digest.slice(0, 32)}`;
}

/**
 * `POST /alertmanager`: each firing alert goes to the first route its labels match and becomes a run
 * (resolved and unrouted alerts are listed as ignored). 202 with the runs; an alert whose inputs the
 * playbook refuses is listed as rejected, and when nothing else was accepted the answer is a 400 so
 * Alertmanager's log shows it.
 */
export async function handleAlertmanager(ctx: AlertmanagerContext, body: unknown): Promise<Reply> {
  const payload = parseAlertmanagerPayload(body);
  // One trigger per alert, as classifyTrigger gives the CLI and the Lambda handler this body. The
  // payload passed the strict check above, so each of its alerts is one the lenient classifier reads.
  const triggers = classifyTriggers(body) as AlertmanagerAlertTrigger[];
  const ignored: Array<{ fingerprint: string; reason: string }> = [];
  const rejected: Array<{
    fingerprint: string;
    playbook: string;
    code: string;
    message: string;
    problems?: unknown;
  }> = [];
  const prepared: PreparedRun[] = [];
  for (const [index, alert] of payload.alerts.entries()) {
    if (alert.status !== 'firing') {
      ignored.push({ fingerprint: alert.fingerprint, reason: 'resolved' });
      continue;
    }
    const route = routeAlert(ctx.routes, alert);
    if (!route) {
      ignored.push({ fingerprint: alert.fingerprint, reason: 'no route matches its labels' });
      ctx.logger.warn(`alert ${alert.labels.alertname ?? alert.fingerprint}: no route matches its labels`, {
        labels: alert.labels,
      });
      continue;
    }
    const compiled = ctx.playbooks.get(route.playbook)!;
    try {
      const input = route.inputs
        ? route.inputs(alert)
        : declaredInputs(compiled.document.inputs, alert.labels);
      prepared.push(
        ctx.service.prepare({
          playbook: route.playbook,
          input,
          trigger: triggers[index],
          runId: alertRunId(route.playbook, alert),
        }),
      );
    } catch (error) {
      const problem =
        error instanceof HttpError
          ? {
              code: error.code,
              message: error.message,
              ...(error.details.problems !== undefined && { problems: error.details.problems }),
            }
          : { code: 'E_INPUT_INVALID', message: `the route's inputs() threw: ${(error as Error).message}` };
      rejected.push({ fingerprint: alert.fingerprint, playbook: route.playbook, ...problem });
      ctx.logger.error(
        `alert ${alert.labels.alertname ?? alert.fingerprint} → ${route.playbook}: ${problem.message}`,
      );
    }
  }
  const runs: AcceptedRun[] = prepared.length > 0 ? await ctx.service.accept(prepared) : [];
  if (runs.length === 0 && rejected.length > 0)
    throw new HttpError(400, 'E_INPUT_INVALID', `no run started: ${rejected[0]!.message}`, {
      rejected,
      ignored,
    });
  return { status: 202, body: { runs, ignored, rejected } };
}

import { classifyTrigger } from '@firstline/actions-aws/triggers';
import { HttpError } from '../http/httpError.js';
import type { Reply } from '../http/reply.js';
import { checkRequestRunId } from './checkRequestRunId.js';
import type { RunService } from './createRunService.js';

const FIELDS = new Set(['playbook', 'input', 'trigger', 'runId']);
const STATUSES = new Set(['queued', 'running', 'done']);

/**
 * `POST /runs`: `{ playbook, input?, trigger?, runId? }` → 202 `{ runId, status }` (Location: the
 * run's URL); with `?wait=true`, 200 and the run's state once it has ended (or been suspended).
 * Unknown fields are refused: `inputs` for `input` would otherwise start a run without them.
 */
export async function handleStartRun(
  service: RunService,
  body: unknown,
  url: URL,
  basePath: string,
): Promise<Reply> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(
      400,
      'E_BAD_REQUEST',
      'body must be an object: { playbook, input?, trigger?, runId? }',
    );
  const data = body as Record<string, unknown>;
  for (const key of Object.keys(data))
    if (!FIELDS.has(key))
      throw new HttpError(
        400,
        'E_BAD_REQUEST',
        `unknown field ${key}${key === 'inputs' ? ' (did you mean input?)' : ''}; expected playbook, input, trigger, runId`,
      );
  if (typeof data.playbook !== 'string' || data.playbook === '')
    throw new HttpError(400, 'E_BAD_REQUEST', 'playbook must be the name of a playbook this server runs');
  if (
    data.input !== undefined &&
    (typeof data.input !== 'object' || data.input === null || Array.isArray(data.input))
  )
    throw new HttpError(400, 'E_BAD_REQUEST', 'input must be an object of named inputs');
  if (data.runId !== undefined && typeof data.runId !== 'string')
    throw new HttpError(400, 'E_BAD_REQUEST', 'runId must be a string');
  const prepared = service.prepare({
    playbook: data.playbook,
    input: data.input,
    // The run's trigger is the invocation's own, classified as every host classifies events (or
    // `direct` when it carries none): an alarm event here reads as it does in the CLI and Lambda.
    trigger: classifyTrigger(data),
    ...(data.runId !== undefined && { runId: data.runId }),
  });
  const [accepted] = await service.accept([prepared]);
  const run = accepted!;
  const location = { Location: `${basePath}/runs/${encodeURIComponent(run.runId)}` };
  if (waits(url)) {
    await service.waitFor(run.runId);
    const status = await service.status(run.runId);
    return { status: 200, body: { ...status, duplicate: run.duplicate }, headers: location };
  }
  return { status: 202, body: run, headers: location };
}

/**
 * `GET /runs/:id`: the run's state and trace; 404 for a run this server does not know. With
 * `?wait=true`, answers once a run queued or running here has ended (or been suspended).
 */
export async function handleGetRun(service: RunService, runId: string, url: URL): Promise<Reply> {
  checkRequestRunId(runId);
  if (waits(url)) await service.waitFor(runId);
  const status = await service.status(runId);
  if (!status) throw new HttpError(404, 'E_NOT_FOUND', `no run ${runId}`);
  return { status: 200, body: status };
}

/** `GET /runs[?status=queued|running|done]`: run ids and states. */
export async function handleListRuns(service: RunService, url: URL): Promise<Reply> {
  const status = url.searchParams.get('status');
  if (status !== null && !STATUSES.has(status))
    throw new HttpError(400, 'E_BAD_REQUEST', 'status must be queued, running or done');
  const runs = await service.list((status ?? undefined) as 'queued' | 'running' | 'done' | undefined);
  return { status: 200, body: { runs } };
}

function waits(url: URL): boolean {
  const wait = url.searchParams.get('wait');
  return wait === 'true' || wait === '1';
}

import { randomUUID } from 'node:crypto';
import {
  decideApproval,
  isFirstlineError,
  isRunId,
  prepareInputs,
  resumeRun,
  runPlaybook,
  systemClock,
} from '@firstline/core';
import type {
  ActionRegistry,
  ApprovalDecision,
  CompiledPlaybook,
  HostOptions,
  Logger,
  RunRecord,
  RunResult,
  RunStore,
} from '@firstline/core';
import { HttpError } from '../http/httpError.js';
import { checkRequestRunId } from './checkRequestRunId.js';
import { createRunQueue } from './createRunQueue.js';
import type { QueuedRun } from './createRunQueue.js';
import { statusOfRecord } from './runStatus.js';
import type { RunStatus } from './runStatus.js';

/** What a run service needs: compiled playbooks, actions, a store, limits and the host's services. */
export interface RunServiceOptions {
  playbooks: ReadonlyMap<string, CompiledPlaybook>;
  actions: ActionRegistry;
  store: RunStore;
  host: Pick<HostOptions, 'secrets' | 'env' | 'logger' | 'clock' | 'onEvent'>;
  mode: 'live' | 'shadow';
  concurrency: number;
  queueLimit: number;
  logger: Logger;
}

/** A run asked for, before it is accepted: which playbook, with what. */
export interface RunRequest {
  playbook: string;
  input?: unknown;
  trigger?: unknown;
  runId?: string;
}

/** A run checked and ready to queue: its playbook compiled, its inputs valid. */
export interface PreparedRun {
  runId: string;
  compiled: CompiledPlaybook;
  inputs: Record<string, unknown>;
  trigger?: unknown;
}

/** The answer for one accepted run: its id and state; `duplicate` when that run already existed. */
export interface AcceptedRun {
  runId: string;
  playbook: string;
  status: RunStatus['status'];
  duplicate: boolean;
}

const FAILURES_KEPT = 1000;
const RETRY_AFTER_SECONDS = 5;

/**
 * The server's run engine: checks requests, de-duplicates run ids against the queue and the store,
 * and hands runs to a bounded queue (429 beyond it, never a dropped run). Stored runs that are due
 * are resumed through the same queue, so they count against the same limit.
 */
export function createRunService(options: RunServiceOptions) {
  const { store, logger } = options;
  const clock = options.host.clock ?? systemClock;
  const failures = new Map<
    string,
    { playbook: string; inputs: Record<string, unknown>; code: string; message: string }
  >();
  const queue = createRunQueue({ concurrency: options.concurrency, queueLimit: options.queueLimit, clock });
  // Run ids being checked against the store right now: a second request for one waits for the first.
  const checking = new Map<string, Promise<AcceptedRun | HttpError>>();

  const retryLater = { 'Retry-After': String(RETRY_AFTER_SECONDS) };
  const shuttingDown = () =>
    new HttpError(503, 'E_SHUTTING_DOWN', 'the server is shutting down; send it again later', {}, retryLater);

  // `undefined`: nothing ran (a refused decision, already logged).
  const settle = (run: QueuedRun, work: Promise<RunResult | undefined>) =>
    work
      .then((result) => {
        if (!result) return;
        const level = result.outcome === 'suspended' ? 'warn' : 'info';
        logger[level](`run ${run.runId} (${run.playbook}): ${result.outcome}`, { runId: run.runId });
      })
      .catch((error: unknown) => {
        const code = isFirstlineError(error) ? error.code : 'E_INTERNAL';
        // Another host (or this one) is running it: nothing went wrong, it is just not ours.
        if (code === 'E_RUN_BUSY')
          return logger.debug(`run ${run.runId} is busy elsewhere`, { runId: run.runId });
        const message = error instanceof Error ? error.message : String(error);
        logger.error(`run ${run.runId} (${run.playbook}) could not run: ${message}`, {
          runId: run.runId,
          code,
        });
        failures.set(run.runId, { playbook: run.playbook, inputs: run.inputs, code, message });
        if (failures.size > FAILURES_KEPT) failures.delete(failures.keys().next().value!);
      });

  const toQueued = (run: PreparedRun): QueuedRun => {
    const queued: QueuedRun = {
      runId: run.runId,
      playbook: run.compiled.name,
      inputs: run.inputs,
      // Not started before shutdown: started with suspend already fired, so it is stored resumable.
      onClose: 'store',
      execute: (suspend) =>
        settle(
          queued,
          runPlaybook(run.compiled, {
            ...options.host,
            input: run.inputs,
            ...(run.trigger !== undefined && { trigger: run.trigger }),
            actions: options.actions,
            store,
            runId: run.runId,
            mode: options.mode,
            suspend,
          }),
        ),
    };
    return queued;
  };

  const answer = (runId: string, playbook: string, duplicate: boolean): AcceptedRun => ({
    runId,
    playbook,
    status: queue.stateOf(runId) ?? 'queued',
    duplicate,
  });

  const decide = async (runs: readonly PreparedRun[]): Promise<Array<AcceptedRun | HttpError>> => {
    const stored = await Promise.all(runs.map((run) => store.load(run.runId)));
    const fresh = runs.filter((_, i) => stored[i] === undefined);
    let refusal: HttpError | undefined;
    if (queue.closed) refusal = shuttingDown();
    else if (!queue.canTake(fresh.length)) {
      const { running, queued } = queue.load();
      refusal = new HttpError(
        429,
        'E_OVERLOADED',
        `too many runs at once (${running} running, ${queued} queued; limits ${options.concurrency} and ${options.queueLimit}): nothing was started, send it again later`,
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
        retryLater,
      );
    } else queue.add(fresh.map(toQueued));
    return runs.map((run, i) => {
      const record = stored[i];
      if (record)
        return { runId: run.runId, playbook: record.playbook.name, status: record.status, duplicate: true };
      return refusal ?? answer(run.runId, run.compiled.name, false);
    });
  };

  return {
    /** Checks a request: the playbook exists (404), the inputs are valid (400 with every problem). */
    prepare(request: RunRequest): PreparedRun {
      const compiled = options.playbooks.get(request.playbook);
      if (!compiled)
        throw new HttpError(
          404,
          'E_PLAYBOOK_NOT_FOUND',
          `no playbook named ${JSON.stringify(request.playbook)}`,
          {
            playbooks: [...options.playbooks.keys()],
          },
        );
      if (request.runId !== undefined) checkRequestRunId(request.runId);
      try {
        const inputs = prepareInputs(compiled.document, request.input);
        const runId = request.runId ?? randomUUID();
        return {
          runId,
          compiled,
          inputs,
          ...(request.trigger !== undefined && { trigger: request.trigger }),
        };
      } catch (error) {
        if (isFirstlineError(error) && error.code === 'E_INPUT_INVALID')
          throw new HttpError(400, 'E_INPUT_INVALID', error.message, {
            ...('problems' in error && { problems: error.problems }),
          });
        throw error;
      }
    },

    /**
     * Accepts runs, all or none: a run id already queued, running or stored is answered as a
     * duplicate and not started again; the new ones are queued when they all fit (429 otherwise).
     */
    async accept(runs: readonly PreparedRun[]): Promise<AcceptedRun[]> {
      if (queue.closed) throw shuttingDown();
      const answers: Array<Promise<AcceptedRun | HttpError>> = [];
      const mine: PreparedRun[] = [];
      let release!: (runs: PreparedRun[]) => void;
      const decided = new Promise<PreparedRun[]>((resolve) => (release = resolve)).then(decide);
      for (const run of runs) {
        const pending = checking.get(run.runId);
        if (queue.stateOf(run.runId))
          answers.push(Promise.resolve(answer(run.runId, run.compiled.name, true)));
        else if (pending)
          answers.push(pending.then((v) => (v instanceof HttpError ? v : { ...v, duplicate: true })));
        else {
          const index = mine.push(run) - 1;
          const verdict = decided.then((all) => all[index]!);
          checking.set(run.runId, verdict);
          answers.push(verdict);
          // A store failure rejects the accept() that asked; the entry must go all the same.
          void verdict.then(
            () => checking.delete(run.runId),
            () => checking.delete(run.runId),
          );
        }
      }
      release(mine);
      const settled = await Promise.all(answers);
      const failed = settled.find((verdict) => verdict instanceof HttpError);
      if (failed) throw failed;
      // Read the state now: a run that found a free slot is already running.
      return (settled as AcceptedRun[]).map((a) => (a.duplicate ? a : answer(a.runId, a.playbook, false)));
    },

    /** Queues the resumption of a stored run that is due; it counts against `concurrency` like any run. */
    resume(record: RunRecord): void {
      if (queue.closed || queue.stateOf(record.runId)) return;
      const run: QueuedRun = {
        runId: record.runId,
        playbook: record.playbook.name,
        inputs: record.inputs,
        // Already stored as running: left as it is, for the next start.
        onClose: 'drop',
        execute: (suspend) =>
          settle(run, resumeRun(record.runId, { ...options.host, store, actions: options.actions, suspend })),
      };
      queue.add([run], { force: true });
    },

    /**
     * Records a person's decision on a run's pending approval and resumes the run here, in the queue
     * like any resumed run (the decision itself is written by core, once, under the run's lease). A
     * decision core refuses after all (someone else decided first) is logged.
     */
    decide(record: RunRecord, approvalId: string, decision: ApprovalDecision): void {
      if (queue.closed) throw shuttingDown();
      if (queue.stateOf(record.runId))
        throw new HttpError(409, 'E_RUN_BUSY', `run ${record.runId} is running here right now; try again`);
      const run: QueuedRun = {
        runId: record.runId,
        playbook: record.playbook.name,
        inputs: record.inputs,
        onClose: 'drop',
        execute: (suspend) =>
          settle(
            run,
            decideApproval(approvalId, decision, {
              ...options.host,
              store,
              actions: options.actions,
              suspend,
            }).then((answer) => {
              if (answer.status === 'decided') return answer.result;
              logger.warn(`approval ${approvalId} was not decided: ${answer.message}`, {
                runId: record.runId,
                code: answer.code,
              });
              return undefined;
            }),
          ),
      };
      queue.add([run], { force: true });
    },

    /** True while the run is queued or running in this process. */
    isActive: (runId: string) => queue.stateOf(runId) !== undefined,

    /** Resolves when the run (if queued or running here) has ended or been suspended. */
    waitFor: (runId: string) => queue.finished(runId),

    /** A run's state: queued here, else as stored, else running here (not stored yet), else why it failed. */
    async status(runId: string): Promise<RunStatus | undefined> {
      const entry = queue.get(runId);
      if (entry?.state === 'queued') return { ...base(entry), position: queue.positionOf(runId) };
      const record = isRunId(runId) ? await store.load(runId) : undefined;
      if (record) return statusOfRecord(record);
      if (entry) return { ...base(entry), status: 'running' };
      const failure = failures.get(runId);
      if (!failure) return undefined;
      const { code, message, ...rest } = failure;
      return {
        runId,
        status: 'done',
        outcome: 'failed',
        trace: [],
        steps: {},
        ...rest,
        error: { code, message },
      };
    },

    /** Run ids and states: queued here, and stored ones; optionally only those with one status. */
    async list(status?: RunStatus['status']): Promise<Array<{ runId: string; status: RunStatus['status'] }>> {
      const queued = queue.queuedIds().map((runId) => ({ runId, status: 'queued' as const }));
      const stored = async (s: 'running' | 'done') =>
        (await store.list({ status: s })).map((runId) => ({ runId, status: s }));
      if (status === 'queued') return queued;
      if (status) return stored(status);
      return [...queued, ...(await stored('running')), ...(await stored('done'))];
    },

    /** Counts for /healthz. */
    load: () => ({ ...queue.load(), concurrency: options.concurrency, queueLimit: options.queueLimit }),

    /** Shuts the queue: see {@link createRunQueue}'s close. */
    close: (graceMs: number) => queue.close(graceMs),
  };
}

function base(entry: QueuedRun): RunStatus {
  return {
    runId: entry.runId,
    status: 'queued',
    playbook: entry.playbook,
    inputs: entry.inputs,
    trace: [],
    steps: {},
  };
}

/** The run engine behind the request handler. */
export type RunService = ReturnType<typeof createRunService>;

// A fault-injecting loopback proxy in front of moto that also stands in for the SSM Automation API
// moto 5.2.1 lacks (Start/Get/StopAutomationExecution answer 500 there). Those three are answered here
// in AWS JSON 1.1 with AWS's response shapes and ClientToken semantics (the same token and parameters
// give back the execution already started; the same token with other parameters is
// IdempotentParameterMismatch; a token that is not a UUID is a ValidationException). Every other
// request goes to moto unchanged. Faults: answer an operation with a 500 after carrying it out (an
// ambiguous failure), report Run Command invocations as still InProgress (moto finishes them at once),
// and a hook on every request, for a test to cancel a run at a known moment.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy answered. */
export interface SeenRequest {
  /** The operation, from X-Amz-Target without the service prefix: StartAutomationExecution. */
  operation: string;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  /** The HTTP status it was answered with. */
  status: number;
}

/** An automation execution as the look-alike keeps it. */
export interface Execution {
  id: string;
  documentName: string;
  documentVersion?: string;
  parameters: Record<string, string[]>;
  clientToken?: string;
  status: string;
  startedAt: number;
  endedAt?: number;
  polls: number;
}

/** Options of {@link startSsmLookalike}. */
export interface LookalikeOptions {
  /** GetAutomationExecution polls after which an InProgress execution ends, and how (default never). */
  finish?: { afterPolls: number; status: 'Success' | 'Failed' };
  /** Report moto's Run Command invocations as InProgress, as a long script would be. */
  holdCommands?: boolean;
  /** Called with each operation as it arrives, before it is answered. */
  onRequest?: (operation: string) => void;
}

/** The running proxy. */
export interface SsmLookalike {
  url: string;
  requests: SeenRequest[];
  executions: Map<string, Execution>;
  /** Carries out the next `times` calls of `operation`, then answers each with a 500 InternalServerError. */
  failAfterAccept(operation: string, times?: number): void;
  close(): Promise<void>;
}

const OWN = new Set(['StartAutomationExecution', 'GetAutomationExecution', 'StopAutomationExecution']);
const TERMINAL = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What {@link forward} needs of a request. */
interface Outgoing {
  url?: string | undefined;
  method?: string | undefined;
  headers: http.IncomingHttpHeaders;
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const json = (status: number, body: unknown): Answer => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
});
const awsError = (status: number, type: string, message: string): Answer => {
  const answer = json(status, { __type: type, Message: message });
  return { ...answer, headers: { ...answer.headers, 'x-amzn-errortype': type } };
};

/** Starts the proxy on a loopback port, in front of moto at `motoUrl`. */
export async function startSsmLookalike(
  motoUrl: string,
  options: LookalikeOptions = {},
): Promise<SsmLookalike> {
  const requests: SeenRequest[] = [];
  const executions = new Map<string, Execution>();
  const faults = new Map<string, number>();
  const moto = new URL(motoUrl);

  /** Sends a request to moto as it came and reads the whole answer. */
  const forward = (req: Outgoing, raw: Buffer): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: moto.host };
      const out = http.request(
        { host: moto.hostname, port: moto.port, path: req.url, method: req.method, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const plain: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined && k !== 'content-length' && k !== 'connection')
                plain[k] = Array.isArray(v) ? v.join(', ') : v;
            resolve({
              status: res.statusCode ?? 500,
              body: Buffer.concat(chunks).toString('utf8'),
              headers: plain,
            });
          });
        },
      );
      out.on('error', reject);
      out.end(raw);
    });

  /** Whether moto knows the runbook (DescribeDocument), asked with the caller's own headers. */
  const documentExists = async (req: http.IncomingMessage, name: string): Promise<boolean> => {
    const probe = Buffer.from(JSON.stringify({ Name: name }));
    const headers = {
      ...req.headers,
      'x-amz-target': 'AmazonSSM.DescribeDocument',
      'content-length': String(probe.length),
    };
    const answer = await forward({ url: '/', method: 'POST', headers }, probe);
    return answer.status === 200;
  };

  async function own(
    operation: string,
    body: Record<string, unknown>,
    req: http.IncomingMessage,
  ): Promise<Answer> {
    const id = body.AutomationExecutionId as string | undefined;
    if (operation === 'StartAutomationExecution') {
      const name = body.DocumentName as string;
      const token = body.ClientToken as string | undefined;
      if (token !== undefined && !UUID.test(token))
        return awsError(
          400,
          'ValidationException',
          `1 validation error detected: Value '${token}' at 'clientToken' failed to satisfy constraint`,
        );
      if (!(await documentExists(req, name)))
        return awsError(
          400,
          'AutomationDefinitionNotFoundException',
          `Document with name ${name} does not exist.`,
        );
      const parameters = (body.Parameters as Record<string, string[]> | undefined) ?? {};
      const version = body.DocumentVersion as string | undefined;
      // AWS: the token is case-insensitive and names one execution; other parameters under it are refused.
      const earlier =
        token && [...executions.values()].find((e) => e.clientToken?.toLowerCase() === token.toLowerCase());
      if (earlier) {
        const same =
          earlier.documentName === name &&
          earlier.documentVersion === version &&
          JSON.stringify(earlier.parameters) === JSON.stringify(parameters);
        return same
          ? json(200, { AutomationExecutionId: earlier.id })
          : awsError(
              400,
              'IdempotentParameterMismatch',
              'Parameters differ from the request that used this client token.',
            );
      }
      const execution: Execution = {
        id: randomUUID(),
        documentName: name,
        ...(version !== undefined && { documentVersion: version }),
        parameters,
        ...(token !== undefined && { clientToken: token }),
        status: 'InProgress',
        startedAt: Date.now(),
        polls: 0,
      };
      executions.set(execution.id, execution);
      return json(200, { AutomationExecutionId: execution.id });
    }
    const execution = id ? executions.get(id) : undefined;
    if (!execution)
      return awsError(
        400,
        'AutomationExecutionNotFoundException',
        `Automation Execution ${id ?? ''} not found.`,
      );
    if (operation === 'StopAutomationExecution') {
      if (TERMINAL.has(execution.status))
        return awsError(
          400,
          'InvalidAutomationStatusUpdateException',
          `Automation ${execution.id} is already ${execution.status}.`,
        );
      Object.assign(execution, { status: 'Cancelled', endedAt: Date.now() });
      return json(200, {});
    }
    execution.polls++;
    if (execution.status === 'InProgress' && options.finish && execution.polls >= options.finish.afterPolls)
      Object.assign(execution, { status: options.finish.status, endedAt: Date.now() });
    return json(200, {
      AutomationExecution: {
        AutomationExecutionId: execution.id,
        DocumentName: execution.documentName,
        DocumentVersion: execution.documentVersion ?? '1',
        ExecutionStartTime: execution.startedAt / 1000,
        ...(execution.endedAt !== undefined && { ExecutionEndTime: execution.endedAt / 1000 }),
        AutomationExecutionStatus: execution.status,
        Parameters: execution.parameters,
        Outputs: {},
        Mode: 'Auto',
        StepExecutions: [],
        ...(execution.status === 'Failed' && {
          FailureMessage: 'Step fails when it is Executing. Fake failure.',
        }),
      },
    });
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
      let body: Record<string, unknown> = {};
      try {
        body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        // Not JSON (another protocol): forwarded as it is.
      }
      options.onRequest?.(operation);
      const answering = OWN.has(operation) ? own(operation, body, req) : forward(req, raw);
      void answering
        .then((answer) => {
          if (options.holdCommands && operation === 'GetCommandInvocation' && answer.status === 200) {
            const invocation = JSON.parse(answer.body) as Record<string, unknown>;
            answer = json(200, {
              ...invocation,
              Status: 'InProgress',
              StatusDetails: 'InProgress',
              ResponseCode: -1,
            });
          }
          const left = faults.get(operation) ?? 0;
          if (left > 0) {
            // Carried out above; the caller only learns that it failed: an ambiguous failure.
            faults.set(operation, left - 1);
            answer = awsError(
              500,
              'InternalServerError',
              'An internal error occurred (injected after the request was carried out).',
            );
          }
          requests.push({ operation, body, headers: req.headers, status: answer.status });
          res.writeHead(answer.status, {
            ...answer.headers,
            'content-length': String(Buffer.byteLength(answer.body)),
          });
          res.end(answer.body);
        })
        .catch((error: unknown) => {
          res.writeHead(502).end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    executions,
    failAfterAccept: (operation, times = 1) => void faults.set(operation, times),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

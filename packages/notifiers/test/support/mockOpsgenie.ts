import { randomUUID } from 'node:crypto';
import { startRecordingServer } from './recordingServer.js';
import type { RecordingServer, Reply } from './recordingServer.js';

// A local stand-in for OpsGenie's Alert API v2: `Authorization: GenieKey <key>`, 202 with a requestId for
// every accepted request, errors as {"message", "took", "requestId"}, and OpsGenie's de-duplication: an
// open alert with the same alias is not created again, its count goes up.

/** The only API key the mock accepts. Obviously fake. */
export const OPSGENIE_KEY = 'fake-genie-key-123';

/** An alert the mock holds. */
export interface MockAlert {
  alias: string;
  message: string;
  status: 'open' | 'closed';
  count: number;
  priority?: unknown;
  notes: string[];
  body: Record<string, unknown>;
}

/** The mock OpsGenie server and its alerts. */
export interface MockOpsgenie extends RecordingServer {
  alerts: MockAlert[];
  reset(): void;
}

/** Starts the mock OpsGenie API on a loopback port (`port`, default one the OS picks). */
export async function startMockOpsgenie(port = 0): Promise<MockOpsgenie> {
  const alerts: MockAlert[] = [];
  const error = (status: number, message: string, extra: Record<string, unknown> = {}): Reply => ({
    status,
    body: { message, ...extra, took: 0.001, requestId: randomUUID() },
  });
  const accepted = (): Reply => ({
    status: 202,
    body: { result: 'Request will be processed', took: 0.302, requestId: randomUUID() },
  });

  const server = await startRecordingServer((request) => {
    if (request.headers.authorization !== `GenieKey ${OPSGENIE_KEY}`)
      return error(401, 'Could not authenticate');
    if (request.method !== 'POST') return error(405, 'Method not allowed');
    const body = request.body ?? {};
    if (request.path === '/v2/alerts') {
      if (typeof body.message !== 'string' || body.message === '')
        return error(422, 'Request body is not processable. Please check the errors.', {
          errors: { message: 'Message can not be empty.' },
        });
      const alias = typeof body.alias === 'string' ? body.alias : randomUUID();
      const open = alerts.find((a) => a.alias === alias && a.status === 'open');
      if (open) open.count += 1;
      else
        alerts.push({
          alias,
          message: body.message,
          status: 'open',
          count: 1,
          priority: body.priority,
          notes: [],
          body,
        });
      return accepted();
    }
    const match = /^\/v2\/alerts\/([^/]+)\/(close|notes)$/.exec(request.path);
    if (!match) return error(404, 'Not found');
    if (request.query.get('identifierType') !== 'alias')
      return error(422, 'identifierType must be alias in this mock');
    // Asynchronous like the real API: an unknown alias is still accepted, and the request fails later.
    const alias = decodeURIComponent(match[1]!);
    const alert = alerts.find((a) => a.alias === alias && a.status === 'open');
    if (match[2] === 'close') {
      if (alert) alert.status = 'closed';
    } else {
      if (typeof body.note !== 'string' || body.note === '')
        return error(422, 'Request body is not processable. Please check the errors.', {
          errors: { note: 'Note can not be empty.' },
        });
      alert?.notes.push(body.note);
    }
    return accepted();
  }, port);

  return Object.assign(server, {
    alerts,
    reset() {
      alerts.length = 0;
      server.clear();
    },
  });
}

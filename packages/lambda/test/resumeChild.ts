// A later Lambda invocation in a NEW process (a fresh container): it builds the handler at module scope
// from nothing but its configuration (moto endpoint, table, clock shift in the environment), receives
// the EventBridge Scheduled Event sample, and prints what the handler returned and what it rebooted.
import type { Logger } from '@firstline/core';
import { motoHandler } from './motoSupport.js';
import { createShiftedClock, fixture, lambdaContext } from './support.js';

const endpoint = process.env.FIRSTLINE_MOTO_ENDPOINT ?? '';
const table = process.env.FIRSTLINE_TABLE ?? '';
const clock = createShiftedClock(Number(process.env.FIRSTLINE_CLOCK_SHIFT_MS ?? '0'));
const errors: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message) => void errors.push(message),
};
const { handler, reboots, notifications, close } = motoHandler({ endpoint, table, clock, logger });

const result = await handler(fixture('scheduled-event.json'), lambdaContext(30_000));
process.stdout.write(JSON.stringify({ result, reboots: reboots(), notifications, errors, pid: process.pid }));
await close();

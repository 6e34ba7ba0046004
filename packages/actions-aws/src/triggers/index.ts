// The alarm event parsers alone, as `@firstline/actions-aws/triggers`: a Lambda handler or a service
// that only reads alarm events loads no AWS SDK client through this entry.
export { parseAlarmEvent, parseAlarmEvents } from './parseAlarmEvent.js';
export type {
  AlarmEventSource,
  AlarmInputs,
  AlarmState,
  AlarmTrigger,
  ParsedAlarmEvent,
} from './parseAlarmEvent.js';
export { regionCodeOf } from './regionCodes.js';

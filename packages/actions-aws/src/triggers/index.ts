// The event parsers alone, as `@firstline/actions-aws/triggers`: a Lambda handler, the server or the
// CLI reads events through this entry and loads no AWS SDK client.
export { alarmTrigger, classifyTrigger, classifyTriggers } from './classifyTrigger.js';
export type {
  AlertmanagerAlertTrigger,
  CloudWatchAlarmTrigger,
  DirectTrigger,
  Trigger,
  TriggerKind,
  UnknownTrigger,
} from './trigger.js';
export { parseAlarmEvent, parseAlarmEvents } from './parseAlarmEvent.js';
export type {
  AlarmEventSource,
  AlarmInputs,
  AlarmState,
  AlarmTrigger,
  ParsedAlarmEvent,
} from './parseAlarmEvent.js';
export { regionCodeOf } from './regionCodes.js';

// What the web API gets from the alarm book (docs/EVENTS.md, "Alarms"): the stored list
// with filters and paging, the open alarms and their counts (from memory, no query), and
// acknowledgement.
import type { AckOutcome, AlarmSummary } from '../events/alarms/alarm-book.js';
import type { AlarmPage, AlarmQuery, AlarmRecord, AlarmState } from '../storage/index.js';
import type { Runtime } from './runtime.js';

export type { AckOutcome, AlarmPage, AlarmQuery, AlarmRecord, AlarmState, AlarmSummary };

export interface AlarmsService {
  list(query?: AlarmQuery): Promise<AlarmPage>;
  /** Not both cleared and acknowledged, oldest first. */
  open(): AlarmRecord[];
  summary(): AlarmSummary;
  acknowledge(ids: readonly string[], user: string, comment: string | null): Promise<AckOutcome>;
}

/** The framework starts with the app, so each call asks the runtime for it. */
export function alarmsService(rt: Runtime): AlarmsService {
  return {
    list: (query) => rt.alarms.list(query),
    open: () => rt.alarms.open(),
    summary: () => rt.alarms.summary(),
    acknowledge: (ids, user, comment) => rt.alarms.acknowledge(ids, user, comment),
  };
}

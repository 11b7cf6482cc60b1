// The alarm lifecycle (docs/EVENTS.md, "Alarms"), ISA-18.2 style: a firing of an alarm rule
// raises an alarm (active, unacknowledged); acknowledging and clearing are independent, and
// the alarm stays open until it is both. One open alarm per (rule, device): a re-fire while
// open counts on the same alarm (and makes a cleared one active again).
//
// The open alarms live in memory (loaded at start), so the summary and the colour of device
// rows cost no query; each change is written through to the database in order, and a write
// that fails is tried again (the state in memory stays authoritative meanwhile).
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../clock.js';
import type { RuleDef, Severity } from '../../domain/rules.js';
import type { Logger } from '../../log.js';
import type { AlarmPage, AlarmQuery, AlarmRecord, AlarmStore } from '../../storage/index.js';
import type { DtuEvent } from '../event.js';
import { CLEARED_BY, clearedBy, isClearingEvent } from './alarm-pairs.js';

const RETRY_MS = 5000;

export type SeverityCounts = Record<Severity, number>;

export interface AlarmSummary {
  /** Open alarms not yet cleared, per severity. */
  readonly active: SeverityCounts;
  /** Open alarms not yet acknowledged, per severity. */
  readonly unacknowledged: SeverityCounts;
  readonly open: number;
}

export interface AckOutcome {
  readonly acknowledged: AlarmRecord[];
  /** Ids not open or acknowledged already. */
  readonly skipped: string[];
}

/** Called after every change, with the device it concerns (null: none). */
export type AlarmListener = (deviceId: string | null) => void;

const noCounts = (): SeverityCounts => ({ critical: 0, major: 0, minor: 0, warning: 0, info: 0 });

export class AlarmBook {
  /** `${rule}\0${device}` → the open alarm. */
  private readonly openAlarms = new Map<string, AlarmRecord>();
  private readonly dirty = new Map<string, AlarmRecord>();
  private saving: Promise<void> = Promise.resolve();
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly store: AlarmStore,
    private readonly log: Logger,
    private readonly changed: AlarmListener,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Opens the store and loads the open alarms; a database that is down is asked again later. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.store.start();
    await this.load();
  }

  private async load(): Promise<void> {
    try {
      for (const alarm of await this.store.open()) {
        const key = keyOf(alarm.rule, alarm.registrationId);
        // Raised while the database was away: the newer one in memory wins.
        if (!this.openAlarms.has(key)) this.openAlarms.set(key, alarm);
      }
      if (this.openAlarms.size > 0) this.changed(null);
    } catch (err) {
      this.log.warn({ error: (err as Error).message }, 'cannot read the open alarms yet; trying again');
      this.later(() => this.load());
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    await this.flush();
    await this.store.close();
  }

  /** What a rule passed on (docs/EVENTS.md): rule.fired / rule.recovered, or the event an event rule matched. */
  onRuleOutput(event: DtuEvent, rule: RuleDef): void {
    if (!rule.alarm) return;
    const p = event.payload;
    const value = typeof p['value'] === 'number' ? p['value'] : null;
    if (event.type === 'rule.recovered') {
      this.clear(keyOf(rule.name, event.deviceId), event.at, value);
      return;
    }
    if (event.type === 'rule.fired') {
      const source = rule.source;
      const oneShot = source.kind === 'point' && !source.recovery;
      const condition = typeof p['condition'] === 'string' ? p['condition'] : '';
      const point = typeof p['point'] === 'string' ? p['point'] : null;
      this.raise(rule, event, point, value, rule.description || `${point ?? ''} ${condition}`.trim(), oneShot);
      return;
    }
    if (isClearingEvent(event.type)) return;
    const oneShot = CLEARED_BY[event.type as keyof typeof CLEARED_BY] === undefined;
    this.raise(rule, event, null, null, rule.description || event.type, oneShot);
  }

  /** Every framework event: the good news (device.online…) clears what its counterpart raised. */
  onEvent(event: DtuEvent): void {
    if (!isClearingEvent(event.type)) return;
    const types = clearedBy(event.type);
    for (const [key, alarm] of this.openAlarms) {
      if (alarm.registrationId === event.deviceId && types.includes(alarm.eventType)) this.clear(key, event.at, null);
    }
  }

  /**
   * rules.yml reloaded: a point rule changed starts afresh, so its active alarms clear (it
   * raises them again if its condition still holds). An event rule does not see its event
   * again (a device still offline sends no second device.offline): its alarms stay until
   * their counterpart event, unless the rule was removed or is no longer an alarm.
   */
  rulesChanged(rules: readonly RuleDef[], changed: ReadonlySet<string>): void {
    const alarmRules = new Map(rules.filter((r) => r.alarm).map((r) => [r.name, r]));
    const now = this.clock.now();
    for (const [key, alarm] of [...this.openAlarms]) {
      const rule = alarmRules.get(alarm.rule);
      const restarts = changed.has(alarm.rule) && rule?.source.kind === 'point';
      if (!rule || restarts) this.clear(key, now, null);
    }
  }

  /** Acknowledges open alarms by id; resolves once written to the database. */
  async acknowledge(ids: readonly string[], user: string, comment: string | null): Promise<AckOutcome> {
    const now = this.clock.now();
    const wanted = new Set(ids);
    const acknowledged: AlarmRecord[] = [];
    for (const [key, alarm] of [...this.openAlarms]) {
      if (!wanted.has(alarm.id) || alarm.ackedAt !== null) continue;
      alarm.ackedAt = now;
      alarm.ackedBy = user;
      alarm.ackComment = comment;
      alarm.updatedAt = now;
      if (alarm.clearedAt !== null) this.openAlarms.delete(key);
      this.dirty.set(alarm.id, alarm);
      acknowledged.push({ ...alarm });
      this.changed(alarm.registrationId);
    }
    const done = new Set(acknowledged.map((a) => a.id));
    await this.flush();
    return { acknowledged, skipped: ids.filter((id) => !done.has(id)) };
  }

  /** Stored alarms with filters and paging, every change so far included. */
  async list(query: AlarmQuery = {}): Promise<AlarmPage> {
    await this.flush();
    return this.store.list(query);
  }

  /** Copies of the open alarms, oldest first. */
  open(): AlarmRecord[] {
    return [...this.openAlarms.values()].sort((a, b) => a.raisedAt - b.raisedAt).map((a) => ({ ...a }));
  }

  summary(): AlarmSummary {
    const active = noCounts();
    const unacknowledged = noCounts();
    for (const alarm of this.openAlarms.values()) {
      if (alarm.clearedAt === null) active[alarm.severity]++;
      if (alarm.ackedAt === null) unacknowledged[alarm.severity]++;
    }
    return { active, unacknowledged, open: this.openAlarms.size };
  }

  /** Resolves once every change so far is in the database (or has failed and waits for a retry). */
  flush(): Promise<void> {
    this.saving = this.saving.then(() => this.save());
    return this.saving;
  }

  private raise(
    rule: RuleDef,
    event: DtuEvent,
    point: string | null,
    value: number | null,
    text: string,
    oneShot: boolean,
  ): void {
    const key = keyOf(rule.name, event.deviceId);
    const at = event.at;
    let alarm = this.openAlarms.get(key);
    if (alarm) {
      alarm.fireCount++;
      alarm.value = value;
      alarm.clearedAt = oneShot ? at : null;
      alarm.clearValue = null;
      alarm.updatedAt = at;
    } else {
      alarm = {
        id: randomUUID(),
        rule: rule.name,
        registrationId: event.deviceId,
        point,
        eventType: event.type,
        severity: rule.severity,
        value,
        text,
        raisedAt: at,
        fireCount: 1,
        clearedAt: oneShot ? at : null,
        clearValue: null,
        ackedAt: null,
        ackedBy: null,
        ackComment: null,
        updatedAt: at,
      };
      this.openAlarms.set(key, alarm);
    }
    this.touched(alarm);
  }

  private clear(key: string, at: number, value: number | null): void {
    const alarm = this.openAlarms.get(key);
    if (!alarm || alarm.clearedAt !== null) return;
    alarm.clearedAt = at;
    alarm.clearValue = value;
    alarm.updatedAt = at;
    if (alarm.ackedAt !== null) this.openAlarms.delete(key);
    this.touched(alarm);
  }

  private touched(alarm: AlarmRecord): void {
    this.dirty.set(alarm.id, alarm);
    void this.flush();
    this.changed(alarm.registrationId);
  }

  private async save(): Promise<void> {
    if (this.dirty.size === 0) return;
    const batch = [...this.dirty.values()];
    this.dirty.clear();
    try {
      await this.store.save(batch.map((a) => ({ ...a })));
    } catch (err) {
      for (const alarm of batch) if (!this.dirty.has(alarm.id)) this.dirty.set(alarm.id, alarm);
      this.log.warn({ error: (err as Error).message, alarms: batch.length }, 'cannot save alarms yet; trying again');
      this.later(() => this.flush());
    }
  }

  private later(run: () => Promise<void>): void {
    if (this.stopped || this.retry !== null) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void run();
    }, RETRY_MS);
    this.retry.unref();
  }
}

function keyOf(rule: string, deviceId: string | null): string {
  return `${rule}\0${deviceId ?? ''}`;
}

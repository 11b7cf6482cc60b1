// The event framework as one service for the composition root: gateway bus events become
// catalogue events, every event is stored (through the batched history writer) and given
// to the rule engine, and rules' actions run (webhooks queued, MQTT, log).
//
// Start after the history store (events are written through it, deliveries live in its
// database) and before the gateway; stop after the gateway (its last offline events are
// still stored) and before the history store.
import type { EventBus } from '../bus.js';
import { systemClock, type Clock } from '../clock.js';
import type { StorageConfig } from '../domain/config.js';
import type { GatewayEvents } from '../domain/events.js';
import type { MqttBroker, RuleDef, RulesConfig } from '../domain/rules.js';
import type { Logger } from '../log.js';
import {
  alarmStoreFor,
  deliveryStoreFor,
  type AlarmStore,
  type DeliveryStore,
  type HistoryReader,
  type HistoryWriter,
  type StoreHealth,
} from '../storage/index.js';
import { ActionRunner } from './actions/run-actions.js';
import { AlarmBook } from './alarms/alarm-book.js';
import { MqttPublisher } from './actions/mqtt-publisher.js';
import { DeliveryQueue } from './delivery/delivery-queue.js';
import { sendWebhook, type Sender } from './delivery/webhook-sender.js';
import { makeEvent, type DtuEvent } from './event.js';
import { fromBus, MAPPED_BUS_EVENTS } from './gateway-events.js';
import { NotifierHub } from './notify/notifier-hub.js';
import type { PointLookup } from './notify/notice.js';
import { sendNotice, type NoticeSender } from './notify/notice-sender.js';
import { RuleEngine } from './rules/rule-engine.js';
import { EventsAccess, WebhooksAccess } from './framework-access.js';
import { StoreHealthWatch } from './store-health-watch.js';

export interface HistoryAccess {
  readonly writer: HistoryWriter;
  readonly reader: HistoryReader;
  health(): StoreHealth;
}

export interface EventFrameworkOptions {
  /** Replaces the HTTP client (benchmarks, tests). */
  readonly send?: Sender;
  /** Replaces the store built from `storage` (tests). */
  readonly deliveryStore?: DeliveryStore;
  /** Replaces the alarm store built from `storage` (tests). */
  readonly alarmStore?: AlarmStore;
  /** Replaces SMTP and the robots' HTTP (tests). */
  readonly sendNotice?: NoticeSender;
  /** Wall clock of the notifiers' quiet hours (tests). */
  readonly clock?: Clock;
  /** A device's point description and unit, for the notifiers' sentences (app.ts). */
  readonly points?: PointLookup;
}

/** Names of the parts of rules.yml a reload changed (added, changed or removed). */
export interface RulesChanged {
  readonly rules: ReadonlySet<string>;
  readonly webhooks: ReadonlySet<string>;
  readonly brokers: ReadonlySet<string>;
  readonly notifiers?: ReadonlySet<string>;
}

const KNOWN_DEVICES_RETRY_MS = 5000;

/** The brokers some rule publishes to: only these are connected. */
function brokersInUse(rules: RulesConfig): MqttBroker[] {
  const used = new Set(rules.rules.flatMap((r) => r.actions.flatMap((a) => (a.kind === 'mqtt' ? [a.broker] : []))));
  return [...rules.mqtt.values()].filter((b) => used.has(b.name));
}

export class EventFramework {
  readonly engine: RuleEngine;
  readonly events: EventsAccess;
  readonly webhooks: WebhooksAccess;
  /** Open alarms and their lifecycle (docs/EVENTS.md, "Alarms"). */
  readonly alarms: AlarmBook;
  /** `notifiers:` of rules.yml: e-mail and chat robots (src/events/notify). */
  readonly notifiers: NotifierHub;
  private readonly queue: DeliveryQueue;
  private readonly store: DeliveryStore;
  private readonly mqtt: MqttPublisher;
  private readonly actions: ActionRunner;
  private readonly healthWatch: StoreHealthWatch;
  private readonly knownDevices = new Set<string>();
  /** False until the devices table has been read: until then no device.registered is raised. */
  private knownLoaded = false;
  private knownRetry: NodeJS.Timeout | null = null;
  private readonly raisedByType = new Map<string, number>();
  private offs: (() => void)[] = [];

  constructor(
    private rules: RulesConfig,
    storage: StorageConfig,
    private readonly bus: EventBus<GatewayEvents>,
    private readonly history: HistoryAccess,
    private readonly log: Logger,
    options: EventFrameworkOptions = {},
  ) {
    const send = options.send ?? sendWebhook;
    this.store = options.deliveryStore ?? deliveryStoreFor(storage);
    this.queue = new DeliveryQueue(rules.webhooks, this.store, log.child({ part: 'webhooks' }), { send });
    this.notifiers = new NotifierHub(
      rules.notifiers,
      options.sendNotice ?? sendNotice,
      options.clock ?? systemClock,
      log.child({ part: 'notify' }),
      options.points,
    );
    this.mqtt = new MqttPublisher(brokersInUse(rules), log.child({ part: 'mqtt' }));

    this.actions = new ActionRunner(this.queue, this.mqtt, log.child({ part: 'actions' }), this.notifiers);
    this.engine = new RuleEngine(rules, (event, rule) => this.fired(event, rule));
    this.events = new EventsAccess(rules, () => history.reader, this.engine);
    this.alarms = new AlarmBook(
      options.alarmStore ?? alarmStoreFor(storage),
      log.child({ part: 'alarms' }),
      (deviceId) => bus.emit('alarm.changed', { deviceId, at: Date.now() }),
    );
    this.webhooks = new WebhooksAccess(rules, this.store, this.queue, send, this.notifiers);
    this.healthWatch = new StoreHealthWatch(
      () => history.health(),
      (event) => this.raise(event),
    );
  }

  async start(): Promise<void> {
    await this.loadKnownDevices();
    await this.store.start();
    await this.alarms.start();
    await this.queue.start();
    this.mqtt.start();
    this.notifiers.start();
    this.engine.start();
    this.healthWatch.start();
    const firstTime = (id: string) => {
      if (this.knownDevices.has(id)) return false;
      this.knownDevices.add(id);
      return this.knownLoaded;
    };
    for (const type of MAPPED_BUS_EVENTS) {
      this.offs.push(
        this.bus.on(type, (e) => {
          if (type === 'device.registered') {
            const r = e as GatewayEvents['device.registered'];
            this.engine.deviceRegistered(r.deviceId, r.profile);
          }
          for (const event of fromBus(type, e, firstTime)) this.raise(event);
        }),
      );
    }
    this.offs.push(
      this.bus.on('device.reconfigured', (e) => this.engine.deviceRegistered(e.deviceId, e.profile)),
      this.bus.on('data', (e) => {
        this.engine.onSamples(e.deviceId, e.samples);
        if (this.engine.wantsDataEvents) {
          const points = e.samples.map((s) => s.point);
          this.engine.onEvent(makeEvent('data.received', e.deviceId, e.at, { points, polledAt: e.polledAt }));
        }
      }),
    );
    if (this.rules.rules.length > 0)
      this.log.info({ rules: this.rules.rules.length, file: this.rules.file }, 'rules loaded');
  }

  /**
   * rules.yml reloaded: only the rules, webhook endpoints and MQTT brokers named start
   * afresh (see RuleEngine.apply, DeliveryQueue.reconfigure, MqttPublisher.apply); a broker
   * a rule starts or stops using is connected or closed.
   */
  applyRules(rules: RulesConfig, changed: RulesChanged): void {
    this.rules = rules;
    this.engine.apply(rules, changed.rules);
    this.alarms.rulesChanged(rules.rules, changed.rules);
    this.queue.reconfigure(rules.webhooks, changed.webhooks);
    this.mqtt.apply(brokersInUse(rules), changed.brokers);
    this.notifiers.use(rules.notifiers);
    this.events.use(rules);
    this.webhooks.use(rules);
  }

  /** Unsubscribes, stops timers, aborts webhook attempts in flight (they stay pending) and saves the queue's state. */
  async stop(): Promise<void> {
    if (this.knownRetry !== null) clearTimeout(this.knownRetry);
    this.knownRetry = null;
    for (const off of this.offs.splice(0)) off();
    this.healthWatch.stop();
    this.engine.stop();
    this.notifiers.stop();
    await this.queue.stop();
    await this.alarms.stop();
    await this.mqtt.stop();
    await this.store.close();
  }

  /**
   * Which registration IDs the database knows, for device.registered. A database that is
   * down at start (MySQL) must not stop dtuhub: it is asked again every few seconds.
   */
  private async loadKnownDevices(): Promise<void> {
    try {
      for (const device of await this.history.reader.devices()) this.knownDevices.add(device.registrationId);
      this.knownLoaded = true;
    } catch (err) {
      this.log.warn(
        { error: (err as Error).message },
        'cannot read the devices table yet; device.registered waits for it',
      );
      this.knownRetry = setTimeout(() => {
        this.knownRetry = null;
        void this.loadKnownDevices();
      }, KNOWN_DEVICES_RETRY_MS);
      this.knownRetry.unref();
    }
  }

  /** Events raised since start, per type. */
  raised(): Record<string, number> {
    return Object.fromEntries(this.raisedByType);
  }

  /** Stores an event and runs the event rules on it. */
  raise(event: DtuEvent): void {
    this.record(event);
    this.engine.onEvent(event);
    this.alarms.onEvent(event);
  }

  private fired(event: DtuEvent, rule: RuleDef): void {
    // Rule events are new events (stored); events a rule matched are stored already.
    if (event.type === 'rule.fired' || event.type === 'rule.recovered') this.record(event);
    this.alarms.onRuleOutput(event, rule);
    this.actions.run(event, rule);
  }

  private record(event: DtuEvent): void {
    this.raisedByType.set(event.type, (this.raisedByType.get(event.type) ?? 0) + 1);
    this.history.writer.event({
      id: event.id,
      type: event.type,
      registrationId: event.deviceId,
      rule: event.rule,
      at: event.at,
      payload: event.payload,
    });
  }
}

// A DTU session whose answer handling fails (a decoder or a data listener that throws):
// that one answer is dropped, counted and logged, and the session goes on reading the
// stream and polling. Driven through a fake socket with a meter polled behind it.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/bus.js';
import { systemClock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config/load.js';
import type { GatewayEvents } from '../../../src/domain/events.js';
import { newCounters } from '../../../src/gateway/counters.js';
import { DeviceRegistry } from '../../../src/gateway/registry.js';
import { DtuSession } from '../../../src/gateway/session.js';
import type { SessionSocket } from '../../../src/gateway/session-socket.js';
import { TickScheduler } from '../../../src/link/index.js';
import { silentLogger } from '../../../src/log.js';
import { readMeterFrame, meterAnswerFrame } from '../../../src/simulator/meter-frames.js';
import { waitFor } from '../../helpers/app-harness.js';
import { MINIMAL_SERVER, withConfigDir } from '../config/temp-config.js';

const METER = '210220003011';

const POINTS = `version: 1
links:
  transparent:
    framing: transparent
profiles:
  meter:
    timing: { responseTimeout: 2s, retries: 0, interRequestDelay: 0ms }
    slaves:
      - { id: 1, protocol: dlt645-2007, meterAddress: "${METER}" }
    tasks:
      - { name: fast, points: all, every: 50ms }
    points:
      - { name: voltage, identifier: voltage.a }
devices:
  - default: meter
`;

class FakeSocket extends EventEmitter implements SessionSocket {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 40000;
  readonly written: Buffer[] = [];
  destroyed = false;
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  write(bytes: Uint8Array): boolean {
    this.written.push(Buffer.from(bytes));
    return true;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
}

const sessions: DtuSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.close('closed', null);
});

/** A session dtuhub opened to a meter's DTU, whose poller publishes through `emit`. */
function meterSession(emit: (type: keyof GatewayEvents, event: unknown) => void) {
  const config = withConfigDir({ server: MINIMAL_SERVER, points: POINTS }, (dir) => loadConfig(dir, {}));
  const profile = config.points.profiles.get('meter')!;
  const socket = new FakeSocket();
  const counters = newCounters();
  const log = silentLogger();
  const errors: unknown[] = [];
  log.error = ((obj: unknown) => void errors.push(obj)) as typeof log.error;
  const session = new DtuSession(
    socket,
    'meter-channel',
    config.points.links.get('transparent')!,
    {
      limits: { ...config.server.sessions, connectStaggerMs: 0 },
      points: config.points,
      registry: new DeviceRegistry(),
      bus: new EventBus<GatewayEvents>(silentLogger()),
      counters,
      log,
      clock: systemClock,
      scheduler: new TickScheduler(1),
      recording: { recordRawPackets: 'none', rawPacketMaxBytes: 0, rawPacketBytesPerMinute: 0 },
    },
    {
      preset: { deviceId: 'METER-DTU', profile, name: null },
      bus: { emit: emit as EventBus<GatewayEvents>['emit'] },
      online: () => undefined,
      closed: () => undefined,
    },
  );
  sessions.push(session);
  session.start();
  return { session, socket, counters, errors };
}

/** Answers the last request the meter got: voltage A 229.6 V. */
function answerLast(socket: FakeSocket): void {
  const request = readMeterFrame(socket.written.at(-1)!, 0);
  if (typeof request === 'string') throw new Error(`not a meter request: ${request}`);
  expect(request.frame.address).toBe(METER);
  const data = Buffer.concat([request.frame.data.subarray(0, 4), Buffer.of(0x96, 0x22)]);
  socket.emit('data', meterAnswerFrame(METER, 0x91, data));
}

describe('a session whose answer handling throws', () => {
  it('drops that answer, counts and logs it, and keeps polling the same connection', async () => {
    const published: unknown[] = [];
    let failing = true;
    const { session, socket, counters, errors } = meterSession((type, event) => {
      if (type !== 'data') return;
      if (failing) throw new Error('a listener that breaks');
      published.push(event);
    });
    await waitFor(() => socket.written.length >= 1, 2000, 'the first meter read');
    expect(() => answerLast(socket)).not.toThrow();
    expect(counters.answersDropped).toBe(1);
    expect(errors).toHaveLength(1);
    expect(session.status()).toMatchObject({ state: 'active', queueDepth: 0 });

    // The next poll still goes out, and its answer is published.
    failing = false;
    await waitFor(() => socket.written.length >= 2, 2000, 'the next meter read');
    answerLast(socket);
    expect(published).toEqual([
      expect.objectContaining({ deviceId: 'METER-DTU', samples: [expect.objectContaining({ value: 229.6 })] }),
    ]);
    expect(counters.answersDropped).toBe(1);
    expect(socket.destroyed).toBe(false);
  });
});
